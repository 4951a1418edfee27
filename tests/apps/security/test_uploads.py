"""Multipart uploads are bounded while they are read, and their temporary files do not outlive their request.

The bodies here are generated as they are read (LazyBody), so a 300 MB upload costs the test nothing, and the
test can tell how much of it the server read.
"""

from __future__ import annotations

import json
import os
import time
import tracemalloc
from typing import Any

import pytest
from django.test import Client
from django.test.client import ClientHandler, RequestFactory

from conduct.apps.web import uploads

BOUNDARY = "conduct-test-boundary"
MB = 1024 * 1024


class LazyBody:
    """A multipart body with one file part of `size` bytes, produced as it is read."""

    def __init__(self, size: int, *, field: str = "file", filename: str = "big.pdf") -> None:
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.size = size
        self.length = len(self.head) + size + len(self.tail)
        self.read_bytes = 0

    def _byte(self, index: int, count: int) -> bytes:
        out = bytearray()
        while count and index < self.length:
            if index < len(self.head):
                part = self.head[index : index + count]
            elif index < len(self.head) + self.size:
                part = b"%" * min(count, len(self.head) + self.size - index)
            else:
                start = index - len(self.head) - self.size
                part = self.tail[start : start + count]
            out += part
            index += len(part)
            count -= len(part)
        return bytes(out)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.length - self.read_bytes
        data = self._byte(self.read_bytes, size)
        self.read_bytes += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - the multipart parser reads in chunks
        return self.read(size)


def _post(path: str, body: Any, *, user: Any = None, content_length: int | None = None, **extra: Any) -> Any:
    """POST `body` (a LazyBody, or bytes with a content type in `extra`) through Django's whole stack."""
    client = Client()
    if user is not None:
        client.force_login(user)
    if isinstance(body, LazyBody):
        extra.setdefault("CONTENT_TYPE", f"multipart/form-data; boundary={BOUNDARY}")
        length = body.length
    else:
        length = len(body)
        data = body

        class _Bytes(LazyBody):
            def read(self, size: int = -1) -> bytes:
                nonlocal data
                size = len(data) if size is None or size < 0 else size
                chunk, data = data[:size], data[size:]
                return chunk

        body = _Bytes(0)
    environ = RequestFactory()._base_environ(
        PATH_INFO=path,
        REQUEST_METHOD="POST",
        CONTENT_LENGTH=str(length if content_length is None else content_length),
        HTTP_COOKIE="; ".join(f"{k}={v.value}" for k, v in client.cookies.items()),
        **{"wsgi.input": body},
        **extra,
    )
    return ClientHandler(enforce_csrf_checks=False)(environ)


def _json(response: Any) -> Any:
    return json.loads(response.content)


def _tmp_files() -> list[str]:
    return sorted(os.listdir(uploads.upload_tmp_dir()))


def test_a_300_mb_certificate_upload_is_refused_with_413_before_it_is_read(supplier_acme):
    body = LazyBody(300 * MB)
    tracemalloc.start()
    try:
        response = _post("/api/v1/certificates/1/file", body, user=supplier_acme)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 413
    assert _json(response)["error"]["code"] == "too_large"
    assert "10 MB" in _json(response)["error"]["message"]
    assert body.read_bytes == 0
    assert peak < 20 * MB


def test_the_limit_is_enforced_while_the_body_is_read(supplier_acme, settings):
    # A body within the Content-Length allowance whose file is over the limit: refused part-way through.
    settings.MAX_UPLOAD_BYTES = 2 * MB
    before = _tmp_files()
    body = LazyBody(2 * MB + uploads.FORM_ALLOWANCE // 2)
    response = _post("/api/v1/certificates/1/file", body, user=supplier_acme)
    assert response.status_code == 413
    assert body.read_bytes < body.length
    assert _tmp_files() == before  # the spilled part was removed with the refusal


def test_a_page_upload_over_the_limit_gets_the_413_page(supplier_acme, settings):
    settings.MAX_UPLOAD_BYTES = 1 * MB
    response = _post("/suppliers/portal/certificates/new", LazyBody(3 * MB), user=supplier_acme)
    assert response.status_code == 413
    assert b"1 MB" in response.content


def test_a_60_mb_multipart_supplier_import_gets_413(admin):
    body = LazyBody(60 * MB, filename="suppliers.csv")
    response = _post("/api/v1/suppliers/import", body, user=admin)
    assert response.status_code == 413
    assert _json(response)["error"]["code"] == "too_large"
    assert body.read_bytes == 0


def test_a_60_mb_csv_supplier_import_body_gets_413(admin):
    body = LazyBody(0)
    response = _post(
        "/api/v1/suppliers/import", body, user=admin, content_length=60 * MB, CONTENT_TYPE="text/csv"
    )
    assert response.status_code == 413
    assert _json(response)["error"]["code"] == "too_large"


def test_an_upload_within_the_limit_spills_to_the_upload_folder_and_is_parsed(admin, settings):
    seen: dict[str, Any] = {}

    def view(request: Any) -> Any:
        from django.http import HttpResponse

        upload = request.FILES["file"]
        seen["path"] = upload.temporary_file_path()
        seen["size"] = upload.size
        return HttpResponse("ok")

    from django.urls import path

    class Urls:
        urlpatterns = [path("upload-probe", view)]

    settings.ROOT_URLCONF = Urls
    response = _post("/upload-probe", LazyBody(3 * MB), user=admin)
    assert response.status_code == 200
    assert seen["size"] == 3 * MB
    assert os.path.dirname(seen["path"]) == str(uploads.upload_tmp_dir())
    assert not os.path.exists(seen["path"])  # removed at the end of the request


def test_the_daily_clean_removes_upload_files_older_than_an_hour():
    folder = uploads.upload_tmp_dir()
    old, fresh = folder / "old.upload", folder / "fresh.upload"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    an_hour_ago = time.time() - 3601
    os.utime(old, (an_hour_ago, an_hour_ago))
    from conduct.apps.web.tasks import daily_upload_cleanup

    daily_upload_cleanup.call()
    assert not old.exists()
    assert fresh.exists()
    fresh.unlink()


def test_start_up_removes_every_upload_file_when_nothing_else_runs(settings, tmp_path):
    settings.CONDUCT_HOME = tmp_path
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    left = uploads.upload_tmp_dir() / "killed-mid-upload.upload"
    left.write_bytes(b"z" * 1000)
    assert uploads.clean_upload_tmp_at_start(tmp_path) == 1
    assert not left.exists()


@pytest.mark.parametrize("limit_path", ["/api/v1/screening/lists/x/versions", "/screening/lists/"])
def test_screening_lists_have_their_own_larger_limit(limit_path, settings):
    assert uploads.upload_limit(limit_path) > settings.MAX_UPLOAD_BYTES
