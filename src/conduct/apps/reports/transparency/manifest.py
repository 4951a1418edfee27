"""The signed manifest of a published report, and its verification without the system (no Django, no
database).

manifest.json lists every other file of the report with its sha256, the ledger entry that recorded the
publication, the ledger checkpoint signed right after it, and the public key; `signature` is an Ed25519
signature over the canonical bytes of everything else in the manifest. The file itself must be exactly the
canonical pretty form of its content, so no byte of it can change without verification failing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from conduct.core import ledger as core_ledger

MANIFEST = "manifest.json"
PUBLIC_KEY = "public_key.pem"
FORMAT = "conduct-transparency-report"
FORMAT_VERSION = 1
# Signed bytes start with this context, so a report signature can never pass for a ledger checkpoint or a
# device-access grant made with the same installation key.
CONTEXT = b"conduct/transparency-report/v1\n"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entries(directory: Path, names: Iterable[str]) -> list[dict[str, Any]]:
    return [
        {"path": name, "sha256": sha256_file(directory / name), "bytes": (directory / name).stat().st_size}
        for name in sorted(names)
    ]


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def pretty(data: Any) -> bytes:
    """How manifest.json is written: deterministic for its content, so it is checked byte for byte."""
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def content_digest(files: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical(files)).hexdigest()


def signing_bytes(manifest: dict[str, Any]) -> bytes:
    return CONTEXT + canonical({k: v for k, v in manifest.items() if k != "signature"})


def key_id_of(key: Ed25519PublicKey) -> str:
    """The ledger's key id: the first 16 hex digits of sha256 over the raw public key."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(public_pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(public_pem)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"expected an Ed25519 key, found {type(key).__name__}")
    return key


def sign_manifest(manifest: dict[str, Any], private_pem: bytes) -> dict[str, Any]:
    key = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the installation key is not an Ed25519 private key")
    signature = key.sign(signing_bytes(manifest))
    return {
        **manifest,
        "signature": {
            "algorithm": "Ed25519",
            "key_id": key_id_of(key.public_key()),
            "value": base64.b64encode(signature).decode("ascii"),
        },
    }


def write_manifest(directory: Path, manifest: dict[str, Any]) -> bytes:
    data = pretty(manifest)
    (directory / MANIFEST).write_bytes(data)
    return data


@dataclass(frozen=True)
class Verification:
    ok: bool
    message: str
    checked_files: int = 0


def _fail(message: str, checked: int = 0) -> Verification:
    return Verification(False, message, checked)


