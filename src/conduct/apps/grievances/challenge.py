"""Proof-of-work challenges for the intake paths: abuse control that identifies nobody.

A challenge is a signed token (`signing`, 10 minutes) with `bits` of difficulty: the client finds a `nonce`
such that SHA-256 of `<challenge>:<nonce>` starts with `bits` zero bits (about 2^bits hashes; 16 bits take a
browser about a second) and sends both. Each challenge answers one submission or one follow-up login: a
used one is recorded (its digest only) until it expires. GRIEVANCE_CHALLENGE sets the bits; 0 turns it off.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.apps.errors import Invalid
from conduct.apps.grievances.models import SpentChallenge

SALT = "conduct.grievances.challenge"
LIFETIME = timedelta(minutes=10)
PURPOSES = ("submit", "session")


@dataclass(frozen=True)
class Challenge:
    challenge: str
    bits: int
    expires_at: datetime


def bits() -> int:
    return int(settings.GRIEVANCE_CHALLENGE)


def challenge_issue(purpose: str) -> Challenge:
    token = signing.dumps({"p": purpose, "b": bits(), "r": secrets.token_hex(8)}, salt=SALT, compress=False)
    return Challenge(token, bits(), timezone.now() + LIFETIME)


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def solve(challenge: str, difficulty: int) -> str:
    """A nonce answering `challenge` (what the page's script does; used by tests and scripts)."""
    n = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{n}".encode()).digest()) < difficulty:
        n += 1
    return str(n)


def challenge_spend(*, challenge: str, nonce: str, purpose: str) -> None:
    """Check the answer and record the challenge as used (in the caller's transaction). Invalid otherwise."""
    if bits() == 0:
        return
    wrong = Invalid(_("The anti-abuse check failed; fetch a new challenge."), fields={"challenge": ""})
    try:
        data = signing.loads(challenge, salt=SALT, max_age=LIFETIME)
    except signing.BadSignature:
        wrong.fields["challenge"] = _("Not a challenge issued here, or expired.")
        raise wrong from None
    if not isinstance(data, dict) or data.get("p") != purpose or not isinstance(data.get("b"), int):
        wrong.fields["challenge"] = _("This challenge is for another step.")
        raise wrong
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if len(nonce) > 40 or leading_zero_bits(digest) < max(int(data["b"]), bits()):
        wrong.fields = {"nonce": _("The nonce does not answer the challenge.")}
        raise wrong
    try:
        with transaction.atomic():
            SpentChallenge.objects.create(
                digest=hashlib.sha256(challenge.encode()).hexdigest(), expires_at=timezone.now() + LIFETIME
            )
    except IntegrityError:
        wrong.fields["challenge"] = _("This challenge was used already.")
        raise wrong from None
