"""Sampling one gunicorn worker with py-spy while a scenario runs, and summarising where its CPU went.

`py-spy record --gil --format raw` writes collapsed stacks ("outer;...;leaf count") of the thread holding
the GIL only, so the counts are samples of Python actually running (threads waiting on a queue or a socket
are left out). From them: top frames by own time, top frames by inclusive time, and a
coarse split by layer (templates, ORM/SQLite, HTTP client, JSON, logging, crypto...).
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .config import PY_SPY

_LINE = re.compile(r"^(?P<stack>.*) (?P<count>\d+)$")
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")

LAYERS = (  # the first layer any frame of a stack belongs to wins, so "django-tables2" includes the
    # template code it calls per cell, and "templates" is the rest of the page
    ("http client (requests/urllib3)", ("requests/", "urllib3/", "http/client.py")),
    ("database (ORM + sqlite)", ("django/db/",)),
    ("crypto (token decrypt)", ("cryptography/",)),
    ("json decode (upstream answer)", ("json/decoder.py", "json/__init__.py")),
    ("logging", ("logging/__init__.py", "dashboard/runtime/logging.py")),
    ("django-tables2 rendering", ("django_tables2/",)),
    ("forms and widgets", ("django/forms/",)),
    ("templates (rest of the page)", ("django/template/", "template_partials/")),
    ("dashboard code", ("dashboard/",)),
    ("django other", ("django/",)),
    ("gunicorn", ("gunicorn/",)),
)


def available() -> bool:
    return PY_SPY.exists()


def record(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes]:
    """Start py-spy on `pid` for `seconds`; the caller drives load meanwhile, then waits on the process."""
    argv = [
        str(PY_SPY),
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(max(int(seconds), 1)),
        "--rate",
        "200",
        "--gil",
        "--format",
        "raw",
        "--output",
        str(output),
    ]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def parse_collapsed(lines: Iterable[str]) -> list[tuple[list[str], int]]:
    stacks = []
    for line in lines:
        match = _LINE.match(line.strip())
        if match:
            stacks.append((match["stack"].split(";"), int(match["count"])))
    return stacks


def _short(frame: str) -> str:
    """'render (django/template/base.py:1016)' -> 'render (django/template/base.py)', paths cut to the package."""
    match = _FRAME.match(frame)
    if not match:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['func']} ({path})"


def layer_of(stack: list[str]) -> str:
    for name, needles in LAYERS:
        if any(needle in frame for frame in stack for needle in needles):
            return name
    return "other"


def summarise(stacks: list[tuple[list[str], int]], top: int = 20) -> dict[str, Any]:
    total = sum(count for _, count in stacks) or 1
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    layers: Counter[str] = Counter()
    for stack, count in stacks:
        frames = [_short(f) for f in stack]
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
        layers[layer_of(stack)] += count
    return {
        "samples": total,
        "top": [{"frame": f, "share": n / total} for f, n in own.most_common(top)],
        "inclusive": [
            {"frame": f, "share": n / total}
            for f, n in inclusive.most_common(top * 2)
            if "gunicorn" not in f and "threading.py" not in f
        ][:top],
        "layers": [{"layer": name, "share": n / total} for name, n in layers.most_common()],
    }


def load(output: Path) -> dict[str, Any]:
    if not output.exists():
        return {"status": "no profile written"}
    return {"status": "ok", "file": str(output), **summarise(parse_collapsed(output.read_text().splitlines()))}
