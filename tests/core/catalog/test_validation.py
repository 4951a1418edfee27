"""Every kind of bad library data is reported as a problem with its file and line, and nothing loads."""

from pathlib import Path

import pytest

from conduct.core.catalog import CatalogError, Problem, load_library

from .conftest import LibraryMaker
from .samples import DEMO, MAPPING, OTHER, line_containing


def problems_in(root: Path) -> tuple[Problem, ...]:
    with pytest.raises(CatalogError) as caught:
        load_library(root)
    return caught.value.problems


def only_problem(root: Path) -> Problem:
    problems = problems_in(root)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def assert_problem(problem: Problem, file: str, line: int | None, *fragments: str) -> None:
    assert Path(problem.path).as_posix().endswith(file), problem
    assert problem.line == line, problem
    for fragment in fragments:
        assert fragment in problem.message, problem


def test_the_sample_library_is_valid(make_library: LibraryMaker) -> None:
    library = load_library(make_library())
    assert [framework.slug for framework in library.frameworks] == ["demo", "other"]
    assert len(library.mappings) == 1


def test_it_reports_yaml_syntax_errors_with_their_line(make_library: LibraryMaker) -> None:
    broken = DEMO.replace('    title: "Workers may join a union"', '    title: "Workers may join a union')
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert problem.path.endswith("demo.yaml")
    assert problem.line is not None and problem.line >= line_containing(broken, "Workers may join")
    assert "invalid YAML" in problem.message


def test_it_reports_an_unknown_key_in_a_requirement(make_library: LibraryMaker) -> None:
    broken = DEMO.replace("    check: manual\n", "    check: manual\n    owner: compliance\n")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(problem, "demo.yaml", line_containing(broken, "owner:"), "unknown key 'owner'")


def test_it_reports_an_unknown_key_in_the_framework_header(make_library: LibraryMaker) -> None:
    broken = DEMO.replace("  kind: standard\n", "  kind: standard\n  colour: blue\n")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(
        problem, "demo.yaml", line_containing(broken, "colour:"), "framework", "unknown key 'colour'"
    )


def test_it_reports_an_unknown_top_level_key(make_library: LibraryMaker) -> None:
    broken = DEMO + "appendix: []\n"
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(problem, "demo.yaml", line_containing(broken, "appendix:"), "unknown key 'appendix'")


def test_it_reports_a_missing_required_key_at_the_requirement(make_library: LibraryMaker) -> None:
    broken = DEMO.replace('    summary: "Respect freedom of association at every site."\n', "")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(
        problem,
        "demo.yaml",
        line_containing(broken, "urn:conduct:demo:D-2"),
        "missing required key 'summary'",
    )


def test_it_reports_a_missing_framework_source_list(make_library: LibraryMaker) -> None:
    broken = DEMO.replace('  sources:\n    - "Test fixture"\n', "")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(
        problem, "demo.yaml", line_containing(broken, "slug: demo"), "missing required key 'sources'"
    )


def test_it_reports_a_duplicate_yaml_key(make_library: LibraryMaker) -> None:
    broken = DEMO.replace("    dimension: labour\n", "    dimension: labour\n    dimension: security\n")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(problem, "demo.yaml", line_containing(broken, "dimension: security", 2), "duplicate key")


def test_it_reports_an_unknown_dimension(make_library: LibraryMaker) -> None:
    broken = DEMO.replace("    dimension: labour\n", "    dimension: environment\n")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(
        problem,
        "demo.yaml",
        line_containing(broken, "environment"),
        "'environment' is not one of",
        "supply_chain",
    )


def test_it_reports_the_digest_check_spelling_and_says_what_to_write(make_library: LibraryMaker) -> None:
    broken = DEMO.replace("    check: manual\n", "    check: human\n")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(
        problem, "demo.yaml", line_containing(broken, "check: human"), "automatic, assisted, manual"
    )


def test_it_reports_an_unknown_confidence(make_library: LibraryMaker) -> None:
    broken = DEMO.replace("    check: manual\n", "    check: manual\n    confidence: certain\n")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(problem, "demo.yaml", line_containing(broken, "certain"), "'certain' is not one of")


def test_it_reports_a_duplicate_urn_within_a_file(make_library: LibraryMaker) -> None:
    broken = DEMO.replace("urn:conduct:demo:D-2", "urn:conduct:demo:D-1")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(
        problem,
        "demo.yaml",
        line_containing(broken, "urn:conduct:demo:D-1", 2),
        "duplicate requirement URN urn:conduct:demo:D-1",
        f"first at line {line_containing(broken, 'urn:conduct:demo:D-1')}",
    )


def test_it_reports_ids_that_differ_only_in_letter_case(make_library: LibraryMaker) -> None:
    broken = DEMO.replace("urn:conduct:demo:D-2", "urn:conduct:demo:d-1")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(problem, "demo.yaml", line_containing(broken, "d-1"), "differs only in letter case")


