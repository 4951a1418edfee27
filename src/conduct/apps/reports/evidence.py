"""The signed evidence bundle (issue 18): selected cases (votes, decisions, documents) and gate decisions
(with their explanations), the ledger entries that record them as segments ending at signed checkpoints, and
a manifest signed with the ledger's key. Written by conduct.core.evidence, which also checks it offline.

Grievance texts are never included: a case raised from a grievance carries its title only, and the ledger
holds no report text."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize, can
from conduct.apps.audit.keys import signing_keys, trusted_keys
from conduct.apps.audit.models import Checkpoint, LedgerEntry, LedgerHead
from conduct.apps.audit.services import checkpoint_create, ledger_append
from conduct.apps.audit.verify import signed_from_model, to_record
from conduct.apps.errors import Invalid, NotFound
from conduct.apps.gates.models import GateDecision
from conduct.apps.gates.selectors import decision_list
from conduct.apps.governance.models import Case
from conduct.apps.governance.selectors import case_list
from conduct.apps.reports.ledger_actions import ReportsAction
from conduct.core import evidence as core_evidence
from conduct.core import ledger as core_ledger

MAX_OBJECTS = 1000  # cases, and gate decisions, per bundle: narrow the dates beyond that
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

README = """Conduct evidence bundle
=======================

This zip holds records exported from Conduct (cases with their votes, decisions and documents; gate
decisions with their explanations), the audit-ledger entries that recorded them, and a manifest signed
with the ledger's Ed25519 key.

  manifest.json        every file with its SHA-256 and size; which ledger entry records which record
  manifest.sig         Ed25519 signature over "conduct/evidence-manifest/v1\\n" + the bytes of manifest.json
  public-key.pem       the ledger's public key (check its fingerprint against the one the company publishes)
  keys/                the public keys that signed the checkpoints
  records/             cases and gate decisions as JSON
  documents/           the case documents, as uploaded
  ledger/              ledger segments in the audit export format: a header, entries, and the signed
                       checkpoint that ends each segment

How to check it (no database, no network):

  conduct evidence verify THIS.zip --public-key PUBLISHED-KEY.pem [--json]

exits 0 when every file matches the manifest, the signature is good and every ledger entry chains to a
signed checkpoint; 1 naming the first file or entry that does not.

