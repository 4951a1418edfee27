"""The intake paths leave no address, user agent or cookie anywhere: not in any log line (read back here),
not in a cookie sent back, and the trusted-proxy address resolution is bypassed for them."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client, override_settings

from conduct.apps.web.logging import JsonFormatter
from tests.apps.grievances.conftest import post_json

ADDRESS = "203.0.113.77"
AGENT = "Mozilla/5.0 (Reporter-Phone-XYZ)"
COOKIE = "tracking=cookie-value-123"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def logs():
    handler = Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(old_level)


HEADERS = {
    "REMOTE_ADDR": "10.0.0.1",
    "HTTP_X_FORWARDED_FOR": ADDRESS,
    "HTTP_USER_AGENT": AGENT,
    "HTTP_COOKIE": COOKIE,
    "HTTP_REFERER": "https://example.org/from",
}


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[__import__("ipaddress").ip_network("10.0.0.0/8")])
def test_the_intake_paths_leave_no_address_agent_or_cookie_in_any_log(logs, report):
    client = Client(**HEADERS)
    _, receipt = report()
    responses = [
        client.get("/report/"),
        client.post("/report/", {"description": "Page report"}),
        client.post("/report/follow-up", {"receipt": "0000000000000000"}),
        client.get("/api/v1/public/grievances/challenge"),
        post_json(client, "/api/v1/public/grievances", {"description": "API report"}),
        post_json(client, "/api/v1/public/grievances", {"description": ""}),  # a 422 (django.request logs it)
        post_json(client, "/api/v1/public/grievances/session", {"receipt": "1111222233334444"}),  # 404
        post_json(client, "/api/v1/public/grievances/session", {"receipt": receipt}),
    ]
    assert [r.status_code for r in responses] == [200, 200, 404, 200, 201, 422, 404, 200]
    request_lines = [json.loads(line) for line in logs if '"conduct.request"' in line]
    assert len(request_lines) >= len(responses)
    text = "\n".join(logs)
    for secret in (ADDRESS, "10.0.0.1", AGENT, "Reporter-Phone", "cookie-value-123", "example.org/from"):
        assert secret not in text
    for response in responses:
        assert not response.cookies, response.cookies
        assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[__import__("ipaddress").ip_network("10.0.0.0/8")])
def test_other_paths_still_resolve_the_client_address_behind_a_trusted_proxy():
    from django.http import HttpRequest, HttpResponse

    from conduct.apps.web.middleware import ClientAddressMiddleware, PrivateIntakeMiddleware

    seen: dict[str, str] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen[request.path] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    chain = PrivateIntakeMiddleware(ClientAddressMiddleware(view))
    for path in ("/login/", "/report/", "/api/v1/public/grievances/session"):
        request = HttpRequest()
        request.path = path
        request.META = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": ADDRESS, "HTTP_USER_AGENT": AGENT}
        chain(request)
        assert ("HTTP_USER_AGENT" in request.META) == (path == "/login/")
    assert seen == {
        "/login/": ADDRESS,
        "/report/": "0.0.0.0",  # noqa: S104
        "/api/v1/public/grievances/session": "0.0.0.0",  # noqa: S104
    }
