"""Encryption of Nexudus tokens at rest: Fernet keys from settings, newest first, all able to decrypt."""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "is_ciphertext", "rotate", "token_fernet"]

# Every Fernet token starts with the version byte 0x80, which base64-encodes to "gAAAAA".
_FERNET_PREFIX = "gAAAAA"


def derived_development_key(secret_key: str) -> bytes:
    """A Fernet key derived from SECRET_KEY, so development and tests need no extra setup.

    Production refuses to start without FERNET_KEYS, so this never protects real tokens; HKDF (rather than
    reusing SECRET_KEY bytes) keeps the derived key independent of Django's own uses of SECRET_KEY.
    """
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"billing-desk nexudus tokens v1")
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


@lru_cache(maxsize=4)
def _multi_fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    raw_keys = [key.encode() for key in keys] or [derived_development_key(secret_key)]
    return MultiFernet([Fernet(key) for key in raw_keys])


def token_fernet() -> MultiFernet:
    """The MultiFernet for the current settings (cached per key set, so tests may override settings)."""
    return _multi_fernet(tuple(settings.FERNET_KEYS), settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    """Ciphertext (ASCII) of `plaintext` under the newest key; "" stays "" (no token stored)."""
    if not plaintext:
        return ""
    return token_fernet().encrypt(plaintext.encode()).decode("ascii")


def decrypt(ciphertext: str) -> str:
    """Plaintext of `ciphertext` under any configured key. Raises InvalidToken if no key fits."""
    if not ciphertext:
        return ""
    return token_fernet().decrypt(ciphertext.encode("ascii")).decode()


def rotate(ciphertext: str) -> str:
    """Re-encrypt under the newest key, keeping Fernet's original timestamp (MultiFernet.rotate)."""
    if not ciphertext:
        return ""
    return token_fernet().rotate(ciphertext.encode("ascii")).decode("ascii")


def is_ciphertext(value: str) -> bool:
    """A cheap guard against plaintext reaching a token column: every Fernet token has this prefix."""
    return value.startswith(_FERNET_PREFIX)
