"""Screening many names at once (POST /api/v1/screening/batch): the same rows and output as
`conduct screen --input names.csv`, against one reading of the current lists. A read: nothing is stored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.errors import Invalid
from conduct.apps.screening import indexes
from conduct.apps.screening.serialize import batch_match
from conduct.apps.screening.values import clean_birth_date, clean_country, clean_entity_type, clean_name
from conduct.core.screening import Query
from conduct.core.thresholds import ALERT_THRESHOLD

BATCH_MAX = 1000


def screening_batch(
    *, actor: Actor, rows: Sequence[Mapping[str, Any]], threshold: float | None = None, limit: int = 10
) -> list[dict[str, Any]]:
    """[{id, matches: [{list, entry_id, name, matched_name, score, explanation}]}] per row, in order. Any
    bad row makes the whole batch Invalid, each problem named `names[i].field`."""
    authorize(actor, "screening.search")
    if len(rows) > BATCH_MAX:
        raise Invalid(
            _("Too many names."), fields={"names": _("At most %(n)d names per batch.") % {"n": BATCH_MAX}}
        )
    if not rows:
        raise Invalid(_("No names."), fields={"names": _("Send at least one name.")})
    queries, errors = [], {}
    for index, row in enumerate(rows):
        mine: dict[str, str] = {}
        name = clean_name(row.get("name"), mine)
        kind = clean_entity_type(row.get("type"), mine, "type")
        country = clean_country(row.get("country"), mine)
        born = clean_birth_date(row.get("birth_date"), mine)
        errors.update({f"names[{index}].{field}": why for field, why in mine.items()})
        if mine:
            continue
        queries.append(
            Query(name, entity_type=kind or None, country=country or None, birth_date=born or None)
        )
    if errors:
        raise Invalid(_("Some names are not valid; nothing was screened."), fields=errors)
    lists = indexes.current_lists()
    cut = threshold if threshold is not None else ALERT_THRESHOLD
    return [
        {
            "id": row.get("id"),
            "matches": [batch_match(m) for m in indexes.search(lists, query, threshold=cut, limit=limit)],
        }
        for row, query in zip(rows, queries, strict=True)
    ]