By hand: (1) verify manifest.sig's signature (base64) over the context line and manifest.json with the
published key (e.g. with openssl pkeyutl -verify -rawin); (2) sha256sum every file and compare with
manifest.json; (3) in each ledger segment, recompute every entry's hash (docs/audit-ledger.md: canonical
JSON, SHA-256), check each prev_hash is the previous entry's hash, and check the checkpoint at the end
signs the last entry's hash. Entries of other objects inside a segment are there because the chain runs
through them; they are whole, as the ledger holds them.
"""


@dataclass(frozen=True)
class EvidenceBundle:
    data: bytes
    filename: str
    cases: int
    gate_decisions: int
    entries: int


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min).replace(tzinfo=UTC)


def _visible_cases(actor: Actor) -> QuerySet[Case]:
    return Case.objects.all() if isinstance(actor, SystemActor) else case_list(actor=actor)


def _visible_decisions(actor: Actor) -> QuerySet[GateDecision]:
    if isinstance(actor, SystemActor):
        return GateDecision.objects.all()
    if not can(actor, "gates.view"):  # an investigator without the gates module
        return GateDecision.objects.none()
    return decision_list(actor=actor)


def _select(
    qs: QuerySet[Any],
    ids: Sequence[int],
    *,
    field: str,
    date_field: str,
    start: datetime | None,
    end: datetime | None,
    noun: str,
) -> list[Any]:
    if start is not None:
        qs = qs.filter(**{f"{date_field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{date_field}__lt": end})
    if ids:
        found = {obj.pk: obj for obj in qs.filter(pk__in=ids)}
        for pk in ids:
            if pk not in found:
                raise NotFound(
                    _("No %(noun)s %(id)s that you can see in the dates given.") % {"noun": noun, "id": pk},
                    fields={field: _("Not found: %(id)s.") % {"id": pk}},
                )
        return [found[pk] for pk in sorted(set(ids))]
    rows = list(qs.order_by("pk")[: MAX_OBJECTS + 1])
    if len(rows) > MAX_OBJECTS:
        raise Invalid(
            _("More than %(n)s records match; narrow the dates or name them.") % {"n": MAX_OBJECTS},
            fields={"from": _("Too many records in this range.")},
        )
    return rows


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _username(user: User | None) -> str | None:
    return user.username if user is not None else None


def _documents(case: Case, files: dict[str, bytes]) -> list[dict[str, Any]]:
    """The case's documents' metadata; each file's bytes go into `files` under the path the item names."""
    documents = []
    for doc in case.documents.all().select_related("uploaded_by"):
        path = f"documents/cases/{case.pk}/{doc.pk}-{_SAFE_NAME.sub('_', doc.filename)[:120]}"
        item: dict[str, Any] = {
            "id": doc.pk,
            "kind": doc.kind,
            "filename": doc.filename,
            "content_type": doc.content_type,
            "size": doc.size,
            "sha256": doc.sha256,
            "uploaded_by": _username(doc.uploaded_by),
            "uploaded_at": _iso(doc.uploaded_at),
        }
        try:
            with doc.file.open("rb") as handle:
                files[path] = handle.read()
            item["file"] = path
        except (OSError, ValueError):
            item["file"] = None
            item["missing"] = True  # the stored file is gone: said, not silently dropped
        documents.append(item)
    return documents


def _votes(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "round": v.round,
            "voter": _username(v.voter),
            "voter_role": v.voter_role,
            "choice": v.choice,
            "rationale": v.rationale,
            "conditions": v.conditions,
            "cast_at": _iso(v.cast_at),
        }
        for v in case.votes.all().select_related("voter").order_by("round", "cast_at", "pk")
    ]


def _case_record(case: Case, files: dict[str, bytes]) -> dict[str, Any]:
    return {
        "type": "case",
        "id": case.pk,
        "title": case.title,
        # A case raised from a grievance carries the title only: never the report's text.
        "description": "" if case.source == Case.Source.GRIEVANCE else case.description,
        "dimension": case.dimension,
        "rights": case.rights,
        "committee": case.committee.slug if case.committee else None,
        "queue": case.queue,
        "source": case.source,
        "subject_type": case.subject_type,
        "subject_ref": case.subject_ref,
        "gate_decision": case.gate_decision_id,
        "org_unit": case.org_unit.code if case.org_unit else None,
        "status": case.status,
        "round": case.round,
        "opened_at": _iso(case.opened_at),
        "opened_by": case.opened_by,
        "due_at": _iso(case.due_at),
        "decided_at": _iso(case.decided_at),
        "closed_at": _iso(case.closed_at),
        "votes": _votes(case),
        "decisions": [
            {
                "round": d.round,
                "outcome": d.outcome,
                "binding": d.binding,
                "method": d.method,
                "conditions": d.conditions,
                "rationale": d.rationale,
                "dissent": d.dissent,
                "tally": d.tally,
                "gate_outcome": d.gate_outcome,
                "note": d.note,
                "decided_at": _iso(d.decided_at),
                "decided_by": d.decided_by,
            }
            for d in case.decisions.all().order_by("round", "pk")
        ],
        "conflicts": [
            {"user": _username(c.user), "reason": c.reason, "declared_at": _iso(c.declared_at)}
            for c in case.conflicts.all().select_related("user").order_by("pk")
        ],
        "documents": _documents(case, files),
    }


