"""`conduct lists load` reads every official format from the real files, versions reloads with their diff, and
rejects a malformed file by line and reason while the previous version stays in force."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.screening.models import WatchList, WatchListEntry, WatchListVersion

from .conftest import FLOW_ROWS, WATCHLISTS

pytestmark = pytest.mark.django_db


def current(name: str) -> WatchListVersion:
    return WatchListVersion.objects.get(watch_list__name=name, is_current=True)


@pytest.mark.parametrize(
    ("path", "name", "fmt", "kind", "entries"),
    [
        ("ofac_non_sdn_consolidated", "t_non_sdn", "ofac_non_sdn", "sanctions", 442),
        ("bis_dpl_2021/dpl.txt", "t_dpl", "bis_dpl", "export_control", 581),
        ("us_csl_samples/csl_2019_sample.csv", "t_csl_2019", "us_csl", "export_control", 115),
        ("us_csl_samples/consolidated_2025_sample.csv", "t_csl_2025", "us_csl", "export_control", 13),
    ],
)
def test_each_official_format_loads_from_the_real_file_with_its_format_detected(
    cli, path, name, fmt, kind, entries
):
    ran = cli("lists_load", str(WATCHLISTS / path), "--name", name)
    assert ran.code == 0, ran.err
    assert f"Loaded {name} version 1 ({fmt}, {kind}): {entries} entries" in ran.out
    version = current(name)
    assert (version.watch_list.format, version.kind, version.entry_count, version.added_count) == (
        fmt,
        kind,
        entries,
        entries,
    )
    assert version.entries.count() == entries
    assert LedgerEntry.objects.filter(action="screening.list_load", object_id=str(version.pk)).exists()


def test_the_large_un_and_sdn_files_load_with_stable_ids_and_every_name(cli_without_tasks):
    # (delta screening of the stored parties is left out here: it builds a 9,000-entry index)
    un = cli_without_tasks(
        "lists_load", str(WATCHLISTS / "un_consolidated" / "UN_consolidated.xml"), "--name", "t_un"
    )
    sdn = cli_without_tasks("lists_load", str(WATCHLISTS / "ofac_sdn_2021"), "--name", "t_sdn")
    assert un.code == 0 and sdn.code == 0, (un.err, sdn.err)
    un_version, sdn_version = current("t_un"), current("t_sdn")
    assert un_version.watch_list.format == "un_consolidated" and un_version.entry_count == 1003
    assert un_version.source_date == "2026-02-27"
    assert sdn_version.watch_list.format == "ofac_sdn" and sdn_version.entry_count == 8976
    # the source's own ids (UN DATAID, OFAC ent_num) and all names with their kinds
    badege = un_version.entries.get(source_id="6907993")
    assert badege.primary_name == "ERIC BADEGE" and badege.entity_type == "person"
    assert badege.countries == ["CD", "RW"] and badege.birth_dates == ["1971"] and badege.programs == ["DRC"]
    hamas = sdn_version.entries.get(source_id="4695")
    kinds = {n["kind"] for n in hamas.names}
    assert hamas.primary_name == "HAMAS" and len(hamas.names) == 12 and kinds == {"primary", "alias_strong"}
    assert hamas.programs == ["FTO", "SDGT"]


def test_an_ftm_json_lines_file_and_a_generic_csv_load_with_their_kinds(cli, tmp_path, flow_csv):
    ftm = tmp_path / "entities.ftm.json"
    ftm.write_text(
        "\n".join(
            json.dumps(line)
            for line in [
                {
                    "id": "os-1",
                    "schema": "Person",
                    "properties": {
                        "name": ["Ivan Petrov"],
                        "alias": ["Ivan Petroff"],
                        "weakAlias": ["Vanya"],
                        "nationality": ["ru"],
                        "birthDate": ["1970-05-01"],
                        "topics": ["role.pep"],
                    },
                },
                {
                    "id": "os-2",
                    "schema": "Company",
                    "properties": {"name": ["Romashka OOO"], "jurisdiction": ["ru"]},
                },
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    ran = cli("lists_load", str(ftm), "--name", "t_peps", "--kind", "pep")
    assert ran.code == 0, ran.err
    version = current("t_peps")
    assert (version.watch_list.format, version.kind, version.entry_count) == ("ftm_json", "pep", 2)
    petrov = version.entries.get(source_id="os-1")
    assert [(n["name"], n["kind"]) for n in petrov.names] == [
        ("Ivan Petrov", "primary"),
        ("Ivan Petroff", "alias_strong"),
        ("Vanya", "alias_weak"),
    ]
    assert petrov.birth_dates == ["1970-05-01"] and petrov.list_kind == "pep"

    ran = cli("lists_load", str(flow_csv("uflpa_extra.csv")), "--kind", "forced_labour")
    assert ran.code == 0, ran.err
    version = current("uflpa_extra")  # named after the file when --name is not given
    assert (version.watch_list.format, version.kind, version.entry_count) == (
        "generic_csv",
        "forced_labour",
        3,
    )
    assert version.entries.get(source_id="T-2").names == [
        {"name": "Borealis Lens Works", "kind": "primary"},
        {"name": "Borealis Optics", "kind": "alias_strong"},
    ]


def test_a_reload_makes_a_new_version_with_the_diff_of_added_removed_and_changed_entries(cli, flow_csv):
    assert cli("lists_load", str(flow_csv()), "--name", "t_diff").code == 0
    changed = FLOW_ROWS["T-1"].replace("first listed 2024", "listing amended 2025")
    new = "T-4,Gobi Relay Electronics,,organization,MN,TEST-PROG,\n"
    ran = cli("lists_load", str(flow_csv(**{"T-1": changed, "T-3": None, "T-4": new})), "--name", "t_diff")
    assert ran.code == 0, ran.err
    assert "version 2" in ran.out and "+1 added, -1 removed, ~1 changed, 1 unchanged" in ran.out
    version = current("t_diff")
    assert (
        version.number,
        version.added_count,
        version.removed_count,
        version.changed_count,
        version.unchanged_count,
    ) == (2, 1, 1, 1, 1)
    assert version.removed == [{"source_id": "T-3", "name": "Ivan Petrovich Sidorov"}]
    assert dict(version.entries.values_list("source_id", "change")) == {
        "T-1": "changed",
        "T-2": "unchanged",
        "T-4": "added",
    }
    assert WatchListVersion.objects.filter(watch_list__name="t_diff", is_current=True).count() == 1
    shown = cli("lists_show", "t_diff", "--json").json()["lists"][0]
    assert shown["current"]["version"] == 2 and [v["version"] for v in shown["versions"]] == [2, 1]
    assert (shown["current"]["added"], shown["current"]["removed"], shown["current"]["changed"]) == (1, 1, 1)


def test_loading_the_same_file_again_keeps_the_version_in_force(cli, flow_csv):
    path = flow_csv()
    assert cli("lists_load", str(path), "--name", "t_same").code == 0
    ran = cli("lists_load", str(path), "--name", "t_same")
    assert ran.code == 0 and "nothing loaded" in ran.out
    assert WatchListVersion.objects.filter(watch_list__name="t_same").count() == 1


def test_a_malformed_file_is_rejected_with_line_and_reason_and_the_previous_version_stays(
    cli, flow_csv, tmp_path
):
    assert cli("lists_load", str(flow_csv()), "--name", "t_bad").code == 0
    before = (WatchListEntry.objects.count(), LedgerEntry.objects.count())
    bad = tmp_path / "broken.csv"
    bad.write_text(
        "id,name,type\nB-1,Good Row Ltd,organization\nB-2,Bad Row Ltd,spaceship\n", encoding="utf-8"
    )
    ran = cli("lists_load", str(bad), "--name", "t_bad")
    assert ran.code == 1
    assert "line 3" in ran.err and "unknown type 'spaceship'" in ran.err
    assert current("t_bad").number == 1
    assert (WatchListEntry.objects.count(), LedgerEntry.objects.count()) == before


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("id,name\nA-1,Fine\nA-1,Again\n", 3, "appears twice"),
        ("id,name\nA-1,\n", 2, "has no name"),
        ('id,name\nA-1,"unterminated\n', 2, "malformed CSV"),
        ("name,country\nX,CN\n", 1, "cannot recognise the list format"),
    ],
)
def test_each_malformed_generic_csv_names_its_line(cli, tmp_path, content, line, reason):
    path = tmp_path / "custom.csv"
    path.write_text(content, encoding="utf-8")
    ran = cli("lists_load", str(path), "--name", "t_malformed", "--kind", "custom")
    assert ran.code == 1, ran
    assert f"line {line}" in ran.err and reason in ran.err
    assert not WatchList.objects.filter(name="t_malformed").exists()


def test_usage_errors_exit_2(cli, flow_csv):
    assert cli("lists_load", str(flow_csv()), "--kind", "nonsense").code == 2
    assert cli("lists_load", str(flow_csv()), "--name", "Not A Slug").code == 2
    # a list keeps its format: a DPL file is not the next version of a generic CSV list
    assert cli("lists_load", str(flow_csv()), "--name", "t_fmt").code == 0
    ran = cli("lists_load", str(WATCHLISTS / "bis_dpl_2021" / "dpl.txt"), "--name", "t_fmt")
    assert ran.code == 2 and "holds generic_csv files" in ran.err
    assert cli("lists_load", str(Path("/nonexistent/list.csv")), "--name", "t_missing").code == 1


def test_lists_show_lists_what_is_loaded(cli):
    ran = cli("lists_show")
    assert ran.code == 0
    for name in ("ofac_non_sdn", "bis_dpl", "uflpa", "internal_blocklist"):
        assert name in ran.out
    data = cli("lists_show", "--json").json()
    demo = {item["name"]: item for item in data["lists"]}
    assert demo["uflpa"]["kind"] == "forced_labour" and demo["uflpa"]["current"]["entries"] == 17
    assert cli("lists_show", "no_such_list").code == 2
