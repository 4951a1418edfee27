"""Screening pages: the alert queue, an alert with its side-by-side explanation and review, the lists and
their diffs (with the form to upload a list version), the stored parties, and a search form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps.accounts.actors import request_actor
from conduct.apps.audit.selectors import object_history
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.screening import selectors, services
from conduct.apps.screening.models import (
    Alert,
    AlertStatus,
    EntityType,
    ListFormat,
    ListKind,
    PartyKind,
    Strength,
    WatchList,
)
from conduct.apps.screening.ownership import party_ownership
from conduct.apps.screening.serialize import match_dict
from conduct.core.screening import ALERT_THRESHOLD, STRONG_THRESHOLD


def _choice(value: str | None, allowed: list[str], label: str, errors: list[str]) -> str | None:
    if not value:
        return None
    if value not in allowed:
        errors.append(f"Unknown {label} {value!r}.")
        return None
    return value


@login_required
def alert_queue_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    errors: list[str] = []
    names = list(selectors.watchlist_list(actor=actor).values_list("name", flat=True))
    # The queue opens on the open alerts; choosing "any status" (status=) shows them all.
    status = request.GET.get("status") if "status" in request.GET else ("open" if not request.GET else None)
    filters = selectors.AlertFilters(
        status=_choice(status, AlertStatus.values, "status", errors),
        list_name=_choice(request.GET.get("list"), names, "list", errors),
        strength=_choice(request.GET.get("strength"), Strength.values, "strength", errors),
        kind=_choice(request.GET.get("kind"), PartyKind.values, "party kind", errors),
        party=(request.GET.get("party") or "").strip()[:200] or None,
    )
    page = Paginator(
        selectors.alert_list(actor=actor, filters=filters).order_by("-updated_at", "-id"), 50
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "errors": errors,
        "filters": {**request.GET.dict(), "status": status or ""},
        "statuses": AlertStatus.choices,
        "strengths": Strength.choices,
        "kinds": PartyKind.choices,
        "lists": names,
        "counts": selectors.alert_counts(actor=actor),
    }
    template = "screening/_alert_rows.html" if getattr(request, "htmx", False) else "screening/alerts.html"
    return render(request, template, context)


def _name_rows(alert: Alert) -> list[dict[str, Any]]:
    """The side-by-side rows of the names: the one that matched, the primary names, the other names."""
    party, entry = alert.party, alert.entry
    names = entry.get("names", [])
    return [
        {
            "label": _("Name that matched"),
            "party": alert.party_name,
            "entry": f"{alert.matched_name} ({alert.matched_name_kind.replace('_', ' ')})",
            "compared": _("score %(score)s") % {"score": f"{alert.score:.2f}"},
        },
        {"label": _("Name"), "party": party.name, "entry": entry.get("primary_name", ""), "compared": ""},
        {
            "label": _("Other names"),
            "party": "; ".join(party.aliases) or "—",
            "entry": "; ".join(f"{n['name']} ({n['kind'].replace('_', ' ')})" for n in names[1:]) or "—",
            "compared": "",
        },
    ]


def _compared(ours: str, theirs: list[str]) -> str:
    """Whether the party's value agrees with the list entry's (a prefix either way counts as the same)."""
    if not ours or not theirs:
        return _("not compared")
    return _("same") if any(t.startswith(ours) or ours.startswith(t) for t in theirs) else _("differs")


def _side_by_side(alert: Alert) -> list[dict[str, Any]]:
    party, entry = alert.party, alert.entry
    countries, births = entry.get("countries", []), entry.get("birth_dates", [])
    entity = entry.get("entity_type", "")
    not_given = _("not given")
    return [
        *_name_rows(alert),
        {
            "label": _("Type"),
            "party": party.entity_type or not_given,
            "entry": entity or "—",
            "compared": _("not compared")
            if not party.entity_type or entity in ("", "unknown")
            else (_("same") if party.entity_type == entity else _("differs")),
        },
        {
            "label": _("Countries"),
            "party": party.country or not_given,
            "entry": ", ".join(countries) or "—",
            "compared": _compared(party.country, countries),
        },
        {
            "label": _("Date of birth"),
            "party": party.birth_date or not_given,
            "entry": ", ".join(births) or "—",
            "compared": _compared(party.birth_date, births),
        },
        {
            "label": _("Identifiers"),
            "party": "—",
            "entry": "; ".join(f"{s}: {v}" for s, v in entry.get("identifiers", [])) or "—",
            "compared": "",
        },
        {
            "label": _("Programmes"),
            "party": "—",
            "entry": ", ".join(entry.get("programs", [])) or "—",
            "compared": "",
        },
        {"label": _("Remarks"), "party": "—", "entry": entry.get("remarks") or "—", "compared": ""},
        {
            "label": _("Record"),
            "party": f"{party.get_kind_display()} {party.reference} ({party.org_unit.name})",
            "entry": _("%(list)s, entry %(entry)s, version %(version)s")
            % {
                "list": alert.watch_list.title,
                "entry": alert.source_id,
                "version": alert.entry_version.number,
            },
            "compared": "",
        },
    ]


def _alert_page(
    request: HttpRequest, alert: Alert, *, form: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "alert": alert,
        "rows": _side_by_side(alert),
        "explanation": alert.explanation,
        # what the 50 % rule decides for the party, and which owners and shares decide it
        "ownership": party_ownership(alert.party),
        "history": list(selectors.alert_history(alert=alert)),
        "ledger": object_history(actor=actor, object_type="screening_alert", object_id=alert.pk),
        "is_closed": alert.status == AlertStatus.CLOSED,
        "status_choices": AlertStatus.choices,  # a status in the reader's language
        "form": form or {"decision": "", "reason": "", "errors": {}, "message": ""},
        "decisions": [
            ("confirm", _("Confirm: a true match")),
            ("dismiss", _("Dismiss: not this party")),
            ("escalate", _("Escalate to the compliance officers (opens a case)")),
        ],
    }
    return render(request, "screening/alert.html", context, status=status)


@login_required
def alert_detail_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    actor = request_actor(request)
    return _alert_page(request, selectors.alert_get(actor=actor, alert_id=alert_id))


@login_required
@require_POST
def alert_review_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    actor = request_actor(request)
    alert = selectors.alert_get(actor=actor, alert_id=alert_id)
    decision = request.POST.get("decision", "")
    reason = request.POST.get("reason", "")
    try:
        reviewed = services.alert_review(actor=actor, alert=alert, decision=decision, reason=reason)
    except Invalid as exc:
        form = {"decision": decision, "reason": reason, "errors": exc.fields, "message": exc.message}
        return _alert_page(request, alert, form=form, status=422)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("screening-alert", alert_id=alert.pk)
    done = {
        "confirm": _("Alert %(id)s confirmed."),
        "dismiss": _("Alert %(id)s dismissed."),
        "escalate": _("Alert %(id)s escalated to a case."),
    }[decision]
    messages.success(request, done % {"id": reviewed.pk})
    return redirect("screening-alert", alert_id=reviewed.pk)


def _loaded_message(loaded: services.Loaded) -> str:
    name, version = loaded.watch_list.name, loaded.version
    if not loaded.created:
        return _(
            "The file is %(name)s version %(number)s's already (sha256 %(sha)s…); nothing was loaded."
        ) % {"name": name, "number": version.number, "sha": version.file_sha256[:12]}
    diff = (
        _("the first version")
        if version.previous_id is None
        else _("+%(added)s added, −%(removed)s removed, ~%(changed)s changed, %(unchanged)s unchanged")
        % {
            "added": version.added_count,
            "removed": version.removed_count,
            "changed": version.changed_count,
            "unchanged": version.unchanged_count,
        }
    )
    return _(
        "Loaded %(name)s version %(number)s: %(entries)s entries, %(diff)s. Stored parties are "
        "screened against what changed in the background."
    ) % {"name": name, "number": version.number, "entries": version.entry_count, "diff": diff}


def _upload_form(request: HttpRequest, names: list[str]) -> tuple[dict[str, Any], str]:
    """The upload form's values and the list it names: an existing list chosen, or a new list's name."""
    source = request.POST if request.method == "POST" else request.GET
    form: dict[str, Any] = {k: (source.get(k) or "").strip() for k in ("list", "new_name", "format", "kind")}
    form["errors"], form["message"] = {}, ""
    if request.method != "POST":
        form["list"] = form["list"] if form["list"] in names else ""
        return form, ""
    if form["list"] and form["new_name"]:
        form["errors"]["new_name"] = "Leave this empty to load into the list chosen above."
    elif form["list"] and form["list"] not in names:
        form["errors"]["list"] = f"No list {form['list']!r}."
    elif not form["list"] and not form["new_name"]:
        form["errors"]["new_name"] = "Name the new list, or choose an existing list above."
    if "file" not in request.FILES:
        form["errors"]["file"] = "Choose the list file."
    return form, form["list"] or form["new_name"]


@login_required
@require_http_methods(["GET", "POST"])
def list_index_view(request: HttpRequest) -> HttpResponse:
    """The loaded lists; users with `lists.load` also get the form that uploads a list version (POSTed
    here)."""
    actor = request_actor(request)
    lists = list(selectors.watchlist_list(actor=actor))
    form, name = _upload_form(request, [w.name for w in lists])
    status = 200
    if request.method == "POST":
        if form["errors"]:
            form["message"], status = "The list cannot be loaded.", 422
        else:
            upload = request.FILES["file"]
            try:
                loaded = services.list_upload(
                    actor=actor,
                    name=name,
                    filename=upload.name or "",
                    upload=upload,
                    format=form["format"] or None,
                    kind=form["kind"] or None,
                )
            except (Invalid, services.UploadTooLarge) as exc:
                fields = dict(exc.fields)
                if "name" in fields:
                    fields["new_name" if form["new_name"] else "list"] = fields.pop("name")
                form["errors"], form["message"], status = fields, exc.message, exc.status
            else:
                (messages.success if loaded.created else messages.info)(request, _loaded_message(loaded))
                return redirect("screening-list", list_name=loaded.watch_list.name)
    context = {
        "rows": [{"list": w, "current": w.current_version} for w in lists],
        "form": form,
        "formats": ListFormat.choices,
        "kinds": ListKind.choices,
        "max_mb": services.upload_max_bytes() // (1024 * 1024),
    }
    return render(request, "screening/lists.html", context, status=status)


@login_required
def list_detail_view(request: HttpRequest, list_name: str) -> HttpResponse:
    actor = request_actor(request)
    watch_list: WatchList = selectors.watchlist_get(actor=actor, name=list_name)
    versions = list(selectors.version_list(actor=actor, watch_list=watch_list))
    current = next((v for v in versions if v.is_current), None)
    diff: dict[str, Any] = {}
    if current is not None and current.previous_id is not None:
        added, added_total = selectors.version_changes(version=current, change="added")
        changed, changed_total = selectors.version_changes(version=current, change="changed")
        diff = {
            "added": added,
            "added_total": added_total,
            "changed": changed,
            "changed_total": changed_total,
            "removed": current.removed,
        }
    context = {
        "watch_list": watch_list,
        "versions": versions,
        "current": current,
        "diff": diff,
        "run": selectors.delta_run_latest(actor=actor, watch_list=watch_list),
        "open_alerts": selectors.alert_list(
            actor=actor,
            filters=selectors.AlertFilters(status=str(AlertStatus.OPEN), list_name=watch_list.name),
        ).count(),
    }
    return render(request, "screening/list.html", context)


@login_required
def search_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    lists = selectors.search_lists(actor=actor)
    form = {k: (request.GET.get(k) or "").strip() for k in ("name", "type", "country", "birth_date")}
    context: dict[str, Any] = {
        "form": form,
        "types": EntityType.choices,
        "matches": None,
        "errors": {},
        "message": "",
        "alert_threshold": ALERT_THRESHOLD,
        "strong_threshold": STRONG_THRESHOLD,
    }
    status = 200
    if form["name"] or any(form.values()):
        try:
            found = selectors.screening_search(
                actor=actor,
                name=form["name"],
                entity_type=form["type"],
                country=form["country"],
                birth_date=form["birth_date"],
                limit=20,
            )
            context["matches"] = [match_dict(m) for m in found]
        except Invalid as exc:
            context["errors"], context["message"] = exc.fields, exc.message
            status = 422
    context["lists"] = lists
    return render(request, "screening/search.html", context, status=status)


@login_required
def party_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    search = (request.GET.get("q") or "").strip()[:200]
    page = Paginator(selectors.party_list(actor=actor, search=search or None), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "screening/parties.html", {"page": page, "q": search})


@login_required
def party_detail_view(request: HttpRequest, party_id: int) -> HttpResponse:
    actor = request_actor(request)
    party = selectors.party_get(actor=actor, party_id=party_id)
    alerts = selectors.alert_list(actor=actor).filter(party=party).order_by("-score", "id")
    ledger = object_history(actor=actor, object_type="screened_party", object_id=party.pk)
    ownership = party_ownership(party)
    return render(
        request,
        "screening/party.html",
        {"party": party, "alerts": alerts, "ledger": ledger, "ownership": ownership},
    )
