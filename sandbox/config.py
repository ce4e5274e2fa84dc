"""Runtime settings of the sandbox, adjustable through `POST /_sandbox/config`.

The CLI gives the defaults; `/_sandbox/reset` returns to them. A profile is a preset of the knobs for
what the live API might do (`observed`: what public captures of it show; `documented`: the docs); the
wire shapes that only the captures show (see README) follow `profile` itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

# Settings that take one of a few words, and the words.
CHOICES: dict[str, tuple[str, ...]] = {
    "profile": ("observed", "documented"),
    # "recompute": Nexudus recomputes the running balance (the documented "Read-only" reading);
    # "as_sent": the entry keeps the Balance the client sent, 0 when none (seen live, see README).
    "ledger_balance": ("recompute", "as_sent"),
    # "numbers": enums as their values everywhere; "names": get-one, batch and create answers carry
    # the member's name ("MultiGateway") while search records keep numbers (seen live).
    "enum_encoding": ("numbers", "names"),
}
# Settings that take one of a few numbers.
NUMBER_CHOICES: dict[str, tuple[int, ...]] = {
    "throttle_status": (429, 409),
    "role_error_status": (401, 403),
    # The `dir` value that means ascending: 1 (1 / -1, the seed docs) or 0 (0 / 1, the SDK docs).
    "dir_ascending": (1, 0),
}

PROFILES: dict[str, dict[str, Any]] = {
    "documented": {
        "ledger_balance": "recompute",
        "dir_ascending": 1,
        "enum_encoding": "numbers",
        "role_error_status": 401,
        "throttle_status": 429,
    },
    "observed": {
        "ledger_balance": "as_sent",
        "dir_ascending": 0,
        "enum_encoding": "names",
        "role_error_status": 401,
        "throttle_status": 429,
    },
}
DEFAULT_PROFILE = "observed"


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
    profile: str = "documented"
    dir_ascending: int = 1
    enum_encoding: str = "numbers"

    @property
    def observed(self) -> bool:
        return self.profile == "observed"

    @classmethod
    def for_profile(cls, profile: str, **overrides: Any) -> Config:
        """The profile's preset, then `overrides` (None values ignored)."""
        chosen = {**PROFILES[profile], **{k: v for k, v in overrides.items() if v is not None}}
        return cls(profile=profile, **chosen)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, changes: dict[str, Any]) -> tuple[Config | None, list[str]]:
        """A new Config with `changes` applied, or the reasons they were refused. A `profile` in the
        changes applies its preset first; the other changes apply on top of it."""
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
            elif key in NUMBER_CHOICES and value not in NUMBER_CHOICES[key]:
                problems.append(f"{key}: must be {' or '.join(map(str, NUMBER_CHOICES[key]))}")
            elif key in ("read_window_ms", "token_lifetime_s") and value == 0:
                problems.append(f"{key}: must be at least 1")
            else:
                clean[key] = value
        if problems:
            return None, problems
        base = self
        if "profile" in clean:
            base = replace(self, profile=clean["profile"], **PROFILES[clean["profile"]])
        return replace(base, **clean), []
