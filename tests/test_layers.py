"""The import graph runs one way: core/ and runtime/ know no feature, and a feature reaches another only
through its public modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard"
FEATURES = {"accounts", "audit", "invoices", "ledger", "payment_tokens"}
#: What a feature may use of another: its services, selectors, and the per-person client.
PUBLIC = {"services", "selectors", "session", "client"}


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return [name for name in names if name.startswith("dashboard.")]


@pytest.mark.parametrize("layer", ["core", "runtime", "nexudus"])
def test_the_ground_floor_imports_no_feature(layer):
    offenders = [
        f"{path.relative_to(DASHBOARD)}: {name}"
        for path in (DASHBOARD / layer).rglob("*.py")
        for name in _imports(path)
        if name.split(".")[1] in FEATURES
    ]
    assert offenders == []


def test_runtime_imports_nothing_of_the_web_kit():
    offenders = [
        name
        for path in (DASHBOARD / "runtime").rglob("*.py")
        for name in _imports(path)
        if name.split(".")[1] == "core"
    ]
    assert offenders == []


def test_features_use_each_other_only_through_public_modules():
    offenders = []
    for feature in FEATURES:
        for path in (DASHBOARD / feature).rglob("*.py"):
            for name in _imports(path):
                parts = name.split(".")
                if parts[1] in FEATURES and parts[1] != feature and (len(parts) < 3 or parts[2] not in PUBLIC):
                    offenders.append(f"{path.relative_to(DASHBOARD)}: {name}")
    assert offenders == []
