"""A user's own preferences: the language the pages speak to them."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import User
from conduct.apps.errors import Invalid

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> User:
    """Set the actor's own language ("" follows the browser). Anyone signed in may choose their own; it is a
    preference, not a record, so it is not ledgered."""
    if not isinstance(actor, User):
        raise TypeError(f"A signed-in user chooses their own language, not {actor!r}.")
    if language and language not in LANGUAGE_CODES:
        raise Invalid(
            _("Unknown language."),
            fields={"language": _("Choose one of: %(codes)s.") % {"codes": ", ".join(LANGUAGE_CODES)}},
        )
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
    return actor
