"""The internal rewrite that makes rules fast: chains to variables, projections, unrolled for_each."""

from __future__ import annotations

from conduct.core.policy._compile import Node, expand, project, read_paths, rewrite, tokenize, unroll


def test_strings_and_comments_are_not_code() -> None:
    tokens = tokenize("""facts.x == "facts.y // z" && r'\\d' != '''a'b''' // facts.comment\n && true""")
    assert [t.text for t in tokens if t.kind == "ident"] == ["facts", "x", "true"]
    assert read_paths("'subject.a' + subject.b // subject.c", {"subject"}) == ("subject.b",)


def test_root_chains_become_variables() -> None:
    result = rewrite("subject.security.signed_firmware && facts.capabilities.high.size() > 0")
    assert result.source == "_p_subject__security__signed_firmware && _p_facts__capabilities__high.size() > 0"
    assert set(result.variables) == {"subject.security.signed_firmware", "facts.capabilities.high"}
    assert result.variables["facts.capabilities.high"].size_only


def test_has_becomes_a_presence_flag() -> None:
    result = rewrite("has(subject.crm.tier) && subject.crm.tier == 'key'")
    assert result.source == "_h_subject__crm__tier && _p_subject__crm__tier == 'key'"
    assert result.presence == {"_h_subject__crm__tier": "subject.crm.tier"}


def test_comprehensions_read_only_the_fields_they_use() -> None:
    result = rewrite("facts.parties.exists(p, p.government && p.country_risk.high_hr_risk)")
    assert result.exact
    node = result.variables["facts.parties"]
    element = node.children["[]"]
    assert set(element.children) == {"government", "country_risk"}
    parties = [{"government": True, "name": "A", "country_risk": {"high_hr_risk": False, "name": "X"}}]
    assert project(parties, node) == [{"government": True, "country_risk": {"high_hr_risk": False}}]


def test_what_cannot_be_followed_is_kept_whole() -> None:
    assert not rewrite("facts.parties.filter(p, p.x).exists(q, q.y)").exact
    assert rewrite("subject == null").whole_roots == {"subject"}
    assert rewrite("facts.parties[0].name == 'a'").variables["facts.parties"].whole
    bare = rewrite("facts.parties.exists(p, p == {})").variables["facts.parties"]
    assert bare.children["[]"].whole


def test_projection_keeps_missing_keys_missing_and_map_sizes_whole() -> None:
    node = Node(children={"a": Node(whole=True)})
    assert project({"b": 1}, node) == {}
    assert project({"a": 1, "b": 2}, Node(size_only=True)) == {"a": 1, "b": 2}
    assert project([1, 2, 3], Node(size_only=True)) == [None, None, None]


def test_for_each_is_unrolled_by_index() -> None:
    unrolled = unroll("party.government && facts.exporter.in_eu", "party", "facts.parties")
    assert unrolled is not None
    assert unrolled.source(2) == (
        "[(_p_facts__parties[0].government && _p_facts__exporter__in_eu), "
        "(_p_facts__parties[1].government && _p_facts__exporter__in_eu)]"
    )
    assert unroll("facts.items.exists(party, party.sku == 'x')", "party", "facts.parties") is None


def test_exists_and_all_over_lists_are_written_out() -> None:
    expanded = expand(
        rewrite("facts.categories.exists(c, c in ['pcb']) && !facts.valid_standards.all(s, s != 'x')").source
    )
    assert expanded is not None
    assert expanded.paths == ("facts.categories", "facts.valid_standards")
    assert expanded.source({"facts.categories": 2, "facts.valid_standards": 0}) == (
        "((_p_facts__categories[0] in ['pcb']) || (_p_facts__categories[1] in ['pcb'])) && !true"
    )


def test_expansion_leaves_shadowed_names_and_long_lists_to_the_comprehension() -> None:
    assert expand(rewrite("facts.a.exists(x, facts.b.exists(x, x))").source).paths == ("facts.b",)
    expanded = expand(rewrite("facts.items.exists(i, i.quantity > 1)").source)
    assert expanded.program((17,), lambda source: source) is None
    assert expanded.program((-1,), lambda source: source) is None  # not a list: exists over a map's keys
    assert expanded.program((2,), lambda source: source) == (
        "((_p_facts__items[0].quantity > 1) || (_p_facts__items[1].quantity > 1))"
    )


def test_a_generated_form_that_does_not_compile_falls_back() -> None:
    def refuse(source: str) -> None:
        raise ValueError(source)

    assert expand(rewrite("facts.items.exists(i, true)").source).program((1,), refuse) is None
    assert unroll("x.ok", "x", "facts.items").program(9, refuse) is None
