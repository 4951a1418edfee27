"""The working-time import: SA8000 clause 7 limits per worker-week, the exact per-site report, all or
nothing with errors by row and column, findings over the threshold, and worker references kept only as keyed
hashes."""

from __future__ import annotations

import json
import os
import stat
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conduct.apps.accounts.actors import CLI
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.errors import Invalid
from conduct.apps.suppliers.models import CorrectiveAction, Finding
from conduct.apps.workforce import keys, services
from conduct.apps.workforce.models import HoursImport, WorkerWeek
from tests.apps.workforce.conftest import csv_of

# One compliant week and one over each limit, one over all three: 5 worker-weeks, 4 non-compliant.
MIXED = csv_of(
    "t-plant,W-OK,2026-03-02,40,8,1",
    "t-plant,W-REG,2026-03-02,48.5,0,1",
    "t-plant,W-OT,2026-03-02,40,12.25,2",
    "t-plant,W-REST,2026-03-02,40,0,0",
    "t-plant,W-ALL,2026-03-02,60,20,0",
    "t-office,W-OFFICE,2026-03-02,37.5,0,2",
)


def _cli(*args: str) -> str:
    out = StringIO()
    call_command("workforce_hours_import", *args, stdout=out)
    return out.getvalue()


def _file(tmp_path: Any, text: str) -> str:
    path = tmp_path / "hours.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_worker_week_over_several_limits_counts_once_as_non_compliant_and_once_per_limit(world, tmp_path):
    report = json.loads(_cli(_file(tmp_path, MIXED), "--json"))
    assert report == {
        "sites": [
            {
                "site": "t-office",
                "worker_weeks": 1,
                "non_compliant": 0,
                "over_regular": 0,
                "over_overtime": 0,
                "no_rest_day": 0,
                "compliant_share": 1.0,
            },
            {
                "site": "t-plant",
                "worker_weeks": 5,
                "non_compliant": 4,
                "over_regular": 2,
                "over_overtime": 2,
                "no_rest_day": 2,
                "compliant_share": 0.2,
            },
        ]
    }


def test_the_limits_are_the_settings_and_a_week_at_the_limit_is_compliant(world, settings):
    at_limit = csv_of("t-plant,W-1,2026-03-02,48,12,1")
    (site,) = services.hours_report(services.hours_parse(actor=CLI, text=at_limit)).sites
    assert site["non_compliant"] == 0
    settings.WORKFORCE = {**settings.WORKFORCE, "REGULAR_HOURS_MAX": 40, "REST_DAYS_MIN": 2}
    (site,) = services.hours_report(services.hours_parse(actor=CLI, text=at_limit)).sites
    assert (site["non_compliant"], site["over_regular"], site["no_rest_day"], site["over_overtime"]) == (
        1,
        1,
        1,
        0,
    )


def test_without_commit_nothing_is_stored_and_with_commit_every_week_is(world, tmp_path):
    path = _file(tmp_path, MIXED)
    before = LedgerEntry.objects.count()
    assert "nothing stored" in _cli(path)
    assert WorkerWeek.objects.filter(site__in=[world.plant, world.office]).count() == 0
    assert LedgerEntry.objects.count() == before
    _cli(path, "--commit")
    assert WorkerWeek.objects.filter(site=world.plant).count() == 5
    batch = HoursImport.objects.latest("pk")
    assert batch.rows == 6 and LedgerEntry.objects.filter(action="working_time.import").exists()


def test_worker_references_are_stored_only_as_keyed_hashes(world, tmp_path, worker_key):
    _cli(_file(tmp_path, MIXED), "--commit")
    refs = ["W-OK", "W-REG", "W-OT", "W-REST", "W-ALL", "W-OFFICE"]
    stored = set(
        WorkerWeek.objects.filter(site__in=[world.plant, world.office]).values_list("worker", flat=True)
    )
    assert stored == {keys.worker_hash(r) for r in refs}
    assert all(len(h) == 64 and h not in refs for h in stored)
    # no plain reference anywhere: not in the weeks, the import's report, the ledger, the findings
    everything = json.dumps(
        [
            list(WorkerWeek.objects.values()),
            list(HoursImport.objects.values()),
            list(LedgerEntry.objects.values("summary")),
            list(Finding.objects.values()),
            list(CorrectiveAction.objects.values()),
        ],
        default=str,
    )
    assert not [r for r in refs if r in everything]
    assert stat.S_IMODE(os.stat(worker_key).st_mode) == 0o600


