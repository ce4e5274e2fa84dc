"""RFC 6238 TOTP (30 s steps, 6 digits, HMAC-SHA1), implemented with the standard library.

pyotp >= 2.10 refuses secrets shorter than 112 bits, and the documented secret of
mfa@sandbox.test (`JBSWY3DPEHPK3PXP`, the well-known authenticator-app example) is 80 bits, so the
sandbox computes codes itself. Tests and the dashboard's fixtures can import `code_at` too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

STEP_S = 30
DIGITS = 6


def _key(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def code_at(secret: str, moment: float | None = None) -> str:
    """The code valid at `moment` (a Unix time; now by default)."""
    counter = int((time.time() if moment is None else moment) // STEP_S)
    digest = hmac.new(_key(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10**DIGITS:0{DIGITS}d}"


def verify(secret: str, code: str, window: int = 1) -> bool:
    """True when `code` matches the current step or one of `window` steps either side (clock drift)."""
    now = time.time()
    return any(
        hmac.compare_digest(code_at(secret, now + step * STEP_S), code.strip()) for step in range(-window, window + 1)
    )
