"""Runtime settings of the sandbox, adjustable through `POST /_sandbox/config`.

The CLI gives the defaults; `/_sandbox/reset` returns to them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

# Settings that take one of a few words, and the words.
CHOICES: dict[str, tuple[str, ...]] = {
    # "recompute": Nexudus recomputes the running balance (the documented "Read-only" reading);
    # "as_sent": the entry keeps the Balance the client sent, 0 when none (seen live, see README).
    "ledger_balance": ("recompute", "as_sent"),
}


@dataclass(frozen=True)
class Config:
    latency_ms: int = 0
    throttle: bool = True
    throttle_status: int = 429
    read_limit: int = 10
    read_window_ms: int = 100
    write_limit_per_min: int = 60
    role_error_status: int = 401
    token_lifetime_s: int = 3600
    ledger_balance: str = "recompute"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, changes: dict[str, Any]) -> tuple[Config | None, list[str]]:
        """A new Config with `changes` applied, or the reasons they were refused."""
        known = {f.name: f.type for f in fields(self)}
        problems: list[str] = []
        clean: dict[str, Any] = {}
        for key, value in changes.items():
            if key not in known:
                problems.append(f"{key}: unknown setting (known: {', '.join(known)})")
            elif key in CHOICES:
                if value not in CHOICES[key]:
                    problems.append(f"{key}: must be one of {', '.join(CHOICES[key])}")
                else:
                    clean[key] = value
            elif key == "throttle":
                if not isinstance(value, bool):
                    problems.append("throttle: must be true or false")
                else:
                    clean[key] = value
            elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(f"{key}: must be a whole number >= 0")
            elif key == "throttle_status" and value not in (429, 409):
                problems.append("throttle_status: must be 429 or 409")
            elif key == "role_error_status" and value not in (401, 403):
                problems.append("role_error_status: must be 401 or 403")
            elif key in ("read_window_ms", "token_lifetime_s") and value == 0:
                problems.append(f"{key}: must be at least 1")
            else:
                clean[key] = value
        if problems:
            return None, problems
        return replace(self, **clean), []
