"""The policy pack in force: loaded and compiled once per process, its cites checked against the library."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from conduct.core.policy import PolicyPack, load_pack
from conduct.datafiles import data_path, framework_library

_lock = threading.Lock()
_cache: dict[str, PolicyPack] = {}


def pack_dir() -> Path:
    configured = settings.CONDUCT.get("POLICY_DIR")
    return Path(configured) if configured else data_path("policies", "default")


def load(path: Path) -> PolicyPack:
    """Load any pack with its citations validated against the framework library (raises PolicyError)."""
    return load_pack(path, known_urns=framework_library().urns())


def current_pack() -> PolicyPack:
    key = str(pack_dir())
    pack = _cache.get(key)
    if pack is None:
        with _lock:
            pack = _cache.get(key)
            if pack is None:
                pack = load(Path(key))
                _cache[key] = pack
    return pack


def reload_pack() -> PolicyPack:
    with _lock:
        _cache.clear()
    return current_pack()
