"""The published test vectors (data/grants/test-vectors/vectors.json) give the answers the core verifier
gives: what a firmware team's port must reproduce.
"""

import json
from datetime import datetime
from pathlib import Path

import pytest

from conduct.core.grants import RevocationListError, verify_grant, verify_revocations

VECTORS = json.loads(
    (Path(__file__).resolve().parents[3] / "data" / "grants" / "test-vectors" / "vectors.json").read_text()
)
PUBLIC = VECTORS["public_key"].encode()


def test_the_vectors_file_is_what_the_generator_writes():
    import importlib.util

    path = Path(__file__).resolve().parents[3] / "scripts" / "grant_test_vectors.py"
    spec = importlib.util.spec_from_file_location("grant_test_vectors", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert json.loads(json.dumps(module.build(), sort_keys=True)) == VECTORS


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_each_grant_case_gets_its_expected_answer(case):
    revoked = frozenset()
    if case["revocations"]:
        revoked = verify_revocations(PUBLIC, VECTORS["revocation_lists"][case["revocations"]]).revoked
    result = verify_grant(
        PUBLIC,
        VECTORS["tokens"][case["token"]],
        now=datetime.fromisoformat(case["at"].replace("Z", "+00:00")),
        device_id=case["device"],
        scope=case["scope"],
        revoked_ids=revoked,
    )
    assert {"ok": result.ok, "reason": str(result.reason)} == case["expected"]


@pytest.mark.parametrize("case", VECTORS["revocation_list_cases"], ids=lambda c: f"{c['list']}")
def test_each_revocation_list_case_gets_its_expected_answer(case):
    token = VECTORS["revocation_lists"][case["list"]]
    expected = case["expected"]
    if "error" in expected:
        with pytest.raises(RevocationListError, match=expected["error"]):
            verify_revocations(PUBLIC, token, min_version=case.get("min_version", 0))
    else:
        found = verify_revocations(PUBLIC, token, min_version=case.get("min_version", 0))
        assert (found.version, sorted(found.revoked)) == (expected["version"], expected["revoked"])
