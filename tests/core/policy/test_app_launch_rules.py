"""Each app_launch rule of the default pack."""

from __future__ import annotations

from typing import Any

import pytest

from conduct.core.policy import PolicyPack, ScreeningHit, StaticScreener

from .conftest import clean


def app(**changes: Any) -> dict[str, Any]:
    subject = clean("app_launch")
    subject.update(changes)
    return subject


def decide(pack: PolicyPack, subject: dict[str, Any], **kwargs: Any):
    return pack.evaluate("app_launch", subject, **kwargs)


def test_default_credentials_deny(pack: PolicyPack) -> None:
    decision = decide(pack, app(default_credentials=True))
    assert (decision.outcome, decision.fired) == ("deny", ("app.default_credentials",))
    assert decision.reasons[0].message == "Conduct View 4.2.0 ships with default credentials"
    assert decision.reasons[0].values["subject.default_credentials"] is True


def test_a_prohibited_capability_denies(pack: PolicyPack) -> None:
    decision = decide(pack, app(capabilities=["motion_detection", "Sexual Orientation Inference"]))
    assert (decision.outcome, decision.fired) == ("deny", ("app.prohibited_capability",))
    assert "sexual_orientation_inference" in decision.reasons[0].message


def test_an_unknown_capability_is_reviewed(pack: PolicyPack) -> None:
    decision = decide(pack, app(capabilities=["lip_reading"]))
    assert (decision.outcome, decision.fired) == ("review", ("app.unknown_capability",))
    assert "lip_reading" in decision.reasons[0].message


@pytest.mark.parametrize(
    ("security_test", "outcome", "fired"),
    [("failed", "deny", ("app.security_test_failed",)), ("none", "review", ("app.security_test_missing",)),
     ("passed", "allow", ())],
)  # fmt: skip
def test_security_test(pack: PolicyPack, security_test: str, outcome: str, fired: tuple[str, ...]) -> None:
    decision = decide(pack, app(assessments={"dpia": "approved", "security_test": security_test}))
    assert (decision.outcome, decision.fired) == (outcome, fired)


@pytest.mark.parametrize("dpia", ["pending", "rejected", "none"])
def test_biometric_data_without_an_approved_dpia_is_reviewed(pack: PolicyPack, dpia: str) -> None:
    subject = app(personal_data=["video", "biometric"], assessments={"dpia": dpia, "security_test": "passed"})
    decision = decide(pack, subject)
    assert (decision.outcome, decision.fired) == ("review", ("app.biometric_without_approved_dpia",))
    assert decision.reasons[0].message.endswith(f"its DPIA is {dpia}")


def test_biometric_data_with_an_approved_dpia_is_allowed(pack: PolicyPack) -> None:
    assert decide(pack, app(personal_data=["BIOMETRIC", "video"])).outcome == "allow"


def test_no_dpia_is_needed_without_biometric_data(pack: PolicyPack) -> None:
    subject = app(
        personal_data=["video", "location"], assessments={"dpia": "none", "security_test": "passed"}
    )
    assert decide(pack, subject).outcome == "allow"


def test_each_transfer_without_a_mechanism_is_reviewed(pack: PolicyPack) -> None:
    transfers = [{"country": "SG", "mechanism": "none"}, {"country": "US", "mechanism": "scc"},
                 {"country": "IN", "mechanism": "none"}]  # fmt: skip
    decision = decide(pack, app(data_transfers=transfers))
    assert decision.fired == ("app.transfer_without_mechanism",)
    assert [r.target for r in decision.reasons] == ["data_transfers[0]", "data_transfers[2]"]
    assert "Singapore (SG)" in decision.reasons[0].message
    assert len(decision.conditions) == 2


@pytest.mark.parametrize("mechanism", ["adequacy", "scc", "bcr", "consent"])
def test_a_transfer_with_a_mechanism_is_allowed(pack: PolicyPack, mechanism: str) -> None:
    assert decide(pack, app(data_transfers=[{"country": "US", "mechanism": mechanism}])).outcome == "allow"


@pytest.mark.parametrize(
    ("field", "rule"),
    [("vulnerability_disclosure_policy", "app.no_vulnerability_disclosure_policy"),
     ("privacy_policy", "app.no_privacy_policy")],
)  # fmt: skip
def test_missing_published_policies_are_reviewed(pack: PolicyPack, field: str, rule: str) -> None:
    decision = decide(pack, app(**{field: False}))
    assert (decision.outcome, decision.fired) == ("review", (rule,))


def sdk_screener(kind: str, score: float) -> StaticScreener:
    return StaticScreener(
        {"Skyeye Intelligence": [ScreeningHit("List", kind, "X-1", "SKYEYE INTELLIGENCE", score)]}
    )


def with_sdk() -> dict[str, Any]:
    return app(
        third_party_sdks=[
            {"name": "MapKit", "vendor": "Cartography GmbH", "country": "DE"},
            # fmt: skip
            {"name": "FaceCore", "vendor": "Skyeye Intelligence", "country": "CN"},
        ]
    )


def test_an_sdk_vendor_strongly_matching_a_list_denies(pack: PolicyPack) -> None:
    decision = decide(pack, with_sdk(), screener=sdk_screener("export_control", 0.97))
    assert (decision.outcome, decision.fired) == ("deny", ("app.sdk_vendor_strong_list_match",))
    assert decision.reasons[0].target == "third_party_sdks[1].vendor"


def test_an_sdk_vendor_potentially_matching_a_list_is_reviewed(pack: PolicyPack) -> None:
    decision = decide(pack, with_sdk(), screener=sdk_screener("sanctions", 0.85))
    assert (decision.outcome, decision.fired) == ("review", ("app.sdk_vendor_potential_list_match",))


def test_sdk_vendors_are_screened_as_organisations_with_their_country(pack: PolicyPack) -> None:
    screener = StaticScreener({})
    decide(pack, with_sdk(), screener=screener)
    assert screener.calls == [
        ("Cartography GmbH", "organization", "DE"),
        ("Skyeye Intelligence", "organization", "CN"),
    ]
