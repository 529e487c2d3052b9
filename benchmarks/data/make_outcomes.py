"""Generate a realistic synthetic outcome set for the conversion model (issue 6, Scoring).

Each past lead has firmographics (seniority, department, industry, employee count), a behaviour history
(page views, pricing visits, email opens and clicks, content downloads, webinars, demo requests) over the 90
days before its outcome date, turned into `engagement_score` / `intent` by the same core code that scores
live leads (exponential decay, the shipped ruleset), a demo-request form field, and `converted`.

Conversion is driven by fit and by a latent buying interest that also drives behaviour (so engagement is
evidence, not the cause), plus noise that no feature sees: a good model reaches a useful, not perfect, AUC.
The base rate is about 10%. Deterministic: one numpy Generator(seed), never the global seed.

    python benchmarks/data/make_outcomes.py                         # benchmarks/data/outcomes.csv (6,000)
    python benchmarks/data/make_outcomes.py --rows 1400 --seed 11 --out tests/fixtures/outcomes_enough.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from leadgate_dagster.core.engagement import engagement
from leadgate_dagster.core.ruleset import load_ruleset

SEED = 20261106
AS_OF = pd.Timestamp("2026-10-01T00:00:00Z")
COLUMNS = ("lead_id", "seniority", "department", "industry", "employee_count", "demo_requested",
           "engagement_score", "intent", "events_90d", "converted")

SENIORITY = {"entry": 0.08, "individual": 0.30, "senior": 0.15, "manager": 0.20, "director": 0.12, "vp": 0.08,
             "c_level": 0.07}
SENIORITY_EFFECT = {"entry": -1.0, "individual": -0.5, "senior": -0.2, "manager": 0.1, "director": 0.5, "vp": 0.7,
                    "c_level": 0.6}
DEPARTMENT = {"sales": 0.15, "marketing": 0.15, "engineering": 0.18, "it": 0.10, "operations": 0.10,
              "finance": 0.08, "hr": 0.07, "other": 0.17}
DEPARTMENT_EFFECT = {"sales": 0.6, "marketing": 0.5, "engineering": 0.0, "it": 0.2, "operations": 0.3,
                     "finance": -0.1, "hr": -0.4, "other": -0.3}
INDUSTRY = {"software": 0.25, "financial_services": 0.12, "manufacturing": 0.12, "retail": 0.10,
            "healthcare": 0.10, "professional_services": 0.10, "education": 0.06, "government": 0.05,
            "other": 0.10}
INDUSTRY_EFFECT = {"software": 0.6, "financial_services": 0.3, "manufacturing": 0.0, "retail": -0.1,
                   "healthcare": 0.1, "professional_services": 0.2, "education": -0.5, "government": -0.6,
                   "other": -0.2}
# behaviour: base events per 90 days for an average lead, and how strongly buying interest raises the rate
EVENTS = {"page_view": (4.0, 0.5), "email_open": (3.0, 0.3), "email_click": (0.8, 0.6),
          "content_download": (0.3, 0.7), "webinar_attended": (0.1, 0.8), "pricing_visit": (0.25, 1.1),
          "demo_request": (0.03, 1.5)}
INTERCEPT = -3.25  # tuned for a base rate near 10% with these effects


def _pick(rng: np.random.Generator, table: dict[str, float], n: int) -> np.ndarray:
    names = np.array(list(table))
    weights = np.array(list(table.values()))
    return rng.choice(names, size=n, p=weights / weights.sum())


def _size_effect(employees: np.ndarray) -> np.ndarray:
    """Mid-market converts best: a bump centred on ~300 employees in log space."""
    return 0.7 * np.exp(-((np.log10(employees) - 2.5) ** 2) / 0.8) - 0.3


def generate(rows: int, seed: int) -> pd.DataFrame:
    """`rows` past leads with their outcome (columns COLUMNS)."""
    rng = np.random.default_rng(seed)
    seniority, department, industry = (_pick(rng, SENIORITY, rows), _pick(rng, DEPARTMENT, rows),
                                       _pick(rng, INDUSTRY, rows))
    employees = np.maximum(1, np.rint(rng.lognormal(mean=4.6, sigma=1.6, size=rows))).astype(int)
    interest = rng.normal(0.0, 1.0, rows)  # latent buying interest: behaviour and conversion both follow it
    ids = np.array([f"O{seed % 1000:03d}-{i:06d}" for i in range(rows)])
    events = []
    for kind, (base, slope) in EVENTS.items():
        counts = rng.poisson(base * np.exp(slope * interest - slope ** 2 / 2))
        owner = np.repeat(ids, counts)
        ages = rng.uniform(0, 90, owner.size)
        events.append(pd.DataFrame({"lead_id": owner, "event_type": kind,
                                    "occurred_at": AS_OF - pd.to_timedelta(ages, unit="D")}))
    history = pd.concat(events, ignore_index=True)
    leads = pd.DataFrame({"lead_id": ids})
    engaged = engagement(leads, history, rules=load_ruleset(), as_of=AS_OF)
    form_demo = rng.random(rows) < 0.02 * np.exp(0.9 * interest)
    fit = (pd.Series(seniority).map(SENIORITY_EFFECT).to_numpy() + pd.Series(department).map(DEPARTMENT_EFFECT)
           .to_numpy() + pd.Series(industry).map(INDUSTRY_EFFECT).to_numpy() + _size_effect(employees))
    logit = INTERCEPT + fit + 1.0 * interest + 0.8 * form_demo + rng.normal(0.0, 0.8, rows)
    converted = rng.random(rows) < 1.0 / (1.0 + np.exp(-logit))
    per_lead = history.groupby("lead_id").size()
    out = pd.DataFrame({
        "lead_id": ids, "seniority": seniority, "department": department, "industry": industry,
        "employee_count": employees, "demo_requested": np.where(form_demo, "yes", ""),
        "engagement_score": engaged["engagement_score"].to_numpy(),
        "intent": engaged["intent_signals"].map(bool).to_numpy(),
        "events_90d": leads["lead_id"].map(per_lead).fillna(0).astype(int).to_numpy(),
        "converted": converted.astype(int),
    })
    return out[list(COLUMNS)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "outcomes.csv")
    args = parser.parse_args(argv)
    frame = generate(args.rows, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, index=False)
    print(f"{args.out}: {len(frame)} leads, {int(frame['converted'].sum())} conversions "
          f"({frame['converted'].mean():.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
