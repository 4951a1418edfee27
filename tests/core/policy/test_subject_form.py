"""A gate's subject as a form: every gate's example goes through the form and back unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conduct.core.policy import GATES, FormNode, ReferenceData, form_fields, subject_from_form
from conduct.core.policy._subjects import normalize_subject
from conduct.datafiles import data_path


def submitted(node: FormNode, out: dict[str, list[str]]) -> dict[str, list[str]]:
    """What a browser posts for the form as rendered (unticked boxes are not sent)."""
    if node.kind == "object":
        for child in node.children:
            submitted(child, out)
    elif node.kind == "list":
        for row in node.rows:
            submitted(row, out)
    elif node.kind == "checkbox":
        if node.value:
            out[node.name] = ["on"]
    elif node.kind == "multiselect":
        out[node.name] = list(node.value)
    else:
        out[node.name] = [node.value]
    return out


def leaves(node: FormNode) -> dict[str, FormNode]:
    found: dict[str, FormNode] = {}
    for child in [*node.children, *node.rows]:
        found.update(leaves(child) if child.kind in ("object", "list") else {child.name: child})
    return found


@pytest.mark.parametrize("gate", GATES)
def test_each_gate_example_survives_the_form(reference: ReferenceData, gate: str) -> None:
    example = json.loads(data_path("examples", "subjects", f"{gate}.json").read_text(encoding="utf-8"))
    form = submitted(form_fields(gate, example, reference), {})
    back = subject_from_form(gate, form)
    assert normalize_subject(gate, back, reference) == normalize_subject(gate, example, reference)


def test_vocabularies_are_choices_with_their_tiers(reference: ReferenceData) -> None:
    fields = leaves(form_fields("sales_deal", {}, reference))
    capabilities = fields["items[0].capabilities"]
    assert capabilities.kind == "multiselect" and capabilities.vocabulary == "capability"
    tiers = dict(capabilities.groups)
    assert ("ethnicity_detection", "Ethnicity detection") in tiers["prohibited"]
    assert fields["deployment.purposes"].kind == "multiselect"
    assert "protest_monitoring" in dict(dict(fields["deployment.purposes"].groups)["prohibited"])
    assert (
        fields["parties[0].country"].kind == "select"
        and len(fields["parties[0].country"].groups[0][1]) == 250
    )
    assert [v for v, _ in fields["parties[0].sector"].groups[0][1]][:2] == ["commercial", "retail"]
    assert fields["deployment.public_space"].kind == "checkbox"
    assert fields["items[0].quantity"].kind == "integer"


def test_blank_rows_and_blank_optional_objects_are_left_out(reference: ReferenceData) -> None:
    form: dict[str, Any] = {
        "reference": ["D-1"],
        "parties[0].role": ["customer"],
        "parties[0].name": ["Acme"],
        "parties[0].country": ["gb"],
        "parties[0].sector": ["retail"],
        "parties[1].name": [""],
        "parties[1].country": [""],
        "items[0].sku": ["CAM"],
        "items[0].quantity": ["1,000"],
        "items[0].capabilities": ["motion_detection"],
        "deployment.camera_count": [""],
        "deployment.purpose": [""],
        "us_content": ["lots"],
    }
    subject = subject_from_form("sales_deal", form)
    assert len(subject["parties"]) == 1 and "deployment" not in subject
    assert subject["items"][0]["quantity"] == 1000
    _, errors = normalize_subject("sales_deal", subject, reference)
    assert [(e.path, e.message) for e in errors] == [("us_content", "must be a number, got a string")]


def test_extra_rows_are_added_under_each_list(reference: ReferenceData) -> None:
    form = form_fields("sales_deal", {"parties": [{"name": "A"}]}, reference, extra_rows=3)
    parties = next(child for child in form.children if child.key == "parties")
    assert [row.name for row in parties.rows] == [f"parties[{i}]" for i in range(4)]