def test_it_reports_a_malformed_urn(make_library: LibraryMaker) -> None:
    broken = DEMO.replace("urn:conduct:demo:D-2", "urn:conduct:demo:D 2")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(problem, "demo.yaml", line_containing(broken, "D 2"), "is not a requirement URN")


def test_it_reports_a_urn_of_another_framework(make_library: LibraryMaker) -> None:
    broken = DEMO.replace("urn:conduct:demo:D-2", "urn:conduct:other:D-2")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(
        problem, "demo.yaml", line_containing(broken, "urn:conduct:other:D-2"), "urn:conduct:demo:"
    )


def test_it_reports_a_slug_that_does_not_match_the_file_name(make_library: LibraryMaker) -> None:
    problem = only_problem(
        make_library({"demo.yaml": None, "mappings/demo__other.yaml": None, "renamed.yaml": DEMO})
    )
    assert_problem(problem, "renamed.yaml", line_containing(DEMO, "slug: demo"), "must match the file name")


def test_it_reports_a_number_where_text_is_expected(make_library: LibraryMaker) -> None:
    broken = DEMO.replace('  edition: "2026"', "  edition: 2026")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(problem, "demo.yaml", line_containing(broken, "edition: 2026"), "must be text", "quote it")


def test_it_reports_a_multi_line_title(make_library: LibraryMaker) -> None:
    broken = DEMO.replace('    title: "Workers may join a union"', '    title: "Workers may\\njoin a union"')
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(problem, "demo.yaml", line_containing(broken, "Workers may"), "single line")


def test_it_reports_an_empty_evidence_list(make_library: LibraryMaker) -> None:
    broken = DEMO.replace(
        '    evidence_examples:\n      - "Collective agreement"\n', "    evidence_examples: []\n"
    )
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(
        problem, "demo.yaml", line_containing(broken, "evidence_examples: []"), "must not be empty"
    )


def test_it_reports_a_level_missing_from_the_level_legend(make_library: LibraryMaker) -> None:
    broken = DEMO.replace('    level: "M"', '    level: "R"')
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(
        problem, "demo.yaml", line_containing(broken, 'level: "R"'), "not in the framework's level_legend"
    )


def test_it_reports_a_threshold_that_is_not_a_plain_value(make_library: LibraryMaker) -> None:
    broken = DEMO.replace("      max_hours: 48\n", "      max_hours: [40, 48]\n")
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(problem, "demo.yaml", line_containing(broken, "max_hours"), "threshold value")


def test_it_reports_an_invalid_review_date(make_library: LibraryMaker) -> None:
    broken = DEMO.replace('  reviewed: "2026-11-28"', '  reviewed: "28/11/2026"')
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(problem, "demo.yaml", line_containing(broken, "reviewed:"), "YYYY-MM-DD")


def test_it_reports_a_second_yaml_document(make_library: LibraryMaker) -> None:
    broken = DEMO + "---\nframework: {}\n"
    problem = only_problem(make_library({"demo.yaml": broken}))
    assert_problem(
        problem, "demo.yaml", line_containing(broken, "framework: {}"), "more than one YAML document"
    )


def test_it_reports_an_empty_file(make_library: LibraryMaker) -> None:
    problem = only_problem(make_library({"demo.yaml": "", "mappings/demo__other.yaml": None}))
    assert_problem(problem, "demo.yaml", None, "empty")


def test_it_reports_a_file_that_is_not_utf8(make_library: LibraryMaker) -> None:
    broken = DEMO.replace("Demo framework", "D\u00e9mo framework").encode("latin-1")
    problem = only_problem(make_library({"demo.yaml": broken, "mappings/demo__other.yaml": None}))
    assert_problem(problem, "demo.yaml", None, "not UTF-8")


def test_it_reports_a_yml_file_instead_of_ignoring_it(make_library: LibraryMaker) -> None:
    problem = only_problem(make_library({"extra.yml": OTHER}))
    assert_problem(problem, "extra.yml", None, ".yaml, not .yml")


def test_it_reports_a_missing_directory(tmp_path: Path) -> None:
    assert_problem(only_problem(tmp_path / "nowhere"), "nowhere", None, "not found")


def test_it_reports_a_library_without_frameworks(tmp_path: Path) -> None:
    assert_problem(only_problem(tmp_path), tmp_path.name, None, "no framework files")


def test_it_reports_a_mapping_to_an_unknown_urn(make_library: LibraryMaker) -> None:
    broken = MAPPING.replace("urn:conduct:other:O.1", "urn:conduct:other:O.9")
    problem = only_problem(make_library({"mappings/demo__other.yaml": broken}))
    assert_problem(
        problem,
        "mappings/demo__other.yaml",
        line_containing(broken, "O.9"),
        "unknown requirement urn:conduct:other:O.9",
    )


