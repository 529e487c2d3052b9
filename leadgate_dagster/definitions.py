"""The one Definitions object of leadgate's code location."""


import dagster as dg

from leadgate_dagster import settings
from leadgate_dagster.assets.crm import crm_outbox
from leadgate_dagster.assets.intake import INTAKE_ASSETS
from leadgate_dagster.assets.leads import LEAD_ASSETS
from leadgate_dagster.assets.model import conversion_model
from leadgate_dagster.assets.review import review_queue
from leadgate_dagster.checks.contract import qualified_leads_contract
from leadgate_dagster.checks.rejection_rate import rejection_rate_by_source_check
from leadgate_dagster.core.lead_sources import load_lead_sources
from leadgate_dagster.jobs import (
    contract_job,
    crm_sync_job,
    housekeeping_job,
    inbox_import_job,
    lead_batch_job,
    model_training_job,
    recheck_job,
    rescore_job,
    review_queue_job,
    unscored_alert_job,
)
from leadgate_dagster.resources.crm import CrmResource
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.enrichment import EnrichmentResource
from leadgate_dagster.resources.inbox import InboxResource
from leadgate_dagster.resources.lead_source import lead_source_resources
from leadgate_dagster.resources.mx import MxResource
from leadgate_dagster.resources.rules import RulesResource
from leadgate_dagster.schedules.contract import contract_schedule
from leadgate_dagster.schedules.housekeeping import housekeeping_schedule
from leadgate_dagster.schedules.model import model_training_schedule
from leadgate_dagster.schedules.recheck import recheck_schedule
from leadgate_dagster.schedules.rescore import rescore_schedule
from leadgate_dagster.schedules.review import review_queue_schedule
from leadgate_dagster.schedules.unscored import unscored_alert_schedule
from leadgate_dagster.sensors.contract import contract_sensor
from leadgate_dagster.sensors.crm_outbox import crm_outbox_sensor
from leadgate_dagster.sensors.inbox import inbox_sensor
from leadgate_dagster.sensors.intake_batch import intake_batch_sensor
from leadgate_dagster.sensors.lead_source import lead_source_sensors


def build_resources(database_url: str = "", inbox_path: str = "", rules_path: str = "") -> dict[str, object]:
    db = PostgresResource(url=database_url)
    return {"db": db, "rules": RulesResource(db=db, path=rules_path), "mx": MxResource(db=db),
            "inbox_folder": InboxResource(path=inbox_path), "enrichment": EnrichmentResource.from_env(),
            "crm": CrmResource.from_env()}


# read at load: each configured lead-source API is a sensor and a resource of its own (settings.lead_sources_file)
LEAD_SOURCES = load_lead_sources(settings.lead_sources_file())

defs = dg.Definitions(
    assets=[*INTAKE_ASSETS, *LEAD_ASSETS, conversion_model, review_queue, crm_outbox],
    asset_checks=[rejection_rate_by_source_check, qualified_leads_contract],
    jobs=[lead_batch_job, inbox_import_job, housekeeping_job, recheck_job, contract_job, rescore_job,
          unscored_alert_job, model_training_job, review_queue_job, crm_sync_job],
    sensors=[inbox_sensor, intake_batch_sensor, contract_sensor, crm_outbox_sensor,
             *lead_source_sensors(LEAD_SOURCES)],
    schedules=[housekeeping_schedule, recheck_schedule, contract_schedule, rescore_schedule,
               unscored_alert_schedule, model_training_schedule, review_queue_schedule],
    resources={**build_resources(), **lead_source_resources(LEAD_SOURCES)},
)
