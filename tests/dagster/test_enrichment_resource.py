"""EnrichmentResource: configured from the environment through EnvVar, laid over the ruleset's providers."""

from __future__ import annotations

import dagster as dg
import pytest

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.providers.enrichment import HttpBatchLookup
from leadgate_dagster.providers.enrichment.geocoding import OfflineGeocoding
from leadgate_dagster.resources.enrichment import EnrichmentResource
from tests.providers.enrichment.local_server import Script, serve

RULES = load_ruleset()


def test_unset_environment_keeps_the_rulesets_offline_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LEADGATE_ENRICHMENT_MODE", "LEADGATE_ENRICHMENT_BASE_URL", "LEADGATE_FIRMOGRAPHICS_URL"):
        monkeypatch.delenv(name, raising=False)
    enricher = EnrichmentResource.from_env().enricher_for(RULES)
    assert isinstance(enricher.providers["geocoding"], OfflineGeocoding)
    assert enricher.deadlines["email_verification"] == 30.0  # the ruleset's


def test_environment_switches_a_provider_to_http_and_tunes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script()
    script.known["acme-corp.com"] = {"name": "Acme", "industry": "Software"}
    with serve(script) as url:
        monkeypatch.setenv("LEADGATE_FIRMOGRAPHICS_URL", url)
        monkeypatch.setenv("LEADGATE_ENRICHMENT_API_KEY", "s3cret-key")
        monkeypatch.setenv("LEADGATE_ENRICHMENT_DEADLINE_S", "2.5")
        monkeypatch.setenv("LEADGATE_ENRICHMENT_RATE_PER_S", "4")
        resource = EnrichmentResource.from_env()
        assert isinstance(resource.firmographics_url, dg.EnvVar)  # resolved by Dagster at launch, not stored

        @dg.asset
        def probe(enrichment: EnrichmentResource) -> dict[str, object]:
            e = enrichment.enricher_for(RULES)
            answer = e.providers["firmographics"].lookup(["acme-corp.com"])["acme-corp.com"]
            return {"geocoding_offline": isinstance(e.providers["geocoding"], OfflineGeocoding),
                    "http": isinstance(e.providers["firmographics"], HttpBatchLookup),
                    "deadline": e.deadlines["firmographics"], "rate": e.settings.providers["firmographics"].http.rate_per_s,
                    "industry": answer.data["industry"], "repr": repr(e.settings)}

        got = dg.materialize([probe], resources={"enrichment": resource}).output_for_node("probe")
    assert got["geocoding_offline"] and got["http"] and got["industry"] == "Software"
    assert got["deadline"] == 2.5 and got["rate"] == 4.0
    assert script.requests("POST")[0].headers["Authorization"] == "Bearer s3cret-key"
    assert "s3cret-key" not in got["repr"]


@pytest.mark.parametrize(("config", "message"), [
    ({"mode": "http"}, "base_url"),
    ({"mode": "sometimes"}, "offline or http"),
    ({"deadline_s": "soon"}, "deadline_s must be a number"),
], ids=["http-without-url", "unknown-mode", "not-a-number"])
def test_bad_configuration_fails_loudly(config: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EnrichmentResource(**config).enricher_for(RULES)
