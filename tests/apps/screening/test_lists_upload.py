"""Uploading a list version from the API and the lists page: the same all-or-nothing load as `conduct lists
load`, with its diff and delta screening; a malformed file is refused by line and reason while the version in
force stays; only administrators and compliance officers (`lists.load`) may upload."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.audit.models import LedgerEntry
from conduct.apps.screening import services
from conduct.apps.screening.models import Alert, WatchList, WatchListVersion

from .conftest import FLOW_ROWS, WATCHLISTS

pytestmark = pytest.mark.django_db

BROKEN = b"id,name,type\nB-1,Good Row Ltd,organization\nB-2,Bad Row Ltd,spaceship\n"
PARTY = "Tian Kun Optical Trade Company"  # a potential match for T-1 (see test_alert_flow)


def url(name: str) -> str:
    return f"/api/v1/screening/lists/{name}/versions"


def upload(client, name: str, path: Path, **fields: str):
    with path.open("rb") as handle:
        return client.post(url(name), {"file": handle, **fields})


def current(name: str) -> WatchListVersion:
    return WatchListVersion.objects.get(watch_list__name=name, is_current=True)


def zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{folder.name}/{path.name}")
    return buffer.getvalue()


def test_an_upload_creates_the_list_and_its_first_version_and_a_reload_records_the_diff(
    api_client, officer, flow_csv
):
    client = api_client(officer)
    first = upload(client, "t_up", flow_csv(), kind="sanctions")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["created"] is True and body["list"]["name"] == "t_up" and body["list"]["kind"] == "sanctions"
    assert body["list"]["format"] == "generic_csv" and body["list"]["current"]["number"] == 1
    assert (body["version"]["number"], body["version"]["entries"], body["version"]["added"]) == (1, 3, 3)
    assert (
        body["version"]["file"] == "flow.csv" and body["version"]["loaded_by"] == f"user:{officer.pk}:officer"
    )
    assert body["diff"]["added_total"] == 3 and body["diff"]["removed"] == []

    changed = FLOW_ROWS["T-1"].replace("first listed 2024", "listing amended 2025")
    new = "T-4,Gobi Relay Electronics,,organization,MN,TEST-PROG,\n"
    second = upload(client, "t_up", flow_csv(**{"T-1": changed, "T-3": None, "T-4": new}))
    assert second.status_code == 201, second.content
    version, diff = second.json()["version"], second.json()["diff"]
    assert (
        version["number"],
        version["added"],
        version["removed"],
        version["changed"],
        version["unchanged"],
    ) == (2, 1, 1, 1, 1)
    assert diff["added"] == [{"source_id": "T-4", "name": "Gobi Relay Electronics"}]
    assert diff["changed"] == [{"source_id": "T-1", "name": "Tiankun Optical Trading Company Limited"}]
    assert diff["removed"] == [{"source_id": "T-3", "name": "Ivan Petrovich Sidorov"}]
    assert current("t_up").kind == "sanctions"  # the list keeps the kind it was given
    load = LedgerEntry.objects.filter(action="screening.list_load").order_by("-seq").first()
    assert (
        load.actor == f"user:{officer.pk}:officer"
        and load.summary["list"] == "t_up"
        and load.summary["version"] == 2
    )


def test_uploading_the_version_in_force_again_changes_nothing(api_client, officer, flow_csv):
    client = api_client(officer)
    assert upload(client, "t_same_up", flow_csv()).status_code == 201
    before = LedgerEntry.objects.count()
    again = upload(client, "t_same_up", flow_csv("renamed.csv"))  # the content is what counts, as for the CLI
    assert (
        again.status_code == 200
        and again.json()["created"] is False
        and again.json()["version"]["number"] == 1
    )
    assert WatchListVersion.objects.filter(watch_list__name="t_same_up").count() == 1
    assert LedgerEntry.objects.count() == before


def test_a_reupload_with_a_changed_row_screens_the_stored_parties_in_the_background(
    api_client, officer, flow_csv, django_capture_on_commit_callbacks
):
    from conduct.apps.accounts.models import OrgUnit

    party = services.party_upsert(
        actor=SYSTEM,
        reference="customer:UP-1",
        kind="customer",
        name=PARTY,
        country="CN",
        entity_type="organization",
        org_unit=OrgUnit.objects.get(code="hq-compliance"),
    )
    client = api_client(officer)
    unlike = "T-1,Quartz Harbour Shipping Limited,,organization,PA,TEST-PROG,\n"
    with django_capture_on_commit_callbacks(execute=True) as tasks:
        assert upload(client, "t_up_flow", flow_csv(**{"T-1": unlike})).status_code == 201
    assert (
        len(tasks) == 2
    )  # the delta screening and the gates' re-check, queued once the version is committed
    assert not Alert.objects.filter(party=party, watch_list__name="t_up_flow").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "t_up_flow", flow_csv())  # T-1 now names the party's near namesake
    assert response.status_code == 201 and response.json()["version"]["changed"] == 1
    assert response.json()["diff"]["changed"][0]["source_id"] == "T-1"
    alert = Alert.objects.get(party=party, watch_list__name="t_up_flow", source_id="T-1")
    assert (alert.status, alert.entry_version.number) == ("open", 2)
    delta = LedgerEntry.objects.filter(action="screening.delta_screen").order_by("-seq").first()
    assert delta.summary["entries_screened"] == 1 and delta.summary["opened"] == 1
    assert WatchList.objects.get(name="t_up_flow").screened_version_id == current("t_up_flow").pk


def test_a_malformed_file_answers_422_with_the_line_and_the_version_in_force_stays(
    api_client, officer, flow_csv
):
    client = api_client(officer)
    assert upload(client, "t_bad_up", flow_csv()).status_code == 201
    before = (LedgerEntry.objects.count(), WatchListVersion.objects.count())
    response = client.post(url("t_bad_up"), {"file": SimpleUploadedFile("broken.csv", BROKEN)})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "malformed_list" and error["fields"]["line"] == "3"
    assert error["fields"]["file"] == "line 3: unknown type 'spaceship'"
    assert (
        error["message"] == "broken.csv: line 3: unknown type 'spaceship'"
    )  # the upload's name, not a temp path
    assert current("t_bad_up").number == 1
    assert (LedgerEntry.objects.count(), WatchListVersion.objects.count()) == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"file": SimpleUploadedFile("empty.csv", b"")}, "file"),
        ({}, "file"),
        ({"file": SimpleUploadedFile("flow.csv", b"id,name\nA-1,X\n"), "kind": "nonsense"}, "kind"),
        ({"file": SimpleUploadedFile("flow.csv", b"id,name\nA-1,X\n"), "format": "nonsense"}, "format"),
        ({"file": SimpleUploadedFile("bad.zip", b"PK\x03\x04 not really a zip")}, "file"),
    ],
)
def test_bad_uploads_answer_422_naming_the_field(api_client, officer, fields, field):
    response = api_client(officer).post(url("t_refused"), fields)
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not WatchList.objects.filter(name="t_refused").exists()


def test_the_path_names_the_list_and_a_list_keeps_its_format(api_client, officer, flow_csv):
    client = api_client(officer)
    bad_name = upload(client, "Not_A_Slug", flow_csv())
    assert bad_name.status_code == 422 and "list_name" in bad_name.json()["error"]["fields"]
    dpl = upload(client, "internal_blocklist", WATCHLISTS / "bis_dpl_2021" / "dpl.txt")
    assert dpl.status_code == 422 and "holds generic_csv files" in dpl.json()["error"]["fields"]["format"]


def test_a_zip_of_an_ofac_folder_loads_as_the_cli_loads_the_folder(api_client, admin, cli_without_tasks):
    folder = WATCHLISTS / "ofac_non_sdn_consolidated"
    response = api_client(admin).post(
        url("t_non_sdn_up"), {"file": SimpleUploadedFile("ofac_non_sdn_consolidated.zip", zipped(folder))}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["list"]["format"] == "ofac_non_sdn" and body["version"]["entries"] == 442
    assert body["version"]["file"] == "ofac_non_sdn_consolidated"
    # the same files: the folder is the version in force already
    ran = cli_without_tasks("lists_load", str(folder), "--name", "t_non_sdn_up")
    assert ran.code == 0 and "nothing loaded" in ran.out


def test_a_zip_member_never_escapes_the_upload_folder(api_client, officer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escape.csv", "id,name\nZ-1,Zip Slip Trading\n")
    response = api_client(officer).post(
        url("t_zip_one"), {"file": SimpleUploadedFile("one.zip", buffer.getvalue())}
    )
    assert response.status_code == 201, response.content
    assert response.json()["version"]["file"] == "escape.csv" and response.json()["version"]["entries"] == 1


def test_a_file_over_the_limit_answers_413(api_client, officer, settings, flow_csv):
    settings.CONDUCT = {**settings.CONDUCT, "SCREENING_UPLOAD_MAX_BYTES": 100}
    response = upload(api_client(officer), "t_big", flow_csv())
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large" and "100 bytes" in error["fields"]["file"]
    assert not WatchList.objects.filter(name="t_big").exists()


def test_a_multipart_file_is_not_bound_by_the_request_body_limit(api_client, officer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096  # what a JSON body may be; files have their own limit
    rows = "".join(f"L-{n},Listed Company Number {n} Ltd,,organization,CN,TEST,\n" for n in range(400))
    content = ("id,name,aliases,type,country,program,remarks\n" + rows).encode()
    assert len(content) > 4 * 4096
    response = api_client(officer).post(url("t_long"), {"file": SimpleUploadedFile("long.csv", content)})
    assert response.status_code == 201, response.content
    assert response.json()["version"]["entries"] == 400


def test_the_file_may_come_as_json_base64(api_client, officer, bearer, flow_csv):
    content = base64.b64encode(flow_csv().read_bytes()).decode()
    response = api_client().post(
        url("t_json_up"),
        json.dumps({"filename": "flow.csv", "content_base64": content, "kind": "custom"}),
        content_type="application/json",
        **bearer(officer),
    )
    assert response.status_code == 201, response.content
    assert response.json()["version"]["entries"] == 3 and response.json()["list"]["kind"] == "custom"


@pytest.mark.parametrize("who", ["auditor", "analyst", "liaison_uk"])
def test_only_administrators_and_compliance_officers_upload(api_client, cast, flow_csv, who):
    before = LedgerEntry.objects.count()
    response = upload(api_client(cast(who)), "t_forbidden", flow_csv())
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert not WatchList.objects.filter(name="t_forbidden").exists() and LedgerEntry.objects.count() == before


# --- the lists page ----------------------------------------------------------------------------------


def test_an_officer_uploads_from_the_lists_page(api_client, officer, flow_csv):
    client = api_client(officer)
    page = client.get("/screening/lists/").content.decode()
    assert "Upload a list version" in page and 'enctype="multipart/form-data"' in page
    assert 'name="csrfmiddlewaretoken"' in page

    with flow_csv().open("rb") as handle:
        done = client.post(
            "/screening/lists/", {"file": handle, "new_name": "t_page_up", "kind": "forced_labour"}
        )
    assert done.status_code == 302 and done["Location"] == "/screening/lists/t_page_up/"
    shown = client.get(done["Location"]).content.decode()
    assert "Loaded t_page_up version 1: 3 entries, the first version." in shown
    assert current("t_page_up").kind == "forced_labour"

    changed = FLOW_ROWS["T-2"].replace("Borealis Optics", "Borealis Optic Systems")
    with flow_csv(**{"T-2": changed, "T-3": None}).open("rb") as handle:
        again = client.post("/screening/lists/", {"file": handle, "list": "t_page_up"}, follow=True)
    text = again.content.decode()
    assert "Loaded t_page_up version 2: 2 entries, +0 added, −1 removed, ~1 changed, 1 unchanged." in text
    assert "What version 2 changed" in text

    with flow_csv(**{"T-2": changed, "T-3": None}).open("rb") as handle:
        same = client.post("/screening/lists/", {"file": handle, "list": "t_page_up"}, follow=True)
    assert "version 2&#x27;s already" in same.content.decode() and current("t_page_up").number == 2


def test_the_page_shows_what_is_wrong_and_loads_nothing(api_client, officer, flow_csv):
    client = api_client(officer)
    broken = client.post(
        "/screening/lists/", {"file": SimpleUploadedFile("broken.csv", BROKEN), "new_name": "t_page_bad"}
    )
    text = broken.content.decode()
    assert broken.status_code == 422 and "broken.csv: line 3: unknown type &#x27;spaceship&#x27;" in text
    assert 'aria-invalid="true" aria-describedby="e-file"' in text
    assert 'value="t_page_bad"' in text  # the form keeps what was typed
    assert not WatchList.objects.filter(name="t_page_bad").exists()

    unnamed = client.post("/screening/lists/", {"file": SimpleUploadedFile("flow.csv", b"id,name\nA-1,X\n")})
    assert (
        unnamed.status_code == 422
        and "Name the new list, or choose an existing list above." in unnamed.content.decode()
    )
    both = client.post(
        "/screening/lists/",
        {"file": SimpleUploadedFile("flow.csv", b"id,name\nA-1,X\n"), "list": "uflpa", "new_name": "t_other"},
    )
    assert both.status_code == 422 and "Leave this empty" in both.content.decode()
    wrong_name = client.post(
        "/screening/lists/",
        {"file": SimpleUploadedFile("flow.csv", b"id,name\nA-1,X\n"), "new_name": "Not A Slug"},
    )
    assert (
        wrong_name.status_code == 422
        and 'id="e-new-name">Use 1-60 lower-case letters' in wrong_name.content.decode()
    )
    assert WatchListVersion.objects.filter(watch_list__name="uflpa").count() == 1


def test_the_list_page_links_to_the_upload_form_with_the_list_chosen(api_client, officer, analyst):
    page = api_client(officer).get("/screening/lists/uflpa/").content.decode()
    assert 'href="/screening/lists/?list=uflpa#upload"' in page
    form = api_client(officer).get("/screening/lists/?list=uflpa").content.decode()
    assert '<option value="uflpa" selected>' in form
    assert "#upload" not in api_client(analyst).get("/screening/lists/uflpa/").content.decode()


def test_analysts_and_auditors_see_no_form_and_cannot_post_one(api_client, analyst, auditor, flow_csv):
    for user in (analyst, auditor):
        client = api_client(user)
        page = client.get("/screening/lists/")
        assert page.status_code == 200 and "Upload a list version" not in page.content.decode()
        assert 'name="file"' not in page.content.decode()
        with flow_csv().open("rb") as handle:
            assert (
                client.post("/screening/lists/", {"file": handle, "new_name": "t_page_no"}).status_code == 403
            )
    assert not WatchList.objects.filter(name="t_page_no").exists()


def test_the_page_form_is_csrf_protected(officer, flow_csv):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    with flow_csv().open("rb") as handle:
        assert client.post("/screening/lists/", {"file": handle, "new_name": "t_csrf"}).status_code == 403
    assert not WatchList.objects.filter(name="t_csrf").exists()
