"""Loading a pack validates everything and reports each problem with its file, line and rule id."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from conduct.core.policy import DEFAULT_PACK_DIR, PolicyError, PolicyProblem, load_pack

GOOD_RULE = """\
rules:
  - id: demo.rule
    title: A demo rule
    gates: [product_release]
    when: "!subject.security.signed_firmware"
    outcome: review
    severity: low
    message: "{subject.product.model} is unsigned"
    cites: [urn:conduct:etsi_en_303_645:5.3-9]
"""


def write(folder: Path, text: str, name: str = "rules.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(folder: Path, **kwargs) -> list[PolicyProblem]:
    with pytest.raises(PolicyError) as caught:
        load_pack(folder, **kwargs)
    return list(caught.value.problems)


def only_problem(folder: Path, **kwargs) -> PolicyProblem:
    found = problems(folder, **kwargs)
    assert len(found) == 1, found
    return found[0]


def test_a_good_pack_loads(tmp_path: Path) -> None:
    write(tmp_path, GOOD_RULE)
    pack = load_pack(tmp_path)
    assert [rule.id for rule in pack.rules] == ["demo.rule"]
    assert pack.rules[0].line == 2 and pack.rules[0].file.endswith("rules.yaml")


def test_an_unknown_key_is_reported_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_RULE.replace("    severity: low\n", "    severity: low\n    severty: high\n"))
    problem = only_problem(tmp_path)
    assert (problem.file, problem.line, problem.rule_id) == (str(path), 8, "demo.rule")
    assert problem.message == "unknown key 'severty' (did you mean 'severity'?)"
    assert str(problem) == f"{path}:8 [demo.rule]: unknown key 'severty' (did you mean 'severity'?)"


def test_a_cel_syntax_error_is_reported_at_the_when_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        GOOD_RULE.replace('"!subject.security.signed_firmware"', '"subject.security.signed_firmware &&"'),
    )
    problem = only_problem(tmp_path)
    assert (problem.line, problem.rule_id) == (5, "demo.rule")
    assert problem.message.startswith("CEL syntax error in `when`")


def test_an_unknown_gate_is_reported(tmp_path: Path) -> None:
    write(tmp_path, GOOD_RULE.replace("gates: [product_release]", "gates: [product_relase]"))
    problem = only_problem(tmp_path)
    assert (problem.line, problem.rule_id) == (4, "demo.rule")
    assert problem.message.startswith("unknown gate 'product_relase' (did you mean 'product_release'?)")


@pytest.mark.parametrize(
    "urn",
    [
        "urn:conduct:etsi_en_303_645",
        "urn:acme:etsi:5.3-9",
        "etsi:5.3-9",
        "urn:conduct:ETSI:5.3-9",
        "urn:conduct:etsi_en_303_645:5.3 9",
    ],
)
def test_a_malformed_urn_is_reported_at_its_line(tmp_path: Path, urn: str) -> None:
    text = GOOD_RULE.replace(
        "    cites: [urn:conduct:etsi_en_303_645:5.3-9]\n",
        f'    cites:\n      - urn:conduct:uk_psti:PSTI-S1\n      - "{urn}"\n',
    )
    write(tmp_path, text)
    problem = only_problem(tmp_path)
    assert (problem.line, problem.rule_id) == (11, "demo.rule")
    assert problem.message == f"bad URN {urn!r}: expected urn:conduct:<framework>:<requirement id>"


def test_urns_are_checked_against_the_library_when_given(tmp_path: Path) -> None:
    write(tmp_path, GOOD_RULE)
    problem = only_problem(tmp_path, known_urns={"urn:conduct:etsi_en_303_645:5.3-10"})
    assert problem.message.startswith("unknown requirement URN 'urn:conduct:etsi_en_303_645:5.3-9'")
    assert "did you mean 'urn:conduct:etsi_en_303_645:5.3-10'" in problem.message
    assert load_pack(tmp_path, known_urns={"urn:conduct:etsi_en_303_645:5.3-9"}).rules


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (
            "facts.vulnerabilitys.size() > 0",
            "unknown fact 'facts.vulnerabilitys' for gate product_release (did you mean 'vulnerabilities'?)",
        ),
        (
            "subjet.security.signed_firmware",
            "unknown name 'subjet' in `when` (did you mean 'subject'?); rules read subject, facts",
        ),
        ("sizee(subject.capabilities) > 0", "unknown CEL function 'sizee' (did you mean 'size'?)"),
        ("facts == null", "read a named fact (`facts.<name>`), not `facts` as a whole"),
    ],
)
def test_unknown_names_in_when_are_reported(tmp_path: Path, when: str, message: str) -> None:
    write(tmp_path, GOOD_RULE.replace('"!subject.security.signed_firmware"', f'"{when}"'))
    problem = only_problem(tmp_path)
    assert (problem.line, problem.message) == (5, message)


def test_a_fact_of_another_gate_is_unknown(tmp_path: Path) -> None:
    write(
        tmp_path,
        GOOD_RULE.replace('"!subject.security.signed_firmware"', '"facts.max_cvss > 5.0"').replace(
            "gates: [product_release]", "gates: [product_release, app_launch]"
        ),
    )
    assert only_problem(tmp_path).message == "unknown fact 'facts.max_cvss' for gate app_launch"


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("outcome: review", "outcome: block", 6, "outcome 'block' must be one of: allow, review, deny"),
        (
            "severity: low",
            "severity: urgent",
            7,
            "severity 'urgent' must be one of: low, medium, high, critical",
        ),
        (
            "    severity: low\n",
            "    severity: low\n    refer_to: Ethics Committee\n",
            8,
            "refer_to 'Ethics Committee' must be a committee slug like 'technical-ethics-committee'",
        ),
        (
            'message: "{subject.product.model} is unsigned"',
            'message: "{product.model} is unsigned"',
            8,
            "message: placeholder {product.model} must start with one of: facts, subject",
        ),
        (
            'message: "{subject.product.model} is unsigned"',
            'message: "{subject.product.model is unsigned"',
            8,
            "message: unbalanced '{' at column 1 (write {{ for a literal brace)",
        ),
        ("    title: A demo rule\n", "", 2, "missing required key 'title'"),
        (
            "id: demo.rule",
            "id: Demo Rule",
            2,
            "rule id 'Demo Rule' must be lower case words joined by '.', '_' or '-'",
        ),
        (
            "    when:",
            "    for_each: parties\n    when:",
            5,
            "`for_each` must read '<name> in <dotted path>', e.g. 'party in facts.parties'",
        ),
        (
            "cites: [urn:conduct:etsi_en_303_645:5.3-9]",
            "cites: []",
            9,
            "`cites` must be a non-empty list of requirement URNs",
        ),
    ],
)
def test_bad_rule_fields_are_reported(tmp_path: Path, old: str, new: str, line: int, message: str) -> None:
    assert old in GOOD_RULE
    write(tmp_path, GOOD_RULE.replace(old, new))
    problem = only_problem(tmp_path)
    assert (problem.line, problem.message) == (line, message)
    assert problem.rule_id == (None if "Demo Rule" in new else "demo.rule")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    write(
        tmp_path,
        GOOD_RULE.replace("outcome: review", "outcome: block").replace(
            "gates: [product_release]", "gates: [x]"
        ),
    )
    write(tmp_path, "rules:\n  - id: other\n", name="b.yaml")
    found = problems(tmp_path)
    assert len(found) == 2 + 7  # two in rules.yaml, seven missing keys in b.yaml
    assert {Path(problem.file).name for problem in found} == {"rules.yaml", "b.yaml"}


def test_a_duplicate_rule_id_names_both_places(tmp_path: Path) -> None:
    first = write(tmp_path, GOOD_RULE, name="a.yaml")
    write(tmp_path, GOOD_RULE, name="b.yaml")
    problem = only_problem(tmp_path)
    assert problem.file.endswith("b.yaml") and problem.rule_id == "demo.rule"
    assert problem.message == f"duplicate rule id (first defined at {first}:2)"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("rules: [\n  {id: x\n", 3, "YAML syntax error"),
        ("rules: []\nrules: []\n", 2, "duplicate key 'rules' (first at line 1)"),
        ("rules: []\nrule_set: x\n", 2, "unknown key 'rule_set'"),
        ("- a\n- b\n", 1, "a rule file must be a mapping with a `rules` list"),
        ("rules: {id: x}\n", 1, "`rules` must be a list of rules"),
    ],
)
def test_file_level_problems(tmp_path: Path, text: str, line: int, message: str) -> None:
    write(tmp_path, text)
    problem = only_problem(tmp_path)
    assert problem.line == line
    assert problem.message.startswith(message)


def test_an_empty_or_missing_folder_is_a_problem(tmp_path: Path) -> None:
    assert only_problem(tmp_path).message == "the folder holds no .yaml rule files"
    assert only_problem(tmp_path / "nope").message == "no such policy pack folder or file"


def test_an_invalid_example_subject_is_reported_with_the_field(tmp_path: Path) -> None:
    text = GOOD_RULE + textwrap.indent(
        "examples:\n  - name: broken\n    subject: {product: {name: X}}\n    expect: review\n", "    "
    )
    write(tmp_path, text)
    found = problems(tmp_path)
    assert all((p.line, p.rule_id) == (12, "demo.rule") for p in found)
    messages = [p.message for p in found]
    assert "example 'broken': subject field product.model: is required" in messages
    assert "example 'broken': subject field security: is required" in messages


def test_examples_must_name_known_rules_and_outcomes(tmp_path: Path) -> None:
    subject = (
        "{product: {name: X, model: M, type: t}, firmware: {version: '1'}, capabilities: [], security: "
        "{unique_default_passwords: true, vulnerability_disclosure_policy: true, "
        "insecure_services_enabled: [], open_vulnerabilities: [], signed_firmware: false}}"
    )
    text = GOOD_RULE + (
        "examples:\n"
        f"  - {{gate: product_release, subject: {subject}, expect: review, must_fire: [demo.rul]}}\n"
        f"  - {{gate: product_release, subject: {subject}, expect: maybe}}\n"
        f"  - {{subject: {subject}, expect: review}}\n"
    )
    write(tmp_path, text)
    messages = sorted(problem.message for problem in problems(tmp_path))
    assert messages == [
        "example 'rules example 1': unknown rule id 'demo.rul' (did you mean 'demo.rule'?)",
        "example 2: `expect` must be one of: allow, review, deny",
        "example 3: `gate` must name one of the gates the pack applies to "
        "(sales_deal, app_launch, supplier_onboarding, product_release)",
    ]


def test_the_version_is_a_content_hash(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_PACK_DIR, tmp_path / "a")
    shutil.copytree(DEFAULT_PACK_DIR, tmp_path / "b")
    a, b = load_pack(tmp_path / "a"), load_pack(tmp_path / "b")
    assert a.version == b.version == load_pack(DEFAULT_PACK_DIR).version
    assert a.version.startswith("sha256:") and len(a.version) == len("sha256:") + 16
    target = tmp_path / "b" / "product_release.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert load_pack(tmp_path / "b").version != a.version


def test_a_single_file_can_be_loaded(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_RULE)
    assert [rule.id for rule in load_pack(path).rules] == ["demo.rule"]


def test_norway_stays_a_country_code_in_yaml(tmp_path: Path) -> None:
    write(tmp_path, GOOD_RULE.replace("severity: low", "severity: low\n    description: NO"))
    assert load_pack(tmp_path).rules[0].description == "NO"


def test_a_yaml_boolean_when_is_the_cel_literal(tmp_path: Path) -> None:
    write(tmp_path, GOOD_RULE.replace('"!subject.security.signed_firmware"', "true"))
    assert load_pack(tmp_path).rules[0].when == "true"