def test_the_hash_is_keyed_so_the_same_reference_under_another_key_is_another_hash(world, settings, tmp_path):
    first = keys.worker_hash("W-1")
    assert keys.worker_hash("W-1") == first  # the same worker is recognised across imports
    settings.WORKFORCE = {**settings.WORKFORCE, "WORKER_KEY_PATH": tmp_path / "other.key"}
    assert keys.worker_hash("W-1") != first


def test_bad_rows_refuse_the_whole_file_naming_each_row_and_column(world, tmp_path):
    bad = csv_of(
        "t-plant,W-1,2026-03-02,40,8,1",
        "t-nowhere,W-2,2026-03-02,40,8,1",
        "t-plant,,2026-03-02,40,8,1",
        "t-plant,W-4,02/03/2026,40,8,1",
        "t-plant,W-5,2026-03-02,-1,8,1",
        "t-plant,W-6,2026-03-02,40,lots,1",
        "t-plant,W-7,2026-03-02,40,8,9",
        "t-plant,W-1,2026-03-02,41,8,1",
        "t-plant,W-9,2026-03-02,100,100,1",
        "t-plant,W-10,2999-01-05,40,8,1",
    )
    before = (WorkerWeek.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(Invalid) as caught:
        services.hours_import(actor=CLI, text=bad, commit=True)
    assert set(caught.value.fields) == {
        "row 3.site",
        "row 4.worker_ref",
        "row 5.week_start",
        "row 6.regular_hours",
        "row 7.overtime_hours",
        "row 8.rest_days",
        "row 9.worker_ref",
        "row 10.overtime_hours",
        "row 11.week_start",
    }
    assert (WorkerWeek.objects.count(), LedgerEntry.objects.count()) == before


def test_a_wrong_header_an_empty_file_and_nul_bytes_are_refused(world):
    for text, where in (
        ("site,worker,week\nt-plant,W,2026-03-02\n", "header"),
        (csv_of(), "file"),
        (csv_of("t-plant,W\x00-1,2026-03-02,40,8,1"), "row 2"),
    ):
        with pytest.raises(Invalid) as caught:
            services.hours_import(actor=CLI, text=text, commit=True)
        assert where in caught.value.fields


def test_a_week_already_imported_is_refused_by_row(world):
    services.hours_import(actor=CLI, text=csv_of("t-plant,W-1,2026-03-02,40,8,1"), commit=True)
    with pytest.raises(Invalid) as caught:
        services.hours_import(actor=CLI, text=csv_of("t-plant,W-1,2026-03-02,40,8,1"), commit=True)
    assert caught.value.fields == {"row 2.week_start": "This worker's week at this site is already imported."}


def test_a_site_over_the_threshold_gets_a_finding_and_a_corrective_action_for_its_liaison(world, settings):
    settings.WORKFORCE = {**settings.WORKFORCE, "FINDING_PERCENT": 50}
    report = services.hours_import(actor=CLI, text=MIXED, commit=True)
    assert [f["site"] for f in report.findings] == ["t-plant"]  # 80 % over; the office 0 %
    plan = CorrectiveAction.objects.get(pk=report.findings[0]["corrective_action"])
    assert plan.own_site == world.plant and plan.supplier is None
    assert plan.owner == world.plant_liaison.username and plan.status == "open"
    assert plan.finding.requirement.startswith("urn:conduct:sa8000:SA8000-7.")
    assert plan.finding.audit.own_site == world.plant and plan.finding.is_open


def test_a_site_at_or_under_the_threshold_gets_no_finding(world, settings):
    settings.WORKFORCE = {**settings.WORKFORCE, "FINDING_PERCENT": 80}
    report = services.hours_import(actor=CLI, text=MIXED, commit=True)
    assert report.findings == []
    assert not Finding.objects.filter(own_site__in=[world.plant, world.office]).exists()


def test_a_liaison_imports_only_for_the_sites_of_her_units_without_learning_others_exist(world):
    mine = csv_of("t-plant,W-1,2026-03-02,40,8,1")
    report = services.hours_import(actor=world.plant_liaison, text=mine, commit=True)
    assert report.committed
    with pytest.raises(Invalid) as caught:
        services.hours_import(actor=world.office_liaison, text=mine)
    assert caught.value.fields == {"row 2.site": "No own site 't-plant' that you may import for."}


def test_the_cli_reports_a_bad_file_on_one_line_and_fails(world, tmp_path):
    with pytest.raises(CommandError) as caught:
        _cli(_file(tmp_path, csv_of("t-plant,W-1,2026-03-02,40,8,x")))
    assert "\n" not in str(caught.value) and "row 2.rest_days" in str(caught.value)
    with pytest.raises(CommandError):
        _cli(str(tmp_path / "missing.csv"))
