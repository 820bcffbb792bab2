"""Encryption at rest for conversation text (Fernet)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import tempfile
import time
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_FILE = "encryption.key"
USER_KEY_PREFIX = "u1:"  # a users.external_id that is encrypted (Cipher.user_key), not plain


class CryptoError(Exception):
    """The key is missing, malformed, or does not match the stored data."""


class KeyNotProvided(CryptoError):
    """`anchor serve` was started without a key kept apart from the data."""


NO_KEY_FOR_SERVE = (
    "Anchor will not serve without an encryption key kept apart from its data: a key in the "
    "data folder ({data_dir}) would open every conversation to anyone who can read that "
    "folder or its backups. Make a key with `anchor keygen` and provide it in one of three "
    "ways: set ANCHOR_ENCRYPTION_KEY in the environment; or save it in a file outside the "
    "data folder (readable only by Anchor, chmod 600) and set ANCHOR_ENCRYPTION_KEY_FILE to "
    "its path; or mount it from your secrets manager (a Docker or Kubernetes secret, say "
    "/run/secrets/anchor-key) and set ANCHOR_ENCRYPTION_KEY_FILE to that path. An existing "
    "deployment keeps its data by moving its current key, {data_dir}/{key_file}, out of the "
    "data folder the same way. `anchor doctor` checks the result."
)


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or anywhere under it (links resolved)."""
    return path.resolve().is_relative_to(folder.resolve())


def load_key(
    configured: str | None,
    key_file: Path | None,
    data_dir: Path,
    *,
    local: bool = True,
) -> bytes:
    """The key from the environment (`configured`), else from `key_file` (a file outside the
    data folder or a mounted secret), else, only where `local` allows it (the terminal, one
    person), the key in the data folder, generated once with 0600 permissions.
    KeyNotProvided where `local` is off and no key is provided, or the file sits in the data
    folder; CryptoError for a key that is missing, unreadable or malformed."""
    if configured:
        return _valid(configured.strip().encode("ascii"), "ANCHOR_ENCRYPTION_KEY")
    if key_file is not None:
        if not local and inside(key_file, data_dir):
            raise KeyNotProvided(
                f"ANCHOR_ENCRYPTION_KEY_FILE ({key_file}) is inside the data folder. "
                + NO_KEY_FOR_SERVE.format(data_dir=data_dir, key_file=KEY_FILE)
            )
        try:
            key = key_file.read_bytes().strip()
        except OSError as exc:
            raise CryptoError(
                f"ANCHOR_ENCRYPTION_KEY_FILE ({key_file}) cannot be read: "
                f"{exc.strerror or type(exc).__name__}"
            ) from None
        return _valid(key, f"the key in {key_file}")
    if not local:
        raise KeyNotProvided(NO_KEY_FOR_SERVE.format(data_dir=data_dir, key_file=KEY_FILE))
    path = data_dir / KEY_FILE
    if not path.exists():
        _create_key_file(path)
    return _valid(read_key(path), f"the key in {path}")


def load_or_create_key(configured: str | None, data_dir: Path) -> bytes:
    """The configured key, else the key in the data folder, generated once with 0600 permissions."""
    return load_key(configured, None, data_dir)


def _valid(key: bytes, source: str) -> bytes:
    try:
        Fernet(key)
    except (ValueError, TypeError) as exc:
        raise CryptoError(
            f"{source} is not a valid Fernet key "
            "(32 url-safe base64-encoded bytes; make one with `anchor keygen`)"
        ) from exc
    return key


def private_folder(folder: Path) -> None:
    """Create `folder` (and its parents) readable by this user only (0700) if it is missing;
    an existing folder is left as it is (`anchor doctor` reports a wider one)."""
    if folder.exists():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        return
    os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask; this is not


def _create_key_file(path: Path) -> None:
    """Write a new key to `path` unless another process gets there first. The key is written in
    full to a temporary file beside it, then hard-linked into place: the link either creates
    `path` with the whole key or fails because it exists, so of several replicas starting at
    once on a new data folder exactly one key wins, and nobody ever reads a half-written file."""
    private_folder(path.parent)
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
        self._ids = AESSIV(
            HKDF(algorithm=SHA256(), length=64, salt=None, info=b"anchor user ids v1").derive(key)
        )

    def user_key(self, external_id: str) -> str:
        """What the users table holds instead of a Slack user id: the id encrypted with
        AES-SIV (RFC 5297) under a key derived from the main key. SIV is deterministic, so the
        same id gives the same value and a person is found again, and it is authenticated
        encryption, so with the key the id can be read back (to send a goal follow-up);
        without the key nobody can tell whose row it is."""
        token = self._ids.encrypt(external_id.encode("utf-8"), None)
        return USER_KEY_PREFIX + base64.urlsafe_b64encode(token).decode("ascii").rstrip("=")

    def user_id(self, user_key: str) -> str:
        """The id behind a `user_key` value (CryptoError if it is not one, or another key's)."""
        if not user_key.startswith(USER_KEY_PREFIX):
            raise CryptoError("not an encrypted user id")
        token = user_key.removeprefix(USER_KEY_PREFIX)
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            return self._ids.decrypt(raw, None).decode("utf-8")
        except (ValueError, InvalidTag) as exc:
            raise CryptoError("a stored user id cannot be decrypted with this key") from exc

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
