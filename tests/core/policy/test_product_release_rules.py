"""Each product_release rule of the default pack, with CVSS and support-period boundaries."""

from __future__ import annotations

from typing import Any

import pytest

from conduct.core.policy import PolicyPack

from .conftest import clean


def release(capabilities: list[str] | None = None, **security: Any) -> dict[str, Any]:
    subject = clean("product_release")
    subject["security"].update(security)
    if capabilities is not None:
        subject["capabilities"] = capabilities
    return subject


def decide(pack: PolicyPack, subject: dict[str, Any]):
    return pack.evaluate("product_release", subject)


def test_universal_default_passwords_deny(pack: PolicyPack) -> None:
    decision = decide(pack, release(unique_default_passwords=False))
    assert (decision.outcome, decision.fired) == ("deny", ("release.universal_default_password",))


@pytest.mark.parametrize(
    ("cvss", "outcome", "fired"),
    [
        (10, "deny", ("release.critical_vulnerability",)),
        (9.0, "deny", ("release.critical_vulnerability",)),
        (8.99, "review", ("release.high_vulnerability",)),
        (7.0, "review", ("release.high_vulnerability",)),
        (7, "review", ("release.high_vulnerability",)),
        (6.99, "allow", ()),
        (0, "allow", ()),
    ],
)
def test_open_vulnerabilities_by_cvss(
    pack: PolicyPack, cvss: float, outcome: str, fired: tuple[str, ...]
) -> None:
    decision = decide(pack, release(open_vulnerabilities=[{"id": "CVE-2026-0001", "cvss": cvss}]))
    assert (decision.outcome, decision.fired) == (outcome, fired)


def test_each_vulnerability_is_reported(pack: PolicyPack) -> None:
    vulnerabilities = [
        {"id": "CVE-1", "cvss": 9.8},
        {"id": "CVE-2", "cvss": 3.1},
        {"id": "CVE-3", "cvss": 7.5},
    ]
    decision = decide(pack, release(open_vulnerabilities=vulnerabilities))
    assert decision.outcome == "deny"
    assert [(r.rule, r.target) for r in decision.reasons] == [
        ("release.critical_vulnerability", "security.open_vulnerabilities[0]"),
        ("release.high_vulnerability", "security.open_vulnerabilities[2]"),
    ]
    assert decision.reasons[0].message == (
        "Open vulnerability CVE-1 has CVSS 9.8 (self-declared: security.open_vulnerabilities[0])"
    )
    assert decision.conditions == ("Fix or mitigate CVE-3 before release, or record an accepted risk",)


@pytest.mark.parametrize(
    ("end", "fired"),
    [
        (None, ("release.support_period_missing",)),
        ("2026-11-27", ("release.support_period_ended",)),
        ("2026-11-28", ()),
        ("2030-01-01", ()),
    ],
)
def test_support_period(pack: PolicyPack, end: str | None, fired: tuple[str, ...]) -> None:
    assert decide(pack, release(support_period_end=end)).fired == fired


def test_an_absent_support_period_end_counts_as_missing(pack: PolicyPack) -> None:
    subject = release()
    del subject["security"]["support_period_end"]
    assert decide(pack, subject).fired == ("release.support_period_missing",)


@pytest.mark.parametrize(
    ("field", "rule"),
    [("vulnerability_disclosure_policy", "release.no_vulnerability_disclosure_policy"),
     ("signed_firmware", "release.unsigned_firmware")],
)  # fmt: skip
def test_missing_safeguards_are_reviewed(pack: PolicyPack, field: str, rule: str) -> None:
    decision = decide(pack, release(**{field: False}))
    assert (decision.outcome, decision.fired) == ("review", (rule,))


def test_each_insecure_service_enabled_by_default_is_reviewed(pack: PolicyPack) -> None:
    decision = decide(pack, release(insecure_services_enabled=["telnet", "HTTP_without_TLS", "p2p_cloud"]))
    assert decision.fired == ("release.insecure_service_enabled",)
    assert [r.message for r in decision.reasons] == [
        "SD-4K-IR firmware 5.7.1 enables telnet by default",
        "SD-4K-IR firmware 5.7.1 enables http_without_tls by default",
        "SD-4K-IR firmware 5.7.1 enables p2p_cloud by default",
    ]
    assert decision.reasons[0].values == {"service": "telnet", "subject.product.model": "SD-4K-IR",
                                          "subject.firmware.version": "5.7.1"}  # fmt: skip


def test_a_prohibited_capability_denies(pack: PolicyPack) -> None:
    decision = decide(pack, release(["motion_detection", "political_opinion_inference"]))
    assert (decision.outcome, decision.fired) == ("deny", ("release.prohibited_capability",))


def test_an_unknown_capability_is_reviewed(pack: PolicyPack) -> None:
    decision = decide(pack, release(["motion_detection", "smoke_plume_tracking"]))
    assert (decision.outcome, decision.fired) == ("review", ("release.unknown_capability",))


def test_high_tier_capabilities_alone_do_not_hold_a_release(pack: PolicyPack) -> None:
    assert decide(pack, release(["facial_recognition"])).outcome == "allow"
