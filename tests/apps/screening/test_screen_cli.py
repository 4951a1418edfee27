"""`conduct screen`: one name (text or --json), and batches from a CSV into JSON lines in exactly the agreed
format, bad rows reported by line without stopping the rest."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

BATCH_KEYS = ["list", "entry_id", "name", "matched_name", "score", "explanation"]


@pytest.fixture
def flow_list(cli, flow_csv):
    assert cli("lists_load", str(flow_csv()), "--name", "t_flow", "--kind", "sanctions").code == 0


def test_one_name_prints_ranked_matches_with_their_explanation(cli, flow_list):
    ran = cli(
        "screen",
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "--type",
        "organization",
        "--country",
        "CN",
    )
    assert ran.code == 0, ran.err
    assert "1 match for 'Hangzhou Hikvision Digital Technology Co., Ltd.'" in ran.out
    assert "ofac_non_sdn 30946" in ran.out and "strong" in ran.out
    assert "hikvision~hikvision 1.00" in ran.out and "country CN matches" in ran.out


def test_one_name_as_json_gives_the_explanation_parts_and_the_entry(cli, flow_list):
    body = cli("screen", "Tian Kun Optical Trade Company", "--json").json()
    assert body["threshold"] == 0.8
    assert {"list": "t_flow", "version": 1} in body["lists"]
    [match] = [m for m in body["matches"] if m["list"] == "t_flow"]
    assert match["entry_id"] == "T-1" and match["strength"] == "potential" and 0.8 <= match["score"] < 0.95
    explanation = match["explanation"]
    assert {
        "query": "optical",
        "candidate": "optical",
        "score": 1.0,
        "weight": explanation["parts"][0]["weight"],
        "method": "exact",
    } in explanation["parts"]
    assert explanation["summary"].endswith(f"=> {match['score']:.2f}")
    assert match["entry"]["countries"] == ["CN"] and match["entry"]["programs"] == ["TEST-PROG"]


def test_a_batch_writes_one_line_per_row_in_input_order_and_reports_bad_rows_by_line(
    cli, flow_list, tmp_path
):
    names = tmp_path / "names.csv"
    names.write_text(
        "id,name,type,country,birth_date\n"
        "c-1,Tian Kun Optical Trade Company,organization,,\n"
        "c-2,Entirely Unlisted Bakery,organization,GB,\n"
        "c-3,,organization,GB,\n"  # no name
        "c-4,Ivan Sidorov,person,RU,1961\n"
        "c-5,Somebody,person,Atlantis,\n"  # no such country
        "c-6,Borealis Lens Works,organization,RU,not-a-date\n"  # bad date
        "c-7,Borealis Optics\n"  # too few columns
        "c-8,Borealis Lens Works,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "results.jsonl"
    ran = cli("screen", "--input", str(names), "--output", str(out))
    assert ran.code == 0, ran.err
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [f"c-{i}" for i in range(1, 9)]
    good = {line["id"]: line for line in lines if "error" not in line}
    assert set(good) == {"c-1", "c-2", "c-4", "c-8"}
    for line in good.values():
        assert list(line) == ["id", "matches"]
        for match in line["matches"]:
            assert list(match) == BATCH_KEYS
            assert match["score"] >= 0.8 and isinstance(match["explanation"], str)
        scores = [m["score"] for m in line["matches"]]
        assert scores == sorted(scores, reverse=True)
    assert good["c-2"]["matches"] == []
    assert [(m["list"], m["entry_id"]) for m in good["c-1"]["matches"]] == [("t_flow", "T-1")]
    first = good["c-4"]["matches"][0]
    assert (first["list"], first["entry_id"], first["name"]) == ("t_flow", "T-3", "Ivan Petrovich Sidorov")
    assert first["matched_name"] == "Ivan Petrovich Sidorov"
    bad = {line["id"]: line["error"] for line in lines if "error" in line}
    assert set(bad) == {"c-3", "c-5", "c-6", "c-7"} and all(
        list(line) == ["id", "error"] for line in lines if "error" in line
    )
    assert bad["c-3"].startswith("line 4: name") and bad["c-5"].startswith("line 6: country")
    assert (
        bad["c-6"].startswith("line 7: birth_date")
        and bad["c-7"] == "line 8: row: expected 5 columns, found 2"
    )
    for line_number in (4, 6, 7, 8):
        assert f"names.csv: line {line_number}:" in ran.err
    assert "screened 4 of 8 rows" in ran.err and "4 bad rows" in ran.err


def test_the_batch_threshold_and_limit_are_applied(cli, flow_list, tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("name,id\nTian Kun Optical Trade Company,x\n", encoding="utf-8")  # columns in any order
    out = tmp_path / "out.jsonl"
    assert cli("screen", "--input", str(names), "--output", str(out), "--threshold", "0.9").code == 0
    assert json.loads(out.read_text()) == {"id": "x", "matches": []}  # 0.87 is below 0.9
    assert (
        cli("screen", "--input", str(names), "--output", str(out), "--threshold", "0.5", "--limit", "1").code
        == 0
    )
    assert len(json.loads(out.read_text())["matches"]) == 1


def test_a_batch_without_output_writes_json_lines_to_stdout(cli, flow_list, tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("id,name\n1,Borealis Lens Works\n2,Nobody In Particular\n", encoding="utf-8")
    ran = cli("screen", "--input", str(names))
    assert ran.code == 0
    lines = [json.loads(line) for line in ran.out.splitlines()]
    assert lines[0]["matches"][0]["entry_id"] == "T-2" and lines[1] == {"id": "2", "matches": []}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give a NAME"),
        (("Some Name", "--input", "x.csv"), "not both"),
        (("Some Name", "--output", "x.jsonl"), "--output goes with --input"),
        (("Some Name", "--country", "Atlantis"), "country"),
        (("Some Name", "--type", "spaceship"), "type"),
        (("Some Name", "--threshold", "1.5"), "threshold"),
        (("--input", "/nonexistent/names.csv"), "/nonexistent/names.csv"),
    ],
)
def test_usage_and_bad_input_exit_2(cli, args, message):
    ran = cli("screen", *args)
    assert ran.code == 2 and message in ran.err, ran


def test_a_batch_input_without_the_id_and_name_columns_is_refused(cli, tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("identifier,fullname\n1,Someone\n", encoding="utf-8")
    ran = cli("screen", "--input", str(names), "--output", str(tmp_path / "out.jsonl"))
    assert ran.code == 2 and "line 1: the header lacks id, name" in ran.err


def test_a_large_batch_reports_progress_on_stderr(cli, flow_list, tmp_path, monkeypatch):
    from conduct.apps.screening.management.commands import screen

    monkeypatch.setattr(screen, "LARGE", 3)
    monkeypatch.setattr(screen, "PROGRESS_EVERY", 2)
    names = tmp_path / "names.csv"
    names.write_text("id,name\n" + "".join(f"{i},Borealis Lens Works\n" for i in range(5)), encoding="utf-8")
    ran = cli("screen", "--input", str(names), "--output", str(tmp_path / "out.jsonl"))
    assert ran.code == 0
    assert "screened 2 of 5 rows" in ran.err and "screened 4 of 5 rows" in ran.err
