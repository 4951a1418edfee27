"""A real SAML 2.0 identity provider for the SSO tests: pysaml2's IdP (`saml2.server.Server`) behind a small
WSGI app on a thread, with its own key and self-signed certificate. It answers an authentication request
(HTTP-Redirect binding) for the user named in the `user` query parameter (standing in for its login form) with
a signed response posted back (HTTP-POST binding), exactly as pysaml2 builds it for production IdPs."""

from __future__ import annotations

import datetime
import html
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server


def _key_and_certificate(folder: Path, name: str) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


class IdentityProvider:
    """pysaml2's IdP for one service provider (whose metadata it is given)."""

    def __init__(self, folder: Path, base_url: str, sp_metadata: str) -> None:
        self.base_url = base_url
        self.entity_id = f"{base_url}/idp"
        self.users: dict[str, dict[str, list[str]]] = {}
        key, cert = _key_and_certificate(folder, "idp")
        sp_file = folder / "sp-metadata.xml"
        sp_file.write_text(sp_metadata, encoding="utf-8")
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": shutil.which("xmlsec1"),
                "key_file": str(key),
                "cert_file": str(cert),
                "metadata": {"local": [str(sp_file)]},
                "service": {
                    "idp": {
                        "endpoints": {"single_sign_on_service": [(f"{base_url}/sso", BINDING_HTTP_REDIRECT)]},
                        "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None}},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    }
                },
            }
        )
        self.server = Server(config=config)
        self.metadata_file = folder / "idp-metadata.xml"
        self.metadata_file.write_bytes(create_metadata_string(None, config=config, sign=False))

    def answer(self, saml_request: str, relay_state: str, user: str) -> str:
        """The HTML page that posts the signed response for `user` back to the service provider."""
        request = self.server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)
        args = self.server.response_args(request.message)
        response = self.server.create_authn_response(
            self.users[user],
            userid=user,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"persistent-{user}"),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            sign_assertion=True,
            sign_response=True,
            **args,
        )
        binding = self.server.apply_binding(
            BINDING_HTTP_POST, str(response), args["destination"], relay_state, response=True
        )
        return str(binding["data"])

    def app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if environ.get("PATH_INFO") != "/sso" or "SAMLRequest" not in query:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not here"]
        page = self.answer(query["SAMLRequest"], query.get("RelayState", ""), query.get("user", ""))
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page.encode()]


def posted_response(page: str) -> str:
    """The SAMLResponse field of the page the IdP answered with (what the browser would post)."""
    found = re.search(r'name="SAMLResponse" value="([^"]+)"', page)
    assert found, page[:500]
    return html.unescape(found.group(1))


@contextmanager
def running_idp(folder: Path, sp_metadata: Any) -> Iterator[IdentityProvider]:
    """Start the IdP on a free port; `sp_metadata(idp_base_url)` gives the service provider's metadata."""
    holder: dict[str, IdentityProvider] = {}
    httpd = make_server(
        "localhost", 0, lambda env, start: holder["idp"].app(env, start), handler_class=_Quiet
    )
    base_url = f"http://localhost:{httpd.server_port}"
    try:
        holder["idp"] = IdentityProvider(folder, base_url, sp_metadata(base_url))
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield holder["idp"]
        finally:
            httpd.shutdown()
    finally:
        httpd.server_close()