def _decision_record(decision: GateDecision) -> dict[str, Any]:
    return {
        "type": "gate_decision",
        "id": decision.pk,
        "gate": decision.gate,
        "reference": decision.reference,
        "subject": decision.subject,
        "outcome": decision.outcome,
        "effective_outcome": decision.effective_outcome,
        "explanation": decision.result,  # the rules that fired, with their values and citations
        "policy_version": decision.policy_version,
        "as_of": _iso(decision.as_of),
        "org_unit": decision.org_unit.code if decision.org_unit else None,
        "actor": decision.actor_label,
        "created_at": _iso(decision.created_at),
        "previous": decision.previous_id,
        "resolution": {
            "outcome": decision.resolution_outcome,
            "rationale": decision.resolution_rationale,
            "case": decision.resolution_case_id,
            "resolved_at": _iso(decision.resolved_at),
        }
        if decision.resolved_at
        else None,
    }


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _segments(needed: Iterable[int]) -> tuple[list[core_evidence.LedgerSegment], list[bytes]]:
    """The ledger runs that chain each needed entry to the nearest signed checkpoint at or after it (one
    segment per checkpoint), and the public keys those checkpoints were signed with."""
    keys = trusted_keys().keys
    usable = [cp for cp in Checkpoint.objects.order_by("seq", "at") if cp.key_id in keys]
    groups: dict[int, int] = {}  # checkpoint seq -> first needed seq it covers
    for seq in sorted(set(needed)):
        cover = next((cp.seq for cp in usable if cp.seq >= seq), None)
        if cover is None:
            raise Invalid(_("Ledger entry %(seq)s has no signed checkpoint after it.") % {"seq": seq})
        groups.setdefault(cover, seq)
    segments, key_pems = [], {}
    for number, (cp_seq, first) in enumerate(sorted(groups.items()), start=1):
        entries = LedgerEntry.objects.filter(seq__gte=first, seq__lte=cp_seq).order_by("seq")
        records = [to_record(e) for e in entries.iterator(chunk_size=2000)]
        signed = [cp for cp in usable if cp.seq == cp_seq]
        for cp in signed:
            key_pems[cp.key_id] = keys[cp.key_id].public_pem
        text = "".join(
            core_ledger.export_lines(
                records,
                checkpoints=[signed_from_model(cp) for cp in signed],
                start_seq=first,
                prev_hash=records[0].prev_hash,
            )
        )
        segments.append(
            core_evidence.LedgerSegment(
                path=f"ledger/segment-{number:03d}.jsonl", text=text, first_seq=first, last_seq=cp_seq
            )
        )
    return segments, list(key_pems.values())


def _pick(
    actor: Actor,
    *,
    date_from: date | None,
    date_to: date | None,
    case_ids: Sequence[int],
    gate_decision_ids: Sequence[int],
) -> tuple[list[Case], list[GateDecision]]:
    """The cases and gate decisions a bundle holds: by id and/or by date, among those the actor may see."""
    if date_from and date_to and date_from > date_to:
        raise Invalid(_("The dates are not valid."), fields={"to": _("Must not be before the start date.")})
    start = _day_start(date_from) if date_from else None
    end = _day_start(date_to) + timedelta(days=1) if date_to and date_to < date.max else None
    cases: list[Case] = []
    decisions: list[GateDecision] = []
    if case_ids or not gate_decision_ids:
        cases = _select(
            _visible_cases(actor),
            case_ids,
            field="case",
            date_field="opened_at",
            start=start,
            end=end,
            noun=_("case"),
        )
    if gate_decision_ids or not case_ids:
        decisions = _select(
            _visible_decisions(actor),
            gate_decision_ids,
            field="gate_decision",
            date_field="created_at",
            start=start,
            end=end,
            noun=_("gate decision"),
        )
    return cases, decisions


