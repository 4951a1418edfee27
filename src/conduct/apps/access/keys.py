"""The installation's grant-signing key pair (separate from the ledger's): generated once in
CONDUCT_HOME/keys, created exclusively so concurrent first uses agree on one key. Devices trust the public
half only.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings

from conduct.core._signing import key_id_of, load_private_key
from conduct.core.grants import generate_keypair


def grant_private_key() -> bytes:
    path = Path(settings.CONDUCT["GRANT_KEY_PATH"])
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        private_pem, _ = generate_keypair()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(private_pem)
    return path.read_bytes()


def grant_public_key() -> bytes:
    """The PEM (SubjectPublicKeyInfo) devices must trust."""
    public = load_private_key(grant_private_key()).public_key()
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def grant_key_id() -> str:
    return key_id_of(load_private_key(grant_private_key()).public_key())
