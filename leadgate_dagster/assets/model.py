"""The conversion model, trained from the `outcomes` table (joined with what leadgate knew of each lead)."""


import dagster as dg

from leadgate_dagster.assets.partitions import IO_RETRY
from leadgate_dagster.core.model_artifact import ModelStatus
from leadgate_dagster.gate.model_training import train_from_table
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource


@dg.asset(group_name="scoring", kinds={"python", "scikit-learn", "postgres"}, deps=["qualified_leads"],
          retry_policy=IO_RETRY)
def conversion_model(db: PostgresResource, rules: RulesResource) -> dg.MaterializeResult:
    """A calibrated conversion model in `leadgate.score_models`: every training attempt is stored with its
    manifest (version, training size, held-out AUC, Brier score, reliability table); a TRAINED one becomes the
    active model that qualification scores with, an INSUFFICIENT_DATA one only explains the rules fallback
    (the active model, if any, stays)."""
    result = train_from_table(db.engine(), rules.active(), activate=True)
    m = result.artifact.manifest
    table = "\n".join(f"| {b.low:.1f}-{b.high:.1f} | {b.count} | {b.mean_predicted} | {b.observed_rate} |"
                      for b in m.calibration_table if b.count)
    metadata: dict[str, dg.MetadataValue] = {
        "version": dg.MetadataValue.text(m.version), "status": dg.MetadataValue.text(m.status.value),
        "activated": dg.MetadataValue.bool(result.activated),
        "dagster/row_count": dg.MetadataValue.int(m.training_rows), "rows": dg.MetadataValue.int(m.training_rows),
        "conversions": dg.MetadataValue.int(m.training_positives),
        "outcomes_stored": dg.MetadataValue.int(result.outcomes_stored or 0)}
    if m.status is ModelStatus.TRAINED:
        metadata.update({"auc": dg.MetadataValue.float(float(m.auc or 0.0)),
                         "brier": dg.MetadataValue.float(float(m.brier or 0.0)),
                         "calibration": dg.MetadataValue.md("| predicted | leads | mean p | observed |\n"
                                                            "|---|---|---|---|\n" + table)})
    return dg.MaterializeResult(metadata=metadata, data_version=dg.DataVersion(m.version))
