"""The harness lives in the top-level `bench/` folder, which is not an installed package: make it importable
however pytest is started (`python -m pytest` adds the working directory, a bare `pytest` does not)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
