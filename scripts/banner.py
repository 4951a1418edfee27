"""Prints where Conduct is served and the demo logins (used by `make run`)."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

spec = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "demo" / "organisation.yaml").read_text()
)
port = os.environ.get("PORT", "8000")
wanted = [
    "admin",
    "officer",
    "auditor",
    "analyst",
    "liaison_uk",
    "ethics_chair",
    "supplier_acme",
    "customer_metro",
]
roles = {u["username"]: u["role"] for u in spec["users"]}
print()
print(f"  Conduct is starting on http://127.0.0.1:{port}  (Ctrl-C stops the server and the worker)")
print(f"  Demo organisation: {spec['company']}")
print(f"  Demo logins (password for all: {spec['password']}):")
for name in wanted:
    print(f"    {name:<16} {roles[name]}")
print("  More demo users are listed in README.md.")
print()
