"""Write and check an evidence bundle: every file hashed in a manifest, the manifest signed with the ledger's
Ed25519 key, and the ledger entries that record the selected objects as export-format segments that each end
at a signed checkpoint (core.ledger's export verification checks them)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from conduct.core._i18n import Message, message
from conduct.core._i18n import noop as N_
from conduct.core._signing import key_id_of, load_private_key, load_public_key
from conduct.core.ledger import public_key_fingerprint, verify_export
from conduct.core.ledger._record import dumps_canonical, format_at

BUNDLE_FORMAT = "conduct-evidence-bundle"
BUNDLE_VERSION = 1
# Signed bytes start with this context, so a manifest signature can never pass for a checkpoint or a grant.
MANIFEST_CONTEXT = "conduct/evidence-manifest/v1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public-key.pem"
_READ_CHUNK = 1 << 16
_MAX_MANIFEST = 64 << 20  # a manifest larger than this is not one Conduct wrote


class BundleError(ValueError):
    """The file cannot be read as a bundle at all (not a zip, unreadable): one line, exit status 2. str() is
    English; `text` is the Message the CLI prints in its language."""

    def __init__(self, template: str, **params: Any) -> None:
        self.text = message(template, **params)
        super().__init__(str(self.text))


@dataclass(frozen=True)
class LedgerSegment:
    """A run of ledger entries in the export format (header, entries, the checkpoint(s) at its last seq)."""

    path: str  # inside the bundle, e.g. "ledger/segment-001.jsonl"
    text: str
    first_seq: int
    last_seq: int


def _signing_bytes(manifest: bytes) -> bytes:
    return MANIFEST_CONTEXT.encode("utf-8") + b"\n" + manifest


def bundle_bytes(
    *,
    files: Mapping[str, bytes],
    segments: Sequence[LedgerSegment],
    entries: Sequence[Mapping[str, Any]],
    selection: Mapping[str, Any],
    created_at: datetime,
    private_pem: bytes,
    checkpoint_keys: Sequence[bytes],
    readme: str,
) -> bytes:
    """The zip: README.txt, the public key, the checkpoint keys, `files`, the ledger segments, manifest.json
    (every file with its SHA-256 and size; `entries`: which ledger entry records which file) and manifest.sig.
    """
    key = load_private_key(private_pem)
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    contents: dict[str, bytes] = {"README.txt": readme.encode("utf-8"), PUBLIC_KEY: public_pem}
    key_paths = []
    for pem in checkpoint_keys:
        path = f"keys/{key_id_of(load_public_key(pem))}.pub.pem"
        contents[path] = pem
        key_paths.append(path)
    for path, data in files.items():
        if path in contents or path in (MANIFEST, SIGNATURE):
            raise ValueError(f"{path}: a bundle file name used twice")
        contents[path] = data
    for segment in segments:
        contents[segment.path] = segment.text.encode("utf-8")
    manifest = _manifest_dict(
        contents,
        segments=segments,
        entries=entries,
        selection=selection,
        created_at=created_at,
        public_pem=public_pem,
        key_paths=key_paths,
    )
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    signature = {
        "context": MANIFEST_CONTEXT,
        "key_id": key_id_of(key.public_key()),
        "signature": base64.b64encode(key.sign(_signing_bytes(manifest_bytes))).decode("ascii"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, dumps_canonical(signature) + "\n")
        for path, data in sorted(contents.items()):
            archive.writestr(path, data)
    return buffer.getvalue()


def _manifest_dict(
    contents: Mapping[str, bytes],
    *,
    segments: Sequence[LedgerSegment],
    entries: Sequence[Mapping[str, Any]],
    selection: Mapping[str, Any],
    created_at: datetime,
    public_pem: bytes,
    key_paths: Sequence[str],
) -> dict[str, Any]:
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "created_at": format_at(created_at),
        "selection": dict(selection),
        "signing_key": {
            "key_id": key_id_of(load_public_key(public_pem)),
            "fingerprint": public_key_fingerprint(public_pem),
        },
        "checkpoint_keys": sorted(set(key_paths)),
        "files": [
            {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for path, data in sorted(contents.items())
        ],
        "ledger_segments": [
            {"path": s.path, "first_seq": s.first_seq, "last_seq": s.last_seq} for s in segments
        ],
        "entries": [dict(entry) for entry in entries],
    }


@dataclass
class BundleVerifyResult:
    """What verify_bundle found; on failure `where` names the first file or entry at fault, `reason` why."""

    ok: bool
    where: str | None = None
    reason: str | None = None
    files_checked: int = 0
    entries_checked: int = 0
    segments_checked: int = 0
    key_fingerprint: str | None = None
    key_source: str | None = None  # "given" (--public-key) or "bundle" (the bundle's own public-key.pem)
    notes: list[str] = field(default_factory=list)
    failure: Message | None = None  # "{where}: {reason}" as a translatable Message

    @property
    def text(self) -> Message:
        """The one-line result as a Message (str(): English; .translated(): the CLI's language)."""
        if not self.ok:
            return self.failure or message(N_("{where}: {reason}"), where=self.where, reason=self.reason)
        trust = message(
            N_("the key given")
            if self.key_source == "given"
            else N_(
                "the key inside the bundle (compare its fingerprint with the published one, or pass "
                "--public-key)"
            )
        )
        return message(
            N_(
                "ok: {files} files match the manifest; signature good with {trust} (fingerprint "
                "{fingerprint}); {entries} ledger entries in {segments} segment(s) chain to signed "
                "checkpoints"
            ),
            files=self.files_checked,
            trust=trust,
            fingerprint=self.key_fingerprint,
            entries=self.entries_checked,
            segments=self.segments_checked,
        )

    @property
    def message(self) -> str:
        return str(self.text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "message": self.message,
            "failed": None if self.ok else {"where": self.where, "reason": self.reason},
            "files": self.files_checked,
            "entries": self.entries_checked,
            "segments": self.segments_checked,
            "key": {"fingerprint": self.key_fingerprint, "source": self.key_source},
        }


class _Fail(Exception):
    def __init__(self, where: str | Message, template: str, **params: Any) -> None:
        self.text = message(N_("{where}: {reason}"), where=where, reason=message(template, **params))
        super().__init__(str(self.text))
        self.where, self.reason = str(where), str(message(template, **params))


def _open(source: bytes | str) -> zipfile.ZipFile:
    try:
        if isinstance(source, bytes):
            return zipfile.ZipFile(io.BytesIO(source))
        return zipfile.ZipFile(source)
    except FileNotFoundError:
        raise BundleError(N_("{source}: no such file"), source=str(source)) from None
    except IsADirectoryError:
        raise BundleError(N_("{source}: is a directory, not a zip file"), source=str(source)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        name = "bundle" if isinstance(source, bytes) else source
        raise BundleError(
            N_("{source}: not a readable zip file ({error})"), source=name, error=str(exc)
        ) from None


def _read(archive: zipfile.ZipFile, name: str, *, limit: int | None = None) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise _Fail(name, N_("missing from the bundle")) from None
    if limit is not None and info.file_size > limit:
        raise _Fail(name, N_("larger than {limit} bytes"), limit=limit)
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
        raise _Fail(name, N_("cannot be read ({error})"), error=str(exc)) from None


def _sha256(archive: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(name) as handle:
            while chunk := handle.read(_READ_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
        raise _Fail(name, N_("cannot be read ({error})"), error=str(exc)) from None
    return digest.hexdigest(), size


def _manifest(archive: zipfile.ZipFile) -> tuple[bytes, dict[str, Any]]:
    raw = _read(archive, MANIFEST, limit=_MAX_MANIFEST)
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Fail(MANIFEST, N_("not valid JSON ({error})"), error=str(exc)) from None
    if not isinstance(manifest, dict):
        raise _Fail(MANIFEST, N_("expected a JSON object"))
    if manifest.get("format") != BUNDLE_FORMAT or manifest.get("version") != BUNDLE_VERSION:
        raise _Fail(
            MANIFEST,
            N_("not a {format} version {version} manifest"),
            format=BUNDLE_FORMAT,
            version=BUNDLE_VERSION,
        )
    for key in ("files", "ledger_segments", "entries", "checkpoint_keys"):
        if not isinstance(manifest.get(key), list):
            raise _Fail(MANIFEST, N_("{key}: expected a list"), key=key)
    return raw, manifest


def _check_signature(
    archive: zipfile.ZipFile, raw: bytes, manifest: Mapping[str, Any], public_pem: bytes | None
) -> tuple[bytes, str, str]:
    source = "given"
    if public_pem is None:
        public_pem, source = _read(archive, PUBLIC_KEY, limit=1 << 16), "bundle"
    try:
        key = load_public_key(public_pem)
    except ValueError as exc:
        where = "--public-key" if source == "given" else PUBLIC_KEY
        raise _Fail(where, "{error}", error=exc.args[0] if exc.args else str(exc)) from None
    try:
        signed = json.loads(_read(archive, SIGNATURE, limit=1 << 16).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _Fail(SIGNATURE, N_("not valid JSON")) from None
    if not isinstance(signed, dict) or signed.get("context") != MANIFEST_CONTEXT:
        raise _Fail(SIGNATURE, N_("expected an object with context {context!r}"), context=MANIFEST_CONTEXT)
    key_id = key_id_of(key)
    if signed.get("key_id") != key_id:
        raise _Fail(
            SIGNATURE,
            N_("signed by key {signer!r}, not by the key checked ({key_id})"),
            signer=signed.get("key_id"),
            key_id=key_id,
        )
    try:
        key.verify(base64.b64decode(str(signed.get("signature", "")), validate=True), _signing_bytes(raw))
    except (InvalidSignature, binascii.Error, ValueError):
        raise _Fail(
            SIGNATURE, N_("bad signature: the manifest was changed or signed with another key")
        ) from None
    signing = manifest.get("signing_key")
    if not isinstance(signing, dict) or signing.get("key_id") != key_id:
        raise _Fail(MANIFEST, N_("signing_key does not name the key that signed it"))
    return public_pem, source, public_key_fingerprint(public_pem)


def _check_files(archive: zipfile.ZipFile, manifest: Mapping[str, Any]) -> dict[str, str]:
    listed: dict[str, str] = {}
    for index, item in enumerate(manifest["files"]):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise _Fail(MANIFEST, N_("files[{index}]: expected an object with a path"), index=index)
        path = item["path"]
        if path in listed or path in (MANIFEST, SIGNATURE):
            raise _Fail(MANIFEST, N_("files[{index}]: {path} listed twice"), index=index, path=path)
        digest, size = _sha256(archive, path) if path in archive.NameToInfo else ("", -1)
        if size < 0:
            raise _Fail(path, N_("listed in the manifest but missing from the bundle"))
        if digest != item.get("sha256") or size != item.get("size"):
            raise _Fail(path, N_("SHA-256 does not match the manifest: the file was changed"))
        listed[path] = digest
    for name in archive.namelist():
        if name not in listed and name not in (MANIFEST, SIGNATURE) and not name.endswith("/"):
            raise _Fail(name, N_("in the bundle but not listed in the manifest"))
    return listed


def _check_ledger(
    archive: zipfile.ZipFile, manifest: Mapping[str, Any], listed: Mapping[str, str], signer_pem: bytes
) -> tuple[int, int]:
    keys = [signer_pem]
    for path in manifest["checkpoint_keys"]:
        if path not in listed:
            raise _Fail(MANIFEST, N_("checkpoint key {path!r} is not a listed file"), path=path)
        keys.append(_read(archive, path))
    hashes: dict[int, str] = {}
    for index, item in enumerate(manifest["ledger_segments"]):
        if not isinstance(item, dict) or item.get("path") not in listed:
            raise _Fail(MANIFEST, N_("ledger_segments[{index}]: not a listed file"), index=index)
        path = item["path"]
        try:
            text = _read(archive, path).decode("utf-8")
        except UnicodeDecodeError:
            raise _Fail(path, N_("not UTF-8 text")) from None
        try:
            result = verify_export(text.splitlines(), public_pem=keys)
        except ValueError as exc:
            raise _Fail(path, "{error}", error=str(exc)) from None
        if not result.ok:
            raise _Fail(path, "{error}", error=result.text)
        if result.entries_verified == 0 or result.authenticated_seq != result.head_seq:
            raise _Fail(
                path,
                N_("entries after seq {seq} are not covered by a signed checkpoint"),
                seq=result.authenticated_seq,
            )
        if (result.first_seq, result.head_seq) != (item.get("first_seq"), item.get("last_seq")):
            raise _Fail(path, N_("its entries are not the ones the manifest lists (first_seq / last_seq)"))
        for line in text.splitlines():
            obj = json.loads(line) if line.strip() else {}
            if obj.get("type") == "entry":
                hashes[int(obj["seq"])] = str(obj["hash"])
    for index, entry in enumerate(manifest["entries"]):
        if not isinstance(entry, dict):
            raise _Fail(MANIFEST, N_("entries[{index}]: expected an object"), index=index)
        seq, record = entry.get("seq"), entry.get("record")
        where = (
            message(N_("ledger entry seq {seq} ({record})"), seq=seq, record=record)
            if record
            else message(N_("ledger entry seq {seq}"), seq=seq)
        )
        if not isinstance(seq, int) or seq not in hashes:
            raise _Fail(where, N_("not in any verified ledger segment"))
        if hashes[seq] != entry.get("hash"):
            raise _Fail(where, N_("its hash differs from the verified ledger segment"))
        if record is not None and record not in listed:
            raise _Fail(where, N_("names {record!r}, which is not a listed file"), record=record)
    return len(hashes), len(manifest["ledger_segments"])


def verify_bundle(source: bytes | str, *, public_pem: bytes | None = None) -> BundleVerifyResult:
    """Check a bundle offline: the manifest's signature (with `public_pem`, else the bundle's own key), every
    file against the manifest, no file unlisted, every ledger segment chained and ending at a signed
    checkpoint, and every entry the manifest names present with its hash. Stops at the first problem.
    Raises BundleError when `source` is not a readable zip."""
    with _open(source) as archive:
        result = BundleVerifyResult(ok=False)
        try:
            raw, manifest = _manifest(archive)
            signer_pem, result.key_source, result.key_fingerprint = _check_signature(
                archive, raw, manifest, public_pem
            )
            listed = _check_files(archive, manifest)
            result.files_checked = len(listed)
            result.entries_checked, result.segments_checked = _check_ledger(
                archive, manifest, listed, signer_pem
            )
        except _Fail as failure:
            result.where, result.reason, result.failure = failure.where, failure.reason, failure.text
            return result
        result.ok = True
        return result
