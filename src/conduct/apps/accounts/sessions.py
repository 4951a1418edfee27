"""Signed-in sessions (accounts.models.UserSession): recorded at sign-in, stamped as used, dropped at
sign-out; ended by their owner or an administrator (`session_end`, a service: authorized and ledgered).

Recording and stamping are bookkeeping, not a change of state anyone decided: not ledgered (as an API token's
last use is not)."""

from __future__ import annotations

import re
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.ledger_actions import AccountsAction
from conduct.apps.accounts.models import User, UserSession
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append

SEEN_KEY = "conduct_seen"  # the session's own note of when its row was last stamped (epoch seconds)
STAMP_EVERY = timedelta(minutes=5)

_BROWSERS = (
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Safari/")),
    ("curl", re.compile(r"^curl/")),
    ("Python", re.compile(r"python", re.I)),
)
_SYSTEMS = (
    ("Android", re.compile(r"Android")),
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux|X11")),
)


def agent_summary(user_agent: str) -> str:
    """ "Firefox on Linux": the browser family and system, no versions, nothing that tells one machine from
    another of the same kind."""
    ua = user_agent or ""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(ua)), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(ua)), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or ("Unknown client" if ua else "")


def session_store(session_key: str) -> Any:
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key=session_key)


def record_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """user_logged_in receiver: a row for the new session (login() has just cycled its key)."""
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    if session.session_key is None:
        session.save()
    key = session.session_key
    if key is None:  # pragma: no cover - a store that cannot save
        return
    now = timezone.now()
    UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "agent": agent_summary(str(request.META.get("HTTP_USER_AGENT", "")))[:100],
            "created_at": now,
            "last_seen_at": now,
        },
    )
    session[SEEN_KEY] = int(now.timestamp())


def record_sign_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    """user_logged_out receiver: the session is flushed, so its row goes."""
    if request is None or not hasattr(request, "session"):
        return
    key = request.session.session_key
    if key:
        UserSession.objects.filter(session_key=key).delete()


def stamp(request: HttpRequest) -> None:
    """Note that a signed-in session was used: at most every STAMP_EVERY, one UPDATE."""
    session = getattr(request, "session", None)
    if session is None or "_auth_user_id" not in session:
        return
    now = timezone.now()
    seen = session.get(SEEN_KEY)
    if isinstance(seen, int) and now.timestamp() - seen < STAMP_EVERY.total_seconds():
        return
    key = session.session_key
    if key:
        UserSession.objects.filter(session_key=key).update(last_seen_at=now)
        session[SEEN_KEY] = int(now.timestamp())


def live_session_keys() -> Any:
    """The keys of unexpired sessions in the database store (a subquery), or None for other stores."""
    if settings.SESSION_ENGINE not in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    }:
        return None
    return Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")


def end_sessions(user: User) -> int:
    """Delete every session of `user` from the store and the list; how many there were."""
    rows = list(UserSession.objects.filter(user=user))
    for row in rows:
        session_store(row.session_key).delete()
    UserSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


@transaction.atomic
def session_end(*, actor: Actor, session: UserSession) -> None:
    """End a signed-in session: the owner ends their own, an administrator anyone's. The browser holding it
    is signed out at its next request."""
    if isinstance(actor, User) and actor.pk == session.user_id:
        authorize(actor, "sessions.own")
    else:
        authorize(actor, "sessions.manage")
    session_store(session.session_key).delete()
    summary = {
        "user": session.user.username,
        "agent": session.agent,
        "created_at": session.created_at,
        "last_seen_at": session.last_seen_at,
    }
    pk = session.pk
    session.delete()
    ledger_append(
        actor=actor,
        action=AccountsAction.SESSION_END,
        object_type="session",
        object_id=pk,
        summary=summary,
    )
