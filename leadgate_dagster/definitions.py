"""The one Definitions object of leadgate's code location."""


import dagster as dg

from leadgate_dagster.assets.leads import LEAD_ASSETS
from leadgate_dagster.checks.rejection_rate import rejection_rate_by_source_check
from leadgate_dagster.jobs import housekeeping_job, inbox_import_job, lead_batch_job
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.inbox import InboxResource
from leadgate_dagster.resources.mx import MxResource
from leadgate_dagster.resources.rules import RulesResource
from leadgate_dagster.schedules.housekeeping import housekeeping_schedule
from leadgate_dagster.sensors.inbox import INBOX_FILES, inbox_sensor
from leadgate_dagster.sensors.intake_batch import intake_batch_sensor

inbox_files = dg.AssetSpec(
    INBOX_FILES, group_name="intake", kinds={"file"},
    description="Files dropped in the inbox: each one's outcome (parsed, duplicate, deferred, rejected + reason) "
                "is recorded by the inbox sensor.",
)


def build_resources(database_url: str = "", inbox_path: str = "", rules_path: str = "") -> dict[str, object]:
    db = PostgresResource(url=database_url)
    return {"db": db, "rules": RulesResource(db=db, path=rules_path), "mx": MxResource(db=db),
            "inbox_folder": InboxResource(path=inbox_path)}


defs = dg.Definitions(
    assets=[inbox_files, *LEAD_ASSETS],
    asset_checks=[rejection_rate_by_source_check],
    jobs=[lead_batch_job, inbox_import_job, housekeeping_job],
    sensors=[inbox_sensor, intake_batch_sensor],
    schedules=[housekeeping_schedule],
    resources=build_resources(),
)