def _records(
    cases: list[Case], decisions: list[GateDecision], export_entry: LedgerEntry
) -> tuple[dict[str, bytes], list[dict[str, Any]]]:
    """The bundle's record and document files, and the ledger entries that record each record (up to the
    export's own entry, which comes last)."""
    files: dict[str, bytes] = {}
    entries: list[dict[str, Any]] = []
    wanted = Q(object_type="case", object_id__in=[str(c.pk) for c in cases]) | Q(
        object_type="gate_decision", object_id__in=[str(d.pk) for d in decisions]
    )
    paths = {("case", str(c.pk)): f"records/cases/{c.pk}.json" for c in cases}
    paths |= {("gate_decision", str(d.pk)): f"records/gate-decisions/{d.pk}.json" for d in decisions}
    records: dict[str, dict[str, Any]] = {}
    for case in cases:
        records[paths[("case", str(case.pk))]] = _case_record(case, files)
    for decision in decisions:
        records[paths[("gate_decision", str(decision.pk))]] = _decision_record(decision)
    for entry in LedgerEntry.objects.filter(wanted, seq__lte=export_entry.seq).order_by("seq"):
        path = paths[(entry.object_type, entry.object_id)]
        records[path].setdefault("ledger", []).append({"seq": entry.seq, "action": entry.action})
        entries.append({"seq": entry.seq, "hash": entry.hash, "action": entry.action, "record": path})
    entries.append(
        {"seq": export_entry.seq, "hash": export_entry.hash, "action": export_entry.action, "record": None}
    )
    for path, record in records.items():
        files[path] = _json(record)
    return files, entries


def evidence_export(
    *,
    actor: Actor,
    date_from: date | None = None,
    date_to: date | None = None,
    case_ids: Sequence[int] = (),
    gate_decision_ids: Sequence[int] = (),
) -> EvidenceBundle:
    """Build a signed bundle of the cases and gate decisions the actor may see (an investigator: within its
    units and modules), chosen by id and/or by date (cases by opening, decisions by creation; `date_to`
    inclusive, UTC). The export is ledgered (`evidence.export`) and the head signed, so the bundle's own
    entry chains to a checkpoint inside it."""
    authorize(actor, "evidence.export")
    cases, decisions = _pick(
        actor, date_from=date_from, date_to=date_to, case_ids=case_ids, gate_decision_ids=gate_decision_ids
    )
    selection = {
        "from": _iso(date_from),
        "to": _iso(date_to),
        "cases": [c.pk for c in cases],
        "gate_decisions": [d.pk for d in decisions],
    }
    bundle_id = uuid.uuid4().hex[:16]
    with transaction.atomic():
        export_entry = ledger_append(
            actor=actor,
            action=ReportsAction.EVIDENCE_EXPORT,
            object_type="evidence_bundle",
            object_id=bundle_id,
            summary=selection,
        )
    # signed with a key verification trusts (a checkpoint by a key no longer in the key folder is no use)
    trusted = Checkpoint.objects.filter(key_id__in=list(trusted_keys().keys))
    signed_to = trusted.aggregate(seq=Max("seq"))["seq"] or 0
    if signed_to < LedgerHead.objects.get(pk=1).seq:
        checkpoint_create(actor=actor, reason="evidence bundle")
    files, entries = _records(cases, decisions, export_entry)
    segments, checkpoint_keys = _segments(e["seq"] for e in entries)
    private_pem, _public = signing_keys()
    created = timezone.now()
    data = core_evidence.bundle_bytes(
        files=files,
        segments=segments,
        entries=entries,
        selection={**selection, "bundle": bundle_id, "ledger_entry": export_entry.seq},
        created_at=created,
        private_pem=private_pem,
        checkpoint_keys=checkpoint_keys,
        readme=README,
    )
    return EvidenceBundle(
        data=data,
        filename=f"evidence-{created:%Y%m%d-%H%M%S}-{bundle_id[:8]}.zip",
        cases=len(cases),
        gate_decisions=len(decisions),
        entries=len(entries),
    )