def test_it_reports_a_mapping_with_a_malformed_urn(make_library: LibraryMaker) -> None:
    broken = MAPPING.replace('from: "urn:conduct:demo:D-1"', 'from: "D-1"')
    problem = only_problem(make_library({"mappings/demo__other.yaml": broken}))
    assert_problem(
        problem, "mappings/demo__other.yaml", line_containing(broken, "from:"), "not a requirement URN"
    )


def test_it_reports_an_unknown_key_in_a_mapping(make_library: LibraryMaker) -> None:
    broken = MAPPING.replace("    relation: equivalent\n", "    relation: equivalent\n    weight: 3\n")
    problem = only_problem(make_library({"mappings/demo__other.yaml": broken}))
    assert_problem(
        problem, "mappings/demo__other.yaml", line_containing(broken, "weight"), "unknown key 'weight'"
    )


def test_it_reports_an_unknown_relation(make_library: LibraryMaker) -> None:
    broken = MAPPING.replace("relation: equivalent", "relation: similar")
    problem = only_problem(make_library({"mappings/demo__other.yaml": broken}))
    assert_problem(
        problem,
        "mappings/demo__other.yaml",
        line_containing(broken, "similar"),
        "equivalent, subset, related",
    )


def test_it_reports_a_mapping_without_a_source(make_library: LibraryMaker) -> None:
    broken = MAPPING.replace('    source: "Test fixture"\n', "")
    problem = only_problem(make_library({"mappings/demo__other.yaml": broken}))
    assert_problem(
        problem,
        "mappings/demo__other.yaml",
        line_containing(broken, "from:"),
        "missing required key 'source'",
    )


def test_it_reports_a_requirement_mapped_to_itself(make_library: LibraryMaker) -> None:
    broken = MAPPING.replace("urn:conduct:other:O.1", "urn:conduct:demo:D-1")
    problem = only_problem(make_library({"mappings/demo__other.yaml": broken}))
    assert_problem(problem, "mappings/demo__other.yaml", line_containing(broken, "from:"), "to itself")


def test_it_reports_the_same_pair_mapped_twice_even_reversed(make_library: LibraryMaker) -> None:
    reversed_pair = (
        '  - from: "urn:conduct:other:O.1"\n    to: "urn:conduct:demo:D-1"\n'
        '    relation: related\n    source: "Test fixture"\n'
    )
    extra = 'title: "Again"\nmappings:\n' + reversed_pair
    problem = only_problem(make_library({"mappings/zz_again.yaml": extra}))
    assert_problem(problem, "mappings/zz_again.yaml", 3, "already mapped at", "demo__other.yaml:3")


def test_it_does_not_pile_mapping_errors_onto_an_unreadable_framework_file(
    make_library: LibraryMaker,
) -> None:
    broken = OTHER.replace('  name: "Other framework"', '  name: "Other framework')
    problems = problems_in(make_library({"other.yaml": broken}))
    assert [Path(problem.path).name for problem in problems] == ["other.yaml"]
    assert "invalid YAML" in problems[0].message


def test_it_still_checks_mappings_into_a_framework_file_with_other_problems(
    make_library: LibraryMaker,
) -> None:
    other = OTHER.replace("  kind: law\n", "  kind: [law]\n")
    mapping = MAPPING.replace("urn:conduct:other:O.1", "urn:conduct:other:O.9")
    problems = problems_in(make_library({"other.yaml": other, "mappings/demo__other.yaml": mapping}))
    assert [(Path(p.path).name, p.line) for p in problems] == [
        ("demo__other.yaml", line_containing(mapping, "O.9")),
        ("other.yaml", line_containing(other, "kind:")),
    ]
    assert "framework kind must be text" in problems[1].message


def test_it_collects_every_problem_across_files_in_file_and_line_order(make_library: LibraryMaker) -> None:
    demo = DEMO.replace("    dimension: labour\n", "    dimension: environment\n").replace(
        "    check: automatic\n", "    check: auto\n"
    )
    mapping = MAPPING.replace("relation: equivalent", "relation: similar")
    problems = problems_in(make_library({"demo.yaml": demo, "mappings/demo__other.yaml": mapping}))
    assert [(Path(p.path).name, p.line) for p in problems] == [
        ("demo.yaml", line_containing(demo, "check: auto")),
        ("demo.yaml", line_containing(demo, "environment")),
        ("demo__other.yaml", line_containing(mapping, "similar")),
    ]


def test_the_error_message_lists_each_problem_as_file_and_line(make_library: LibraryMaker) -> None:
    broken = DEMO.replace("    dimension: labour\n", "    dimension: environment\n")
    root = make_library({"demo.yaml": broken})
    with pytest.raises(CatalogError) as caught:
        load_library(root)
    message = str(caught.value)
    assert message.startswith("1 problem in the framework library:")
    assert f"{root / 'demo.yaml'}:{line_containing(broken, 'environment')}: " in message
