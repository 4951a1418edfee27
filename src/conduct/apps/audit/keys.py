"""The ledger's Ed25519 keys on disk, and the public keys verification trusts.

The private key lives in CONDUCT_HOME/keys (settings.CONDUCT["SIGNING_KEY_PATH"]); its public key is written
beside it as `<name>.pub.pem`, and a rotated-out key's public key is kept as `<name>.<key id>.pub.pem`.
Verification trusts those files only (restricted to LEDGER_TRUSTED_KEYS when that is set), never a key stored
in the database: someone who can write the database cannot make a checkpoint of their own pass.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from conduct.core import ledger as core_ledger

_FINGERPRINT = re.compile(r"[0-9a-f]{64}")
_lock = threading.Lock()
_cache: dict[tuple[str, int, int], tuple[Ed25519PrivateKey, bytes, bytes]] = {}


def private_key_path() -> Path:
    path: Path = settings.CONDUCT["SIGNING_KEY_PATH"]
    return path


def public_key_path() -> Path:
    """Where the current public key is written: beside the private key, `<name>.pub.pem`."""
    return private_key_path().with_suffix(".pub.pem")


def kept_key_path(key_id: str) -> Path:
    """Where a rotated-out public key is kept: `<name>.<key id>.pub.pem`."""
    path = private_key_path()
    return path.with_name(f"{path.stem}.{key_id}.pub.pem")


def trusted_fingerprints() -> frozenset[str]:
    """LEDGER_TRUSTED_KEYS, checked: the published sha256 fingerprints (64 hex digits) of trusted keys."""
    raw = getattr(settings, "LEDGER_TRUSTED_KEYS", []) or []
    given = [str(v).strip() for v in raw if str(v).strip()]
    values = frozenset(v.lower() for v in given)
    bad = [v for v in given if not _FINGERPRINT.fullmatch(v.lower())]  # named as given
    if bad:
        raise ImproperlyConfigured(
            f"LEDGER_TRUSTED_KEYS: {bad[0]!r} is not a sha256 fingerprint (64 hex digits); "
            "`conduct audit export --public-key-out` and the ledger page show the key's fingerprint"
        )
    return values


def write_private_key(path: Path, private_pem: bytes) -> bool:
    """Create the key file with mode 0600, atomically: written whole to a temporary file, then linked into
    place only if no key is there (a process killed half-way leaves no partial key behind). False when a key
    exists already (another process won)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(private_pem)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        temporary.unlink(missing_ok=True)


def _read_private_pem(path: Path) -> bytes:
    private_pem = path.read_bytes()
    for _attempt in range(50):  # another process may still be writing it
        if private_pem.strip().endswith(b"-----"):
            break
        time.sleep(0.02)
        private_pem = path.read_bytes()
    return private_pem


def _public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def signing_key() -> tuple[Ed25519PrivateKey, bytes, bytes]:
    """The installation's key as (private key, private PEM, public PEM), generated once on first use (created
    exclusively, so concurrent first uses agree on one key). Cached per process until the file changes (a
    rotation replaces it)."""
    path = private_key_path()
    if not path.exists():
        write_private_key(path, core_ledger.generate_keypair()[0])
    stat = path.stat()
    cache_key = (str(path), stat.st_ino, stat.st_mtime_ns)
    with _lock:
        cached = _cache.get(cache_key)
    if cached is not None:
        return cached
    private_pem = _read_private_pem(path)
    key = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path}: expected an Ed25519 private key")
    public_pem = _public_pem(key.public_key())
    public_path = public_key_path()
    if not public_path.exists() or public_path.read_bytes() != public_pem:
        public_path.write_bytes(public_pem)
    with _lock:
        _cache.clear()
        _cache[cache_key] = (key, private_pem, public_pem)
    return key, private_pem, public_pem


def signing_keys() -> tuple[bytes, bytes]:
    """The installation's Ed25519 key pair as PEM (private, public); see signing_key()."""
    _, private_pem, public_pem = signing_key()
    return private_pem, public_pem


@dataclass(frozen=True)
class TrustedKey:
    key_id: str
    fingerprint: str
    public_pem: bytes
    source: str  # the file it was read from


@dataclass
class TrustedKeys:
    """The keys checkpoints may be signed with, by key id, and what is wrong with the key folder."""

    keys: dict[str, TrustedKey] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def public_pems(self) -> list[bytes]:
        return [k.public_pem for k in self.keys.values()]


def trusted_keys() -> TrustedKeys:
    """The current key's public key and every kept one in the key folder, read from files only. With
    LEDGER_TRUSTED_KEYS set, only keys whose fingerprint it lists count; a listed fingerprint without a key
    file is reported (verification cannot check a signature with a fingerprint alone)."""
    allowed = trusted_fingerprints()
    private_path = private_key_path()
    folder = private_path.parent
    candidates: list[tuple[bytes, str]] = []
    if private_path.is_file():
        try:
            key = serialization.load_pem_private_key(_read_private_pem(private_path), password=None)
        except (ValueError, TypeError):
            key = None
        if isinstance(key, Ed25519PrivateKey):
            candidates.append((_public_pem(key.public_key()), private_path.name))
    if folder.is_dir():
        candidates += [(p.read_bytes(), p.name) for p in sorted(folder.glob("*.pub.pem")) if p.is_file()]
    result = TrustedKeys()
    for pem, source in candidates:
        try:
            fingerprint = core_ledger.public_key_fingerprint(pem)
        except ValueError:
            result.problems.append(_("%(source)s: not an Ed25519 public key; ignored") % {"source": source})
            continue
        if allowed and fingerprint not in allowed:
            result.problems.append(
                _("%(source)s: key %(fingerprint)s is not in LEDGER_TRUSTED_KEYS; ignored")
                % {"source": source, "fingerprint": fingerprint[:16]}
            )
            continue
        result.keys.setdefault(fingerprint[:16], TrustedKey(fingerprint[:16], fingerprint, pem, source))
    found = {k.fingerprint for k in result.keys.values()}
    result.problems += [
        f"LEDGER_TRUSTED_KEYS lists {fp[:16]}, but no key file in {folder} has it"
        for fp in sorted(allowed - found)
    ]
    return result
