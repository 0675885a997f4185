"""The embedded default searches with SQLite FTS5: the same scenarios must give the same answers there.
Runs tests/search/test_scenarios.py (and the facet matrix's tests) again in a subprocess on an SQLite
database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("sqlite"), reason="already on SQLite")
def test_every_search_scenario_passes_on_sqlite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'search.sqlite3'}"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/search/test_scenarios.py",
            "tests/search/test_facet_matrix.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
