"""The list readers, on the real published files and on broken ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conduct.core.screening import FORMATS, ListFormatError, ParsedList, detect_format, read_list
from conduct.core.screening.formats import parse_dates
from conduct.core.screening.formats._un import split_alias


def _entry(parsed: ParsedList, source_id: str):  # type: ignore[no-untyped-def]
    return next(entry for entry in parsed.entries if entry.source_id == source_id)


def test_ofac_sdn_folder_loads_every_entry_with_aliases_addresses_and_remarks(sdn: ParsedList) -> None:
    assert sdn.format == "ofac_sdn" and sdn.list_kind == "sanctions"
    assert len(sdn.entries) == 8976
    types = [entry.entity_type for entry in sdn.entries]
    assert (
        types.count("person"),
        types.count("organization"),
        types.count("vessel"),
        types.count("aircraft"),
    ) == (
        4620,
        3673,
        406,
        277,
    )
    kinds = [name.kind for entry in sdn.entries for name in entry.names]
    assert kinds.count("former") >= 369  # every fka from alt.csv, plus f.k.a. in remarks
    bank = _entry(sdn, "306")
    assert bank.primary_name == "BANCO NACIONAL DE CUBA"
    assert [(n.name, n.kind) for n in bank.names[1:]] == [
        ("NATIONAL BANK OF CUBA", "alias_strong"),
        ("BNC", "alias_weak"),
    ]
    assert set(bank.countries) == {"CH", "ES", "JP", "PA"}


def test_ofac_remarks_give_birth_dates_nationalities_and_weak_aliases(non_sdn: ParsedList) -> None:
    zahhar = _entry(non_sdn, "9647")
    assert zahhar.birth_dates == ("1945",)
    assert "PS" in zahhar.countries
    assert ("AL-ZAHAR, Mahmoud", "alias_weak") in [(n.name, n.kind) for n in zahhar.names]


def test_sdn_comments_continue_truncated_remarks(sdn: ParsedList) -> None:
    assert "PROMO RAIZ S.A.S." in _entry(sdn, "12300").remarks


def test_non_sdn_list_holds_hikvision_with_its_aliases(non_sdn: ParsedList) -> None:
    assert non_sdn.format == "ofac_non_sdn" and len(non_sdn.entries) == 442
    hikvision = _entry(non_sdn, "30946")
    assert hikvision.primary_name == "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."
    assert {n.name for n in hikvision.names} >= {"HIKVISION", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY"}
    assert hikvision.countries == ("CN",)
    assert ("ISIN", "CNE100000PM8") in hikvision.identifiers
    assert hikvision.programs == ("CMIC-EO13959",)


def test_un_list_reads_people_entities_alias_quality_and_dates(un: ParsedList) -> None:
    assert un.format == "un_consolidated" and un.source_date == "2026-02-27"
    assert len(un.entries) == 1003
    assert sum(entry.entity_type == "person" for entry in un.entries) == 730
    saddam = next(e for e in un.entries if e.extra.get("reference_number") == "IQi.001")
    assert saddam.primary_name == "SADDAM HUSSEIN AL-TIKRITI"
    assert saddam.birth_dates == ("1937-04-28",)
    assert ("Abu Ali", "alias_weak") in [(n.name, n.kind) for n in saddam.names]
    assert "صدام حسين التكريتي" in [n.name for n in saddam.names]
    kinds = [n.kind for entry in un.entries for n in entry.names]
    # 615 aliases as written; 28 more from 'Latin (original script: ...)' split in two and from notes
    assert kinds.count("alias_weak") == 643


def test_un_aliases_with_their_original_script_are_two_names(un: ParsedList) -> None:
    names = {n.name for entry in un.entries for n in entry.names}
    assert {"Amir Khazmat", "Амир Хазмат", "Abu Banat", "Абу Банат"} <= names
    assert {"حسن غول", "Hassan Ghul", "Hassan Gul"} <= names
    assert not any("original script" in name.casefold() for name in names)
    # brackets in one script stay part of the name
    assert "General Department of Atomic Energy (GDAE)" in names


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("Amir Khazmat (original script: Амир Хазмат)", ["Amir Khazmat", "Амир Хазмат"]),
        ("Jin Tiesan (金铁三)", ["Jin Tiesan", "金铁三"]),
        ("عبدالله السندي (Abdullah Sindhi)", ["عبدالله السندي", "Abdullah Sindhi"]),
        (
            "Hay’at Tahrir al-Sham (HTS) (هيئة تحرير الشام (original script); Hayat Tahrir al-Sham)",
            ["Hay’at Tahrir al-Sham (HTS)", "هيئة تحرير الشام", "Hayat Tahrir al-Sham"],
        ),
        ("EL PARA (COMBAT NAME)", ["EL PARA (COMBAT NAME)"]),
        ("Lom-ali Butayev (Butaev)", ["Lom-ali Butayev (Butaev)"]),
        ("華信船務(香港)有限公司", ["華信船務(香港)有限公司"]),
    ],
)
def test_split_alias(alias: str, expected: list[str]) -> None:
    assert split_alias(alias) == expected


def test_bis_denied_persons_list_is_export_control(dpl: ParsedList) -> None:
    assert dpl.format == "bis_dpl" and dpl.list_kind == "export_control"
    assert len(dpl.entries) == 581
    fuyi = next(e for e in dpl.entries if e.primary_name == "FUYI SUN")
    assert ("FRANK SUN", "alias_strong") in [(n.name, n.kind) for n in fuyi.names]
    assert all(entry.source_id.startswith("dpl-") for entry in dpl.entries)
    assert len({entry.source_id for entry in dpl.entries}) == 581


def test_csl_2019_layout_keeps_each_rows_source_and_kind(csl_2019: ParsedList) -> None:
    assert csl_2019.format == "us_csl" and len(csl_2019.entries) == 115
    assert csl_2019.list_kind == "export_control"  # mixed sources
    kinds = {entry.extra["list_kind"] for entry in csl_2019.entries}
    assert kinds == {"export_control", "sanctions"}
    entity_list = [e for e in csl_2019.entries if e.extra["source"].startswith("Entity List")]
    assert len(entity_list) == 22 and all(e.extra["list_kind"] == "export_control" for e in entity_list)
    items = list(csl_2019.index_items("csl"))
    assert {kind for _, kind, _ in items} == {"export_control", "sanctions"}


def test_csl_2025_layout_uses_the_id_column(csl_2025: ParsedList) -> None:
    assert len(csl_2025.entries) == 13
    cetc = next(e for e in csl_2025.entries if "CETC 13" in e.primary_name)
    assert cetc.extra["list_kind"] == "export_control"
    assert cetc.source_id.startswith("99ed1b05")
    rim = _entry(csl_2025, "52291")
    assert rim.birth_dates == ("1978-12-05",) and "KP" in rim.countries
    sinobright = _entry(csl_2025, "233a4d725770c81fb561ffe3842c14010c2201971d6be62eca1e613b")
    assert sinobright.primary_name == "Sinobright Import and Export Company"


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("ofac_sdn_2021", "ofac_sdn"),
        ("ofac_sdn_2021/sdn.csv", "ofac_sdn"),
        ("ofac_non_sdn_consolidated", "ofac_non_sdn"),
        ("un_consolidated/UN_consolidated.xml", "un_consolidated"),
        ("bis_dpl_2021/dpl.txt", "bis_dpl"),
        ("us_csl_samples/csl_2019_sample.csv", "us_csl"),
        ("us_csl_samples/consolidated_2025_sample.csv", "us_csl"),
    ],
)
def test_detect_format_recognises_each_published_layout(
    watchlists: Path, relative: str, expected: str
) -> None:
    assert detect_format(watchlists / relative) == expected


def test_a_partial_sdn_folder_without_sdn_csv_is_refused_with_a_reason(watchlists: Path) -> None:
    with pytest.raises(ListFormatError, match="not the primary file"):
        read_list(watchlists / "ofac_sdn_2025-02_partial")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ftm_json_lines_map_names_countries_and_dates(tmp_path: Path) -> None:
    lines = [
        {
            "id": "NK-1",
            "schema": "Person",
            "properties": {
                "name": ["Ivan Petrov"],
                "alias": ["Ivan Petroff"],
                "weakAlias": ["Vanya"],
                "previousName": ["Ivan Sidorov"],
                "nationality": ["ru"],
                "birthDate": ["1970-05-01"],
            },
        },
        {"id": "NK-2", "schema": "Company", "properties": {"name": ["Romashka OOO"], "jurisdiction": ["ru"]}},
        {"id": "NK-3", "schema": "Sanction", "properties": {"entity": ["NK-1"]}},
    ]
    path = _write(tmp_path, "entities.ftm.json", "\n".join(json.dumps(line) for line in lines) + "\n")
    assert detect_format(path) == "ftm_json"
    parsed = read_list(path, list_kind="pep")
    assert parsed.list_kind == "pep" and len(parsed.entries) == 2
    person = parsed.entries[0]
    assert [(n.name, n.kind) for n in person.names] == [
        ("Ivan Petrov", "primary"),
        ("Ivan Petroff", "alias_strong"),
        ("Ivan Sidorov", "former"),
        ("Vanya", "alias_weak"),
    ]
    assert person.countries == ("RU",) and person.birth_dates == ("1970-05-01",)
    assert parsed.notes == ("skipped 1 Sanction object(s): not a listed party",)


def test_generic_csv_keeps_unknown_columns_in_extra(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "inhouse.csv",
        "id,name,aliases,type,country,program,reason\n"
        "C-1,Acme Surveillance Ltd,Acme;ACME S.L.,company,China,internal,reseller to a sanctioned police "
        "unit\n",
    )
    parsed = read_list(path)
    assert parsed.format == "generic_csv" and parsed.list_kind == "custom"
    entry = parsed.entries[0]
    assert entry.entity_type == "organization" and entry.countries == ("CN",)
    assert [n.name for n in entry.names] == ["Acme Surveillance Ltd", "Acme", "ACME S.L."]
    assert entry.extra["reason"] == "reseller to a sanctioned police unit"


@pytest.mark.parametrize(
    ("name", "content", "fmt", "line", "reason"),
    [
        (
            "sdn.csv",
            '1,"A",individual,"X",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n2,"B",individual\n',
            "ofac_sdn",
            2,
            "expected 12 columns",
        ),
        ("sdn.csv", '1,"",individual,"X",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n', "ofac_sdn", 1, "has no name"),
        (
            "list.xml",
            '<?xml version="1.0"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n</INDIVIDUALS>\n',
            "un_consolidated",
            5,
            "bad XML",
        ),
        (
            "list.xml",
            '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<CONSOLIDATED_LIST/>\n',
            "un_consolidated",
            2,
            "refused",
        ),
        ("dpl.txt", '"Name"\t"Country"\n"A"\t"US"\n"B"\n', "bis_dpl", 3, "expected 2 columns"),
        ("csl.csv", "source,entity_number,name,alt_names,addresses\nSDN,1,,,\n", "us_csl", 2, "no name"),
        (
            "x.ftm.json",
            '{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}\n{"id": \n',
            "ftm_json",
            2,
            "invalid JSON",
        ),
        (
            "x.ftm.json",
            '{"id": "a", "schema": "Person", "properties": {"alias": []}}\n',
            "ftm_json",
            1,
            "no name",
        ),
        ("g.csv", "id,name\n1,Acme\n2,Beta,extra\n", "generic_csv", 3, "expected 2 columns"),
        ("g.csv", "id,name,type\n1,Acme,spaceship\n", "generic_csv", 2, "unknown type"),
    ],
)
def test_malformed_files_raise_list_format_error_with_the_line(
    tmp_path: Path, name: str, content: str, fmt: str, line: int, reason: str
) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(ListFormatError) as caught:
        read_list(path, format=fmt)
    assert caught.value.line == line
    assert reason in caught.value.message
    assert str(path) in str(caught.value) and f":{line}:" in str(caught.value)


def test_an_unrecognisable_file_gets_a_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.txt", "hello world\n")
    with pytest.raises(ListFormatError, match="cannot recognise"):
        detect_format(path)
    with pytest.raises(ListFormatError, match="unknown format"):
        read_list(path, format="nonsense")


def test_every_format_has_a_default_kind() -> None:
    assert set(FORMATS) == {
        "ofac_sdn",
        "ofac_non_sdn",
        "un_consolidated",
        "bis_dpl",
        "us_csl",
        "ftm_json",
        "generic_csv",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 Dec 1948", ("1948-12-10",)),
        ("Mar 1961", ("1961-03",)),
        ("circa 1955", ("1955",)),
        ("1958 to 1960", ("1958", "1959", "1960")),
        ("01 Dec 1952 to 31 Dec 1952", ("1952-12",)),
        ("06/19/2003", ("2003-06-19",)),
        ("1978-12-05", ("1978-12-05",)),
        ("unknown", ()),
    ],
)
def test_dates_are_read_as_lists_write_them(text: str, expected: tuple[str, ...]) -> None:
    assert parse_dates(text) == expected
