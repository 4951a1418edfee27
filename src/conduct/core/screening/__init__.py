"""Watch-list screening: list readers, name normalisation, a candidate index and an explainable scorer.

    from conduct.core.screening import NameIndex, Query, Screener, read_list

    parsed = read_list("/data/ofac_non_sdn")                 # format detected from the files
    index = NameIndex(parsed.index_items("ofac_non_sdn"))
    matches = Screener(index).search(Query("Hikvision", entity_type="organization", country="CN"))
    matches[0].explanation.summary()

Pure Python: no Django, no I/O beyond the paths a caller passes to the readers.
"""

from conduct.core.screening._align import PartMatch
from conduct.core.screening._countries import country_code
from conduct.core.screening._index import NameIndex
from conduct.core.screening._normalize import NameToken, NormalizedName, analyse_name, normalize_name
from conduct.core.screening._ownership import (
    RELATIONS,
    Holder,
    OwnershipFinding,
    OwnershipGraph,
    Relation,
    ownership_decide,
)
from conduct.core.screening._scoring import (
    Adjustment,
    Explanation,
    score_pair,
    strength,
)
from conduct.core.screening._screener import Match, Query, Screener
from conduct.core.screening._script import load_han_readings
from conduct.core.screening._symbols import load_dictionary
from conduct.core.screening._symbols import use_file as use_dictionary_file
from conduct.core.screening._vocab import legal_form_table
from conduct.core.screening.formats import FORMATS, ListFormatError, ParsedList, detect_format, read_list
from conduct.core.screening.model import ENTITY_TYPES, LIST_KINDS, NAME_KINDS, EntryName, ListEntry
from conduct.core.thresholds import ALERT_THRESHOLD, STRONG_THRESHOLD

__all__ = [
    "ALERT_THRESHOLD",
    "ENTITY_TYPES",
    "FORMATS",
    "LIST_KINDS",
    "NAME_KINDS",
    "RELATIONS",
    "STRONG_THRESHOLD",
    "Adjustment",
    "EntryName",
    "Explanation",
    "Holder",
    "ListEntry",
    "ListFormatError",
    "Match",
    "NameIndex",
    "NameToken",
    "NormalizedName",
    "OwnershipFinding",
    "OwnershipGraph",
    "ParsedList",
    "PartMatch",
    "Query",
    "Relation",
    "Screener",
    "analyse_name",
    "country_code",
    "detect_format",
    "legal_form_table",
    "load_dictionary",
    "load_han_readings",
    "normalize_name",
    "ownership_decide",
    "read_list",
    "score_pair",
    "search",
    "strength",
    "use_dictionary_file",
]


def search(
    index: NameIndex, query: str | Query, *, threshold: float | None = None, limit: int | None = None
) -> list[Match]:
    """Screen one query against an index (see Screener.search)."""
    return Screener(index).search(query, threshold=threshold, limit=limit)
