"""Searching an index of real lists: retrieval, ranking, adjustments in results."""

from __future__ import annotations

from conduct.core.screening import ALERT_THRESHOLD, EntryName, ListEntry, NameIndex, Query, Screener, search


def test_hikvision_is_found_by_its_short_name_and_its_chinese_legal_form(small_index: NameIndex) -> None:
    screener = Screener(small_index)
    for name in (
        "Hikvision",
        "Hangzhou Hikvision Digital Technology Co Ltd",
        "HANGZHOU HIKVISION DIGITAL TECHNOLOGY LLC",
    ):
        matches = screener.search(Query(name, entity_type="organization", country="CN"))
        assert matches and matches[0].source_id == "30946", name
        assert matches[0].list_id == "ofac_non_sdn" and matches[0].list_kind == "sanctions"


def test_a_typo_and_reordering_still_find_the_listed_person(small_index: NameIndex) -> None:
    matches = search(small_index, Query("AL-TIKRITI, Sadam Husein", birth_date="1937"))
    assert matches and matches[0].entry_name == "SADDAM HUSSEIN AL-TIKRITI"
    assert any(a.code == "birth_date" and a.delta > 0 for a in matches[0].explanation.adjustments)


def test_arabic_script_query_finds_the_latin_listing(small_index: NameIndex) -> None:
    matches = search(small_index, "صدام حسين التكريتي")
    assert matches and matches[0].entry_name == "SADDAM HUSSEIN AL-TIKRITI"


def test_results_are_at_or_above_the_threshold_and_best_first(small_index: NameIndex) -> None:
    matches = search(small_index, "Mohammed Ali")
    assert all(m.score >= ALERT_THRESHOLD for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert search(small_index, "Completely Unrelated Bakery Gmbh") == []


def test_the_index_scores_candidates_not_the_whole_list(small_index: NameIndex) -> None:
    from conduct.core.screening import analyse_name

    proposed = small_index.candidates(analyse_name("Hikvision"), 160)
    assert 0 < len(proposed) < len(small_index) / 20


def test_adjustments_for_type_country_and_birth_date_appear_in_the_explanation() -> None:
    index = NameIndex(
        [
            ("test", "sanctions", ListEntry("1", "vessel", (EntryName("OCEAN STAR"),), countries=("IR",))),
            (
                "test",
                "sanctions",
                ListEntry("2", "person", (EntryName("John Smith"),), birth_dates=("1950",)),
            ),
        ]
    )
    screener = Screener(index, threshold=0.0)
    vessel = screener.search(Query("Ocean Star", entity_type="person", country="FR"))[0]
    codes = {a.code: a.delta for a in vessel.explanation.adjustments}
    assert codes["entity_type"] < 0 and codes["country"] < 0
    assert vessel.score < vessel.explanation.name_score
    person = screener.search(Query("John Smith", birth_date="1990-01-01"))[0]
    assert person.explanation.adjustments[0].code == "birth_date" and person.score < ALERT_THRESHOLD


def test_matches_carry_the_entry_and_the_matched_alias(small_index: NameIndex) -> None:
    match = search(small_index, "HIKVISION")[0]
    assert match.matched_name == "HIKVISION" and match.matched_name_kind == "alias_strong"
    assert match.entry.source_id == "30946" and match.strength == "strong"
