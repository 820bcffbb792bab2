"""Encryption at rest for conversation text (Fernet)."""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
import time
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
            _create_key_file(path)
        key = read_key(path)
    try:
        Fernet(key)
    except (ValueError, TypeError) as exc:
        raise CryptoError(
            "ANCHOR_ENCRYPTION_KEY is not a valid Fernet key "
            "(32 url-safe base64-encoded bytes; make one with `anchor keygen`)"
        ) from exc
    return key


def _create_key_file(path: Path) -> None:
    """Write a new key to `path` unless another process gets there first. The key is written in
    full to a temporary file beside it, then hard-linked into place: the link either creates
    `path` with the whole key or fails because it exists, so of several replicas starting at
    once on a new data folder exactly one key wins, and nobody ever reads a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".encryption.key.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(Fernet.generate_key())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return  # another process won; its key is the one
        except OSError:  # a file system without hard links (FAT, some SMB shares)
            _create_exclusively(path, Path(temporary).read_bytes())
        _sync_folder(path.parent)
    finally:
        os.unlink(temporary)


def _create_exclusively(path: Path, key: bytes) -> None:
    """Where hard links are unavailable: O_EXCL, so still exactly one process creates the file
    (`read_key` waits out the instant before the winner's key is written)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())


def read_key(path: Path, wait: float = 2.0) -> bytes:
    """The key in `path`; an empty file is one another process is still writing, so wait for it
    a moment (only where the key could not be linked into place whole)."""
    deadline = time.monotonic() + wait
    while True:
        key = path.read_bytes().strip()
        if key or time.monotonic() > deadline:
            return key
        time.sleep(0.02)


def _sync_folder(folder: Path) -> None:
    """Make the new directory entry durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
