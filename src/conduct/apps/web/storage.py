"""Static files storage: hashed names and gzip, without brotli (its top level took ~30 s per start)."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Any:
        kwargs["use_brotli"] = False
        return super().create_compressor(**kwargs)
