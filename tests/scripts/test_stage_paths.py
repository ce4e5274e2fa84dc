"""The test paths named by `make test`'s later stages exist: a renamed folder must not drop a stage."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _documented_stage_paths() -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(r"^DOCUMENTED_STAGE = ((?:.*\\\n)*.*)$", makefile, re.MULTILINE)
    assert match, "Makefile has no DOCUMENTED_STAGE"
    return match.group(1).replace("\\\n", " ").split()


def _postgres_stage_paths() -> list[str]:
    script = (ROOT / "scripts" / "test-postgres.sh").read_text()
    match = re.search(r'PG_TEST_PATHS:-([^}"]*)\}', script)
    assert match, "scripts/test-postgres.sh has no default PG_TEST_PATHS"
    return match.group(1).split()


def test_the_documented_profile_stage_names_only_existing_tests() -> None:
    paths = _documented_stage_paths()
    assert len(paths) >= 5
    assert [p for p in paths if not (ROOT / p).exists()] == []


def test_the_postgresql_stage_names_only_existing_tests() -> None:
    paths = _postgres_stage_paths()
    assert len(paths) >= 3
    assert [p for p in paths if not (ROOT / p).exists()] == []
