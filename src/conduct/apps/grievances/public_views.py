"""The public reporting pages at /report/ (no login, no cookies, no address kept; English and Simplified
Chinese, chosen by `?lang=`, the form's language field or the browser's Accept-Language).

They are exempt from CSRF on purpose: no cookie is set or read on these paths (the request middleware drops
them), so there is no session to forge; a submission carries a single-use proof-of-work challenge, and a
follow-up carries the session token issued in the page before.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from conduct.apps.errors import Invalid, ServiceError
from conduct.apps.grievances import challenge, selectors, services
from conduct.apps.grievances.attachments import Upload
from conduct.apps.grievances.models import Message, Relation

FIELDS = ("description", "relation", "location", "occurred_on", "affected", "involved", "contact")


def language_of(request: HttpRequest) -> str:
    wanted = (request.POST.get("lang") or request.GET.get("lang") or "").lower()
    if wanted in services.LANGUAGES:
        return wanted
    accepted = request.META.get("HTTP_ACCEPT_LANGUAGE", "").lower()
    return "zh-hans" if accepted.startswith("zh") else "en"


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    lang = language_of(request)
    with translation.override(lang):
        response = render(
            request,
            template,
            {**context, "lang": lang, "languages": (("en", "English"), ("zh-hans", "简体中文"))},
            status=status,
        )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _form(
    request: HttpRequest, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> HttpResponse:
    issued = challenge.challenge_issue("submit")
    return _page(
        request,
        "grievances/report.html",
        {
            "values": values,
            "errors": errors,
            "relations": Relation.choices,
            "challenge": issued.challenge,
            "bits": issued.bits,
        },
        status,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def report_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form(request, {"relation": "other"}, {})
    values = {name: request.POST.get(name, "") for name in FIELDS}
    try:
        occurred = values["occurred_on"].strip() or None
        report = services.Report(
            description=values["description"],
            relation=values["relation"] or "other",
            location=values["location"],
            affected=values["affected"],
            involved=[n for n in values["involved"].replace("\n", ",").split(",") if n.strip()],
            occurred_on=_date(occurred),
            language=language_of(request),
            contact=values["contact"],
            channel="web",
            attachments=[Upload(f.name or "file", f.read()) for f in request.FILES.getlist("attachments")],
        )
        _grievance, receipt = services.grievance_submit(
            report=report, challenge=request.POST.get("challenge", ""), nonce=request.POST.get("nonce", "")
        )
    except ServiceError as exc:
        return _form(request, values, exc.fields or {"description": exc.message}, exc.status)
    spaced = " ".join(receipt[i : i + 4] for i in range(0, 16, 4))
    return _page(request, "grievances/receipt.html", {"receipt": spaced})


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(
            translation.gettext("The report is not valid."),
            fields={"occurred_on": translation.gettext("Not a date: use YYYY-MM-DD.")},
        ) from None


def _follow_form(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    issued = challenge.challenge_issue("session")
    return _page(
        request,
        "grievances/follow_up.html",
        {"error": error, "challenge": issued.challenge, "bits": issued.bits},
        status,
    )


def _thread_page(request: HttpRequest, session: str, error: str = "", status: int = 200) -> HttpResponse:
    thread = selectors.reporter_thread(session=session)
    return _page(
        request,
        "grievances/thread.html",
        {"session": session, "g": thread.grievance, "messages": thread.messages, "error": error},
        status,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def follow_up_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _follow_form(request)
    try:
        token, _grievance = services.reporter_session_open(
            receipt=request.POST.get("receipt", ""),
            challenge=request.POST.get("challenge", ""),
            nonce=request.POST.get("nonce", ""),
        )
    except ServiceError as exc:
        return _follow_form(request, exc.message, exc.status)
    return _thread_page(request, token)


@csrf_exempt
@require_POST
def reply_view(request: HttpRequest, what: str) -> HttpResponse:
    session = request.POST.get("session", "")
    try:
        if what == "satisfaction":
            accepted = {"yes": True, "no": False}.get(request.POST.get("remedy_accepted", ""))
            score = request.POST.get("score", "")
            services.reporter_satisfaction(
                session=session,
                score=int(score) if score.isdigit() else 0,
                remedy_accepted=accepted,
                comment=request.POST.get("comment", ""),
            )
        else:
            kind = Message.Kind.RETALIATION if what == "retaliation" else Message.Kind.MESSAGE
            services.reporter_message(session=session, body=request.POST.get("body", ""), kind=kind)
    except ServiceError as exc:
        if exc.code == "session_ended":
            return _follow_form(request, exc.message, exc.status)
        return _thread_page(request, session, exc.message, exc.status)
    return _thread_page(request, session)