class _Failed(Exception):
    """A check of `verify_report_dir` failed: the message names the file or check, after `checked` files."""

    def __init__(self, message: str, checked: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.checked = checked


def verify_report_dir(directory: Path, *, public_pem: bytes | None = None) -> Verification:
    """Check a report folder: manifest form and signature, every file's hash, and the ledger checkpoint.

    `public_pem` pins the key the reader trusts; without it the key in the folder is used (which proves the
    folder is intact and was signed by whoever holds that key). Stops at the first failure, naming it.
    """
    try:
        manifest = _read_manifest(directory)
        key_path = str(manifest["public_key"]["path"])
        key, included = _read_key(directory, key_path, public_pem)
        _check_signature(manifest, key)
        listed, checked = _check_files(directory, manifest["files"], key_path)
        if content_digest(manifest["files"]) != manifest.get("content_digest"):
            raise _Failed(f"{MANIFEST}: content_digest does not match the file list", checked)
        signed = _check_checkpoint(manifest, public_pem if public_pem is not None else included, checked)
        extra = sorted(
            p.relative_to(directory).as_posix()
            for p in directory.rglob("*")
            if p.is_file() and p.relative_to(directory).as_posix() not in listed | {MANIFEST}
        )
        if extra:
            raise _Failed(f"{extra[0]}: not part of the published report (added after publication)", checked)
    except _Failed as failed:
        return _fail(failed.message, failed.checked)
    return Verification(
        True,
        f"OK: {checked} files match the signed manifest (key {key_id_of(key)}); ledger checkpoint "
        f"#{signed.checkpoint.seq} "
        f"{signed.checkpoint.head_hash[:16]}… signed {signed.checkpoint.at.isoformat()} covers the "
        "publication.",
        checked,
    )


def _read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest, in its canonical form and format, with the fields the checks read."""
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise _Failed(f"{MANIFEST}: missing")
    raw = manifest_path.read_bytes()
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Failed(f"{MANIFEST}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or pretty(manifest) != raw:
        raise _Failed(f"{MANIFEST}: not in its canonical form (the file was edited)")
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise _Failed(f"{MANIFEST}: not a {FORMAT} v{FORMAT_VERSION} manifest")
    try:
        for name in ("files", "signature", "checkpoint", "publication"):
            manifest[name]
        manifest["public_key"]["path"]
    except (KeyError, TypeError) as exc:
        raise _Failed(f"{MANIFEST}: missing field {exc}") from None
    return manifest


def _read_key(directory: Path, key_path: str, public_pem: bytes | None) -> tuple[Ed25519PublicKey, bytes]:
    """The key to verify with (the pinned one, else the folder's) and the folder's key file, which must
    hold the same key."""
    included_path = directory / key_path
    if not included_path.is_file() or Path(key_path).name != key_path:
        raise _Failed(f"{key_path}: the public key named by the manifest is missing")
    included = included_path.read_bytes()
    try:
        key = load_public_key(public_pem if public_pem is not None else included)
        included_key = load_public_key(included)
    except ValueError as exc:
        raise _Failed(f"public key: {exc}") from None
    if key_id_of(included_key) != key_id_of(key):
        raise _Failed(
            f"{key_path}: not the pinned public key (key id {key_id_of(included_key)}, "
            f"expected {key_id_of(key)})"
        )
    return key, included


def _check_signature(manifest: dict[str, Any], key: Ed25519PublicKey) -> None:
    signature = manifest["signature"]
    if not isinstance(signature, dict) or signature.get("algorithm") != "Ed25519":
        raise _Failed(f"{MANIFEST}: signature: expected an Ed25519 signature")
    if signature.get("key_id") != key_id_of(key):
        raise _Failed(f"{MANIFEST}: signature: made with key {signature.get('key_id')}, not {key_id_of(key)}")
    value = str(signature.get("value", ""))
    try:
        sig_bytes = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _Failed(f"{MANIFEST}: signature: not base64") from None
    if base64.b64encode(sig_bytes).decode("ascii") != value:
        raise _Failed(f"{MANIFEST}: signature: not in canonical base64")
    try:
        key.verify(sig_bytes, signing_bytes(manifest))
    except InvalidSignature:
        raise _Failed(f"{MANIFEST}: the signature does not match the manifest") from None


def _check_files(directory: Path, files: list[dict[str, Any]], key_path: str) -> tuple[set[str], int]:
    """Every listed file is inside the folder, present and unchanged; returns their paths and how many
    entries were checked."""
    listed: set[str] = set()
    checked = 0
    for entry in files:
        name = str(entry.get("path", ""))
        path = directory / name
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise _Failed(f"{name}: not a path inside the report", checked)
        if not path.is_file():
            raise _Failed(f"{name}: missing", checked)
        if path.stat().st_size != entry.get("bytes") or sha256_file(path) != entry.get("sha256"):
            raise _Failed(f"{name}: changed since publication (sha256 does not match the manifest)", checked)
        listed.add(name)
        checked += 1
    if key_path not in listed:
        raise _Failed(f"{key_path}: not covered by the manifest", checked)
    return listed, checked


def _check_checkpoint(
    manifest: dict[str, Any], public_pem: bytes, checked: int
) -> core_ledger.SignedCheckpoint:
    """The ledger checkpoint verifies with the key and signs the publication's ledger entry."""
    try:
        signed = core_ledger.SignedCheckpoint.from_dict(manifest["checkpoint"], where="checkpoint")
    except core_ledger.LedgerFormatError as exc:
        raise _Failed(f"{MANIFEST}: {exc}", checked) from None
    if not core_ledger.verify_checkpoint(public_pem, signed):
        raise _Failed(f"{MANIFEST}: the ledger checkpoint's signature does not verify", checked)
    publication = manifest["publication"]
    if (
        publication.get("seq") != signed.checkpoint.seq
        or publication.get("hash") != signed.checkpoint.head_hash
    ):
        raise _Failed(f"{MANIFEST}: the checkpoint does not sign the publication's ledger entry", checked)
    return signed
