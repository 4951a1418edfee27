"""Shared storage for several web nodes (issue 23 §5): S3_BUCKET switches uploaded files to django-storages'
S3 backend; without it they stay on the local filesystem (as in the tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

SCRIPT = (
    "import json; from django.conf import settings; "
    "print(json.dumps(settings.STORAGES['default'], default=str))"
)


def _default_storage(**env: str) -> dict[str, object]:
    ran = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "conduct.config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(json.loads(ran.stdout))


def test_s3_bucket_puts_uploads_on_s3_compatible_storage(tmp_path) -> None:
    found = _default_storage(
        CONDUCT_HOME=str(tmp_path),
        S3_BUCKET="conduct-files",
        S3_ENDPOINT_URL="http://minio.internal:9000",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
    )
    assert found["BACKEND"] == "storages.backends.s3.S3Storage"
    options = found["OPTIONS"]
    assert isinstance(options, dict)
    assert options["bucket_name"] == "conduct-files"
    assert options["endpoint_url"] == "http://minio.internal:9000"
    assert options["querystring_auth"] is True and options["file_overwrite"] is False


def test_without_a_bucket_files_stay_on_the_filesystem(tmp_path) -> None:
    assert _default_storage(CONDUCT_HOME=str(tmp_path), S3_BUCKET="")["BACKEND"].endswith("FileSystemStorage")
    assert settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
