"""Encryption at rest for conversation text (Fernet)."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

KEY_FILE = "encryption.key"


class CryptoError(Exception):
    """The key is missing, malformed, or does not match the stored data."""


def load_or_create_key(configured: str | None, data_dir: Path) -> bytes:
    """The configured key, else the key in the data folder, generated once with 0600 permissions."""
    if configured:
        key = configured.strip().encode("ascii")
    else:
        path = data_dir / KEY_FILE
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key())
        key = path.read_bytes().strip()
    try:
        Fernet(key)
    except (ValueError, TypeError) as exc:
        raise CryptoError(
            "ANCHOR_ENCRYPTION_KEY is not a valid Fernet key "
            "(32 url-safe base64-encoded bytes; make one with `anchor keygen`)"
        ) from exc
    return key


class Cipher:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)
        self._pseudonym_key = hmac.new(key, b"anchor pseudonyms v1", hashlib.sha256).digest()

    def pseudonym(self, value: str, length: int = 16) -> str:
        """A stable, keyed, one-way stand-in for `value` (the same value, the same stand-in;
        without the key it cannot be linked back)."""
        digest = hmac.new(self._pseudonym_key, value.encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()[:length]

    def encrypt(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(bytes(token)).decode("utf-8")
        except InvalidToken as exc:
            raise CryptoError("stored text cannot be decrypted with this key") from exc
