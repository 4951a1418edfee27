"""SAML 2.0 sign-in through pysaml2 (Conduct is the service provider; signatures are checked by xmlsec1).

The identity provider is described by its metadata (SSO_SAML_IDP_METADATA_URL or _FILE). Conduct sends an
authentication request by redirect and takes the answer at its assertion consumer service by POST; the
answer must be signed (the response or the assertion) by the provider's key in the metadata, be addressed to
Conduct, be in time, and answer a request Conduct sent in the last minutes, once (SsoPendingRequest: the
answer arrives as a cross-site POST, which carries no session cookie). Conduct's own metadata, for the
provider, is served at /sso/saml/metadata/.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from conduct.apps.accounts.models import SsoPendingRequest
from conduct.apps.accounts.sso import Identity

REQUEST_MINUTES = 10  # how long an authentication request waits for its answer
# pysaml2 is imported on first use (about half a second, and xmlschema's schemas): only a process that signs
# someone in through SAML pays for it.
_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"  # saml2.BINDING_HTTP_POST
_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"  # saml2.BINDING_HTTP_REDIRECT


class SamlAnswerError(ValueError):
    """The identity provider's answer cannot be used: the message says why."""


def enabled() -> bool:
    return bool(settings.SSO_SAML_IDP_METADATA_URL or settings.SSO_SAML_IDP_METADATA_FILE)


def entity_id() -> str:
    return settings.SSO_SAML_SP_ENTITY_ID or f"{settings.SITE_URL}{reverse('sso-saml-metadata')}"


def acs_url() -> str:
    return f"{settings.SITE_URL}{reverse('sso-saml-acs')}"


def _config_dict() -> dict[str, Any]:
    metadata: dict[str, Any] = (
        {"remote": [{"url": settings.SSO_SAML_IDP_METADATA_URL}]}
        if settings.SSO_SAML_IDP_METADATA_URL
        else {"local": [settings.SSO_SAML_IDP_METADATA_FILE]}
    )
    signing = bool(settings.SSO_SAML_SP_KEY_FILE and settings.SSO_SAML_SP_CERT_FILE)
    config: dict[str, Any] = {
        "entityid": entity_id(),
        "xmlsec_binary": settings.SSO_SAML_XMLSEC_BINARY or shutil.which("xmlsec1") or "xmlsec1",
        "allow_unknown_attributes": True,
        "metadata": metadata,
        "service": {
            "sp": {
                "endpoints": {"assertion_consumer_service": [(acs_url(), _POST)]},
                "allow_unsolicited": False,
                "authn_requests_signed": signing,
                "want_response_signed": False,
                "want_assertions_signed": False,
                "want_assertions_or_response_signed": True,
            }
        },
    }
    if signing:
        config["key_file"] = settings.SSO_SAML_SP_KEY_FILE
        config["cert_file"] = settings.SSO_SAML_SP_CERT_FILE
    return config


@lru_cache(maxsize=4)
def _client(key: tuple[str, ...]) -> Any:
    from saml2.client import Saml2Client
    from saml2.config import SPConfig

    config = SPConfig()
    config.load(_config_dict())
    return Saml2Client(config=config)


def client() -> Any:
    """The service provider (the provider's metadata is read once per process and settings)."""
    key = (
        entity_id(),
        acs_url(),
        settings.SSO_SAML_IDP_METADATA_URL,
        settings.SSO_SAML_IDP_METADATA_FILE,
        settings.SSO_SAML_SP_KEY_FILE,
        settings.SSO_SAML_SP_CERT_FILE,
    )
    return _client(key)


def metadata_xml() -> str:
    from saml2.config import SPConfig
    from saml2.metadata import create_metadata_string

    config = SPConfig()
    config.load({**_config_dict(), "metadata": {}})
    xml = create_metadata_string(None, config=config, valid=24 * 7, sign=False)
    return xml.decode() if isinstance(xml, bytes) else str(xml)


def login_url(next_path: str) -> str:
    """Where to send the browser: the provider, with a new authentication request (remembered here)."""
    request_id, info = client().prepare_for_authenticate(binding=_REDIRECT)
    SsoPendingRequest.objects.filter(
        created_at__lt=timezone.now() - timedelta(minutes=REQUEST_MINUTES)
    ).delete()
    SsoPendingRequest.objects.create(request_id=request_id, next_path=next_path[:500])
    return str(dict(info["headers"])["Location"])


def _first(ava: dict[str, list[Any]], name: str) -> str:
    values = ava.get(name) or []
    return str(values[0]) if values else ""


@transaction.atomic
def identity_from_answer(saml_response: str) -> tuple[Identity, str]:
    """Check the provider's answer and read who signed in, and the page they were going to."""
    pending = SsoPendingRequest.objects.select_for_update().filter(
        created_at__gte=timezone.now() - timedelta(minutes=REQUEST_MINUTES)
    )
    outstanding = {row.request_id: row.next_path for row in pending}
    try:
        answer = client().parse_authn_request_response(saml_response, _POST, outstanding=outstanding)
    except Exception as exc:  # noqa: BLE001 - pysaml2 raises dozens of types for a bad answer; all mean "refuse"
        raise SamlAnswerError(str(exc) or type(exc).__name__) from None
    if answer is None or answer.in_response_to not in outstanding:
        raise SamlAnswerError("the answer does not match a sign-in Conduct started")
    SsoPendingRequest.objects.filter(request_id=answer.in_response_to).delete()  # an answer counts once
    ava = answer.get_identity() or {}
    name_id = answer.name_id.text if answer.name_id is not None else ""
    username = (
        _first(ava, settings.SSO_SAML_USERNAME_ATTRIBUTE) if settings.SSO_SAML_USERNAME_ATTRIBUTE else ""
    )
    groups = tuple(str(g) for g in ava.get(settings.SSO_SAML_GROUPS_ATTRIBUTE) or [])
    identity = Identity(
        protocol="saml",
        issuer=str(answer.issuer() or ""),
        subject=str(name_id),
        username=username or str(name_id),
        email=_first(ava, settings.SSO_SAML_EMAIL_ATTRIBUTE),
        given_name=_first(ava, settings.SSO_SAML_GIVEN_NAME_ATTRIBUTE),
        family_name=_first(ava, settings.SSO_SAML_FAMILY_NAME_ATTRIBUTE),
        groups=groups,
    )
    return identity, outstanding[answer.in_response_to]
