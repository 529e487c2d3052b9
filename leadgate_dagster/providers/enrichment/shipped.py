"""The offline providers' shipped tables, read once per process (`leadgate_dagster/data/README.md` says
where each comes from). Nothing here touches the network: the data ships in the wheel."""

from __future__ import annotations

import csv
import io
import ipaddress
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("leadgate_dagster.data").joinpath(name).read_text("utf-8")
    body = "\n".join(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(body)))


@lru_cache(maxsize=1)
def us_zip_index() -> dict[str, dict[str, Any]]:
    """ZIP code -> the `zipcodes` package's record (its own lookup scans the whole list per call)."""
    import zipcodes

    return {z["zip_code"]: z for z in zipcodes.list_all()}  # type: ignore[no-untyped-call]


def us_zip(zip5: str) -> dict[str, Any] | None:
    """One ZIP code's `zipcodes` record: from the whole index once a large batch has built it, else from
    zipcodes' own lookup (its compiled table loads in a third of the time the index takes to build, which
    matters in every run's fresh process; each lookup then costs about a millisecond)."""
    if us_zip_index.cache_info().currsize:
        return us_zip_index().get(zip5)
    return _zip_matching(zip5)


@lru_cache(maxsize=65_536)
def _zip_matching(zip5: str) -> dict[str, Any] | None:
    import zipcodes

    try:
        found = zipcodes.matching(zip5)
    except (TypeError, ValueError):  # not five digits: no such ZIP
        return None
    return dict(found[0]) if found else None


@lru_cache(maxsize=1)
def postal_centroids() -> dict[str, dict[str, dict[str, str]]]:
    """country -> postal prefix (compact, upper-case) -> row of `postal_centroids.csv`."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for row in _rows("postal_centroids.csv"):
        out.setdefault(row["country"], {})[row["prefix"].replace(" ", "").upper()] = row
    return out


@lru_cache(maxsize=1)
def firmographics_sample() -> dict[str, dict[str, str]]:
    """company domain -> row of `firmographics_sample.csv` (sample data, see the README)."""
    return {row["domain"].lower(): row for row in _rows("firmographics_sample.csv")}


@dataclass(frozen=True, slots=True)
class NetworkRow:
    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    category: str  # hosting | vpn | tor
    operator: str


class NetworkTable:
    """Non-overlapping CIDR ranges, searched by bisection on the first address."""

    def __init__(self, rows: list[NetworkRow]) -> None:
        self._by_version: dict[int, tuple[list[int], list[NetworkRow]]] = {}
        for version in (4, 6):
            mine = sorted((r for r in rows if r.network.version == version),
                          key=lambda r: int(r.network.network_address))
            self._by_version[version] = ([int(r.network.network_address) for r in mine], mine)

    def find(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> NetworkRow | None:
        starts, rows = self._by_version[address.version]
        i = bisect_right(starts, int(address)) - 1
        if i >= 0 and address in rows[i].network:
            return rows[i]
        return None


@lru_cache(maxsize=1)
def ip_networks_sample() -> NetworkTable:
    """The sample hosting/VPN network list (`ip_networks_sample.csv`)."""
    return NetworkTable([NetworkRow(ipaddress.ip_network(r["cidr"]), r["category"], r["operator"])
                         for r in _rows("ip_networks_sample.csv")])
