"""The run launcher's forkserver warms the libraries every run worker uses, then forgets leadgate's modules, so a
forked run imports leadgate's code as it is on disk (a reloaded code location never runs stale code)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from leadgate_dagster.run_launcher import PRELOAD


def test_the_forkserver_preloads_the_warmup() -> None:
    assert "leadgate_dagster.run_worker_warmup" in PRELOAD


def test_after_the_warmup_leadgate_code_is_read_from_disk_again() -> None:
    probe = textwrap.dedent("""
        import sys
        import leadgate_dagster.run_worker_warmup
        left = sorted(m for m in sys.modules if m.startswith("leadgate_dagster"))
        assert left == ["leadgate_dagster", "leadgate_dagster.run_worker_warmup"], left
        import leadgate_dagster
        assert not hasattr(leadgate_dagster, "core"), "a stale submodule attribute survived"
        import pycountry, zipcodes, re
        assert "US" in {c.alpha_2 for c in pycountry.countries}  # libraries stay loaded
        from leadgate_dagster.core import validation
        assert validation.__spec__.origin.endswith("core/validation/__init__.py")
        assert "leadgate_dagster.core.validation.batch" in sys.modules  # imported again, from disk
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
