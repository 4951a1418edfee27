"""The candidate index: every listed name, normalised once, reachable from its parts.

A query part finds listed parts through the part vocabulary: exactly, by one-edit deletions (SymSpell),
by sound (metaphone), by consonant skeleton (for text transliterated from Arabic, Hebrew, Thai...) and by
cross-script name symbols. Each vocabulary part points at the names that contain it. Only the names that
share a reasonably rare part with the query are scored in full - never the whole list."""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import cast

from rapidfuzz import process
from rapidfuzz.distance import OSA

from conduct.core._gc import paused_gc
from conduct.core.screening import _symbols
from conduct.core.screening._mapped import Frozen, NumbersTable
from conduct.core.screening._normalize import (
    GENERIC,
    INITIAL,
    LEGAL,
    NUMBER,
    PARTICLE,
    TITLE,
    WORD,
    NameToken,
    NormalizedName,
    analyse_name,
)
from conduct.core.screening._similarity import _metaphone, _skeletons
from conduct.core.screening._vocab import PARTICLES, legal_form_table
from conduct.core.screening.model import ListEntry

_SKIP_KINDS = (PARTICLE, TITLE, LEGAL)
_KEY_KINDS_WEIGHT = {GENERIC: 0.5, NUMBER: 0.6, INITIAL: 0.2}
MAX_EXPANSIONS = 24  # similar vocabulary parts considered per query part
MAX_EXPANSIONS_ABJAD = 40  # ... for a part written in an abjad (vowels unwritten: more parts alike)
EXPANSION_MIN = 0.66  # least similarity for a vocabulary part to count as an expansion
COMMON_POSTINGS = 4000  # a part in more names than this is "common": it adds weight, not candidates
FAR_TYPO_LENGTH = 10  # a query part this long that is not within one edit of any listed part ...
FAR_TYPO_MIN = 0.8  # ... is looked up among listed parts of about its length this similar (two slips)
_GLUED_PREFIXES = PARTICLES | {"abd", "abdul", "abdel"}  # run onto the part after them: 'Alfay', 'Vander'


@dataclass(frozen=True, slots=True)
class IndexedName:
    """One spelling of one name of one listed entry, as the index keeps it."""

    entry: int  # position in NameIndex.entries
    name: int  # position in the entry's names
    form: NormalizedName


_second = itemgetter(1)  # the score of an (id, score) pair; C-level, so ranking 10^5 candidates stays cheap
_second_third = itemgetter(1, 2)


def _deletes(text: str) -> set[str]:
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


class NameIndex:
    """Listed names from one or more lists, normalised and indexed for candidate retrieval.

    Build from (list_id, list_kind, entry) triples, e.g. `NameIndex(parsed.index_items("ofac_sdn"))`.
    """

    def __init__(self, items: Iterable[tuple[str, str, ListEntry]], *, cross_script: bool = True) -> None:
        # a loaded index reads these from its artefact's mapped bytes (core.screening._mapped)
        self.entries: Sequence[tuple[str, str, ListEntry]] = []
        self.names: Sequence[IndexedName] = []
        self._name_entry: Sequence[int] | None = None  # per name its entry, where names are decoded when read
        self.cross_script = cross_script
        self._vocab: dict[str, int] = {}
        self._vocab_text: list[str] = []
        self._postings: Sequence[Sequence[int]] = []
        # (in a loaded index, tables read in place from its artefact: core.screening._mapped)
        self._deletes: dict[str, int | list[int]] | NumbersTable = {}
        self._phonetic: dict[str, list[int]] | NumbersTable = {}
        self._skeleton: dict[str, list[int]] | NumbersTable = {}
        self._symbol_vocab: dict[int, list[int]] | None = None
        self._non_latin_sources: set[str] = set()
        # one object per distinct part and script set, while building (saves memory); not in artefacts
        self._tokens: dict[NameToken, NameToken] = {}
        self._scripts: dict[frozenset[str], frozenset[str]] = {}
        self._party: Sequence[int] = []  # per entry: the first entry of the same type and primary name
        self._party_keys: dict[tuple[str, str], int] | Frozen[dict[tuple[str, str], int]] = {}
        self._by_length: dict[int, list[str]] | None = None  # vocabulary parts by length (derived, lazy)
        self._keep: tuple[object, ...] = ()  # what lives as long as the index (its artefact's symbol table)
        with paused_gc():  # the names' parts and postings: collections meanwhile only rescan them
            for list_id, list_kind, entry in items:
                self.add(list_id, list_kind, entry)

    # --- building -----------------------------------------------------------------------------------

    def add(self, list_id: str, list_kind: str, entry: ListEntry) -> None:
        self._editable()
        entry_index = len(self.entries)
        cast(list[tuple[str, str, ListEntry]], self.entries).append((list_id, list_kind, entry))
        org = entry.entity_type == "organization"
        primary = ""
        for name_index, entry_name in enumerate(entry.names):
            for analysed in analyse_name.__wrapped__(entry_name.name, org):
                if not analysed.tokens:
                    continue
                if not primary and name_index == 0:
                    primary = analysed.text
                tokens = tuple(self._tokens.setdefault(token, token) for token in analysed.tokens)
                scripts = self._scripts.setdefault(analysed.scripts, analysed.scripts)
                form = NormalizedName(entry_name.name, tokens, scripts, analysed.org)
                form_id = len(self.names)
                cast(list[IndexedName], self.names).append(IndexedName(entry_index, name_index, form))
                seen: set[int] = set()
                for token in form.tokens:
                    token_id = self._token_id(token)
                    if token_id not in seen:
                        seen.add(token_id)
                        cast("array[int]", self._postings[token_id]).append(form_id)
                    if token.source and not form.is_latin:
                        self._non_latin_sources.add(token.source)
        key = (entry.entity_type, primary)
        party_keys = cast(dict[tuple[str, str], int], self._party_keys)
        party = party_keys.setdefault(key, entry_index) if primary else entry_index
        cast(list[int], self._party).append(party)
        self._symbol_vocab = None
        self._by_length = None

    def _editable(self) -> None:
        """A loaded index reads its entries, names, postings and lookup tables from its artefact's bytes:
        copied out into lists and dicts before it takes more (once; rare: indexes are built whole, then
        loaded)."""
        if isinstance(self.names, list):
            return
        self.entries = list(self.entries)
        self.names = list(self.names)
        self._name_entry = None
        self._postings = [array("I", postings) for postings in self._postings]
        self._party = list(self._party)
        if isinstance(self._party_keys, Frozen):
            self._party_keys = self._party_keys.value()
        if isinstance(self._deletes, NumbersTable):
            deletes = self._deletes.items()
            self._deletes = {key: ids[0] if len(ids) == 1 else list(ids) for key, ids in deletes}
        if isinstance(self._phonetic, NumbersTable):
            self._phonetic = {key: list(ids) for key, ids in self._phonetic.items()}
        if isinstance(self._skeleton, NumbersTable):
            self._skeleton = {key: list(ids) for key, ids in self._skeleton.items()}

    def _token_id(self, token: NameToken) -> int:
        found = self._vocab.get(token.text)
        if found is not None:
            return found
        token_id = len(self._vocab_text)
        self._vocab[token.text] = token_id
        self._vocab_text.append(token.text)
        cast("list[array[int]]", self._postings).append(array("I"))
        text = token.text
        if token.kind in _SKIP_KINDS or not text.isalpha():
            return token_id
        if len(text) >= 3:
            for key in _deletes(text):
                self._add_key(cast(dict[str, "int | list[int]"], self._deletes), key, token_id)
        phonetic = _metaphone(text)
        if len(phonetic) >= 2:
            cast(dict[str, list[int]], self._phonetic).setdefault(phonetic, []).append(token_id)
        for skeleton in _skeletons(text, token.abjad):
            if len(skeleton) >= 2:
                cast(dict[str, list[int]], self._skeleton).setdefault(skeleton, []).append(token_id)
        return token_id

    @staticmethod
    def _add_key(table: dict[str, int | list[int]], key: str, token_id: int) -> None:
        current = table.get(key)
        if current is None:
            table[key] = token_id
        elif isinstance(current, int):
            if current != token_id:
                table[key] = [current, token_id]
        elif token_id not in current:
            current.append(token_id)

    def warm_up(self) -> None:
        """Build now what the first searches would otherwise build, in every process that searches: the map
        of name-dictionary symbols onto the vocabulary, the long listed parts by length."""
        if self.cross_script:
            self._symbols_to_vocab()
        self._long_parts()

    def _symbols_to_vocab(self) -> dict[int, list[int]]:
        if self._symbol_vocab is None:
            texts = [text for text in self._vocab_text if text.isalpha() and len(text) >= 2]
            _symbols.prefetch(texts)
            _symbols.prefetch(self._non_latin_sources)
            mapping: dict[int, list[int]] = {}
            for text in texts:
                for symbol in _symbols.symbols(text):
                    mapping.setdefault(symbol, []).append(self._vocab[text])
            self._symbol_vocab = mapping
        return self._symbol_vocab

    # --- reading ------------------------------------------------------------------------------------

    def novel_parts(self, forms: tuple[NormalizedName, ...]) -> frozenset[str]:
        """The query's Latin word parts that no listed name uses: more likely a listed part mistyped than
        another name (the alignment allows them more slips)."""
        return frozenset(
            token.text
            for form in forms
            for token in form.tokens
            if token.kind == WORD
            and not token.source
            and token.text.isalpha()
            and token.text not in self._vocab
        )

    def entry_of(self, form_id: int) -> int:
        """The entry an indexed name belongs to (without decoding the name, where it is mapped)."""
        return self._name_entry[form_id] if self._name_entry is not None else self.names[form_id].entry

    def party_of(self, entry: int) -> int:
        """The party an entry stands for: entries of the same type and primary name (one person on
        several lists, or listed twice) are one party."""
        return self._party[entry]

    def __len__(self) -> int:
        return len(self.names)

    @property
    def vocabulary_size(self) -> int:
        return len(self._vocab_text)

    def iter_forms(self) -> Iterator[tuple[int, str]]:
        """(name id, normalised text) of every indexed spelling: for brute-force comparisons."""
        for form_id, indexed in enumerate(self.names):
            yield form_id, indexed.form.text

    def expand(self, token: NameToken, cross: bool) -> list[tuple[int, float]]:
        """Vocabulary parts similar to a query part: (token id, similarity), best first."""
        text = token.text
        found: dict[int, float] = {}
        exact = self._vocab.get(text)
        if exact is not None:
            found[exact] = 1.0
        if token.kind in _SKIP_KINDS:
            return list(found.items())
        if text.isalpha() and len(text) >= 3:
            candidates: set[int] = set()
            for key in (text, *_deletes(text)):
                hit = self._deletes.get(key)
                if hit is not None:
                    candidates.update((hit,) if isinstance(hit, int) else hit)
                vocab_hit = self._vocab.get(key)
                if vocab_hit is not None:
                    candidates.add(vocab_hit)
            for candidate in candidates:
                if candidate not in found:
                    similarity = OSA.normalized_similarity(text, self._vocab_text[candidate])
                    if similarity >= EXPANSION_MIN:
                        found[candidate] = similarity
        if len(text) >= FAR_TYPO_LENGTH and text.isalpha() and max(found.values(), default=0.0) < 0.8:
            self._far_typos(text, found)
        if text.isalpha() and len(text) >= 3:
            for candidate in self._phonetic.get(_metaphone(text), ()):
                found.setdefault(candidate, 0.8)
        if token.abjad:
            for skeleton in _skeletons(text, True):
                for candidate in self._skeleton.get(skeleton, ()):
                    found[candidate] = max(found.get(candidate, 0.0), 0.85)
        if cross and self.cross_script and (token.source or token.abjad):
            mapping = self._symbols_to_vocab()
            for symbol in _symbols.symbols(token.source or text):
                for candidate in mapping.get(symbol, ()):
                    found[candidate] = max(found.get(candidate, 0.0), 0.9)
        if len(found) > MAX_EXPANSIONS and token.abjad:
            # many parts alike by skeleton: more of them, the closest in letters first ('blal': 'bilal',
            # not 'bolo')
            vocab = self._vocab_text
            return [
                (candidate, similarity)
                for candidate, similarity, _ in heapq.nlargest(
                    MAX_EXPANSIONS_ABJAD,
                    ((c, v, OSA.normalized_similarity(text, vocab[c])) for c, v in found.items()),
                    key=_second_third,
                )
            ]
        if len(found) > MAX_EXPANSIONS:
            return heapq.nlargest(MAX_EXPANSIONS, found.items(), key=_second)
        return list(found.items())

    def _far_typos(self, text: str, found: dict[int, float]) -> None:
        """Listed parts two slips away from a long query part ('chxernomornefzegaz'): one-edit deletions
        do not reach them, so the parts of about its length are compared directly (C speed)."""
        by_length = self._long_parts()
        choices = [w for size in range(len(text) - 2, len(text) + 3) for w in by_length.get(size, ())]
        for word, similarity, _ in process.extract(
            text, choices, scorer=OSA.normalized_similarity, score_cutoff=FAR_TYPO_MIN, limit=6
        ):
            found.setdefault(self._vocab[word], similarity)

    def _long_parts(self) -> dict[int, list[str]]:
        if self._by_length is None:
            by_length: dict[int, list[str]] = {}
            for word in self._vocab_text:
                if len(word) >= FAR_TYPO_LENGTH - 1 and word.isalpha():
                    by_length.setdefault(len(word), []).append(word)
            self._by_length = by_length
        return self._by_length

    def _splits(self, text: str) -> list[tuple[int, ...]]:
        """A query part that joins two listed parts: 'vladimirputin' -> ('vladimir', 'putin'); or a
        listed part and a particle or legal form run onto it ('alfay', 'inttrafikeood', 'paozvezda')."""
        out: list[tuple[int, ...]] = []
        table, _ = legal_form_table()
        for cut in range(2, len(text) - 1):
            head, tail = text[:cut], text[cut:]
            left, right = self._vocab.get(head), self._vocab.get(tail)
            if left is not None and right is not None and len(text) >= 6:
                out.append((left, right))
            elif right is not None and len(tail) >= 3 and (head in _GLUED_PREFIXES or (head,) in table):
                out.append((right,))
            elif left is not None and len(head) >= 3 and (tail,) in table:
                out.append((left,))
        return out

    def _joined(self, tokens: tuple[NameToken, ...], position: int) -> list[int]:
        """Vocabulary parts that query parts from `position` on spell when joined: two or three parts
        written apart that the list writes as one ('chernomor neftegaz'), and a run of letters written
        apart ('Z T E F Z C O')."""
        found = []
        for size in (2, 3):
            if position + size <= len(tokens):
                joined = self._vocab.get("".join(t.text for t in tokens[position : position + size]))
                if joined is not None:
                    found.append(joined)
        if tokens[position].kind == INITIAL and (position == 0 or tokens[position - 1].kind != INITIAL):
            end = position
            while end < len(tokens) and tokens[end].kind == INITIAL:
                end += 1
            if end - position > 3:
                joined = self._vocab.get("".join(t.text for t in tokens[position:end]))
                if joined is not None:
                    found.append(joined)
        return found

    def candidates(self, queries: tuple[NormalizedName, ...], limit: int) -> list[int]:
        """Ids of the indexed names most worth scoring in full for these query spellings."""
        cross_needed = any(not query.is_latin for query in queries)
        # (postings length, weight * similarity, postings, key): the lists of one query part's spellings share
        # a key, and a listed name counts the best of them once (a name holding both 'Mohammad' and 'Mohammed'
        # does not outrank 'AL-MUHAMMAD, Muhammad' for 'Muhammad al-Muhammad'); the pieces of a part split
        # in two ('almuhammad' -> 'al' + 'muhammad') and parts joined are each a key of their own
        lists: list[tuple[int, float, Sequence[int], tuple[int, int]]] = []
        part = 0
        for query in queries:
            cross = cross_needed or not query.is_latin
            for position, token in enumerate(query.tokens):
                part += 1
                for number, joined in enumerate(self._joined(query.tokens, position)):
                    postings = self._postings[joined]
                    lists.append((len(postings), 1.5, postings, (part, -1 - number)))
                weight = _KEY_KINDS_WEIGHT.get(token.kind, 1.0)
                if token.kind in _SKIP_KINDS:
                    continue
                keyed = [(token_id, similarity, 0) for token_id, similarity in self.expand(token, cross)]
                if not any(similarity == 1.0 for _, similarity, _ in keyed) and len(token.text) >= 5:
                    for pieces in self._splits(token.text)[:3]:
                        keyed += [(piece, 0.9, 1 + k) for k, piece in enumerate(pieces)]
                for token_id, similarity, piece in keyed:
                    postings = self._postings[token_id]
                    if postings:
                        lists.append((len(postings), weight * similarity, postings, (part, piece)))
        if not lists:
            return []
        lists.sort(key=lambda item: item[0])
        rare = [item for item in lists if item[0] <= COMMON_POSTINGS]
        common = [item[:3] for item in lists if item[0] > COMMON_POSTINGS]
        scores = _best_per_key(rare)
        if common:
            if len(scores) < limit:
                # every part of the query is common: take names that hold the two rarest together
                first = set(common[0][2])
                both = first.intersection(common[1][2]) if len(common) > 1 else first
                if len(both) > 20 * COMMON_POSTINGS:
                    both = set(list(both)[: 20 * COMMON_POSTINGS])
                for form_id in both:
                    scores[form_id] = (
                        scores.get(form_id, 0.0) + common[0][1] + (common[1][1] if len(common) > 1 else 0)
                    )
            for _, value, postings in common:
                if len(postings) > 25 * COMMON_POSTINGS:
                    continue
                for form_id in postings:
                    if form_id in scores:
                        scores[form_id] += value
        return self._best(scores, limit, max(len(query.tokens) for query in queries))

    def _best(self, scores: dict[int, float], limit: int, size: int) -> list[int]:
        """The `limit` best-scoring names; where names tie at the cut (every name with 'Muhammad' for
        'Muhammad al-Muhammad'), those of about the query's length (`size` parts) first."""
        if len(scores) <= limit:
            return sorted(scores, key=lambda form_id: -scores[form_id])
        top = heapq.nlargest(limit + 1, scores.items(), key=_second)
        if top[limit - 1][1] != top[limit][1]:
            return [form_id for form_id, _ in top[:limit]]
        cut = top[limit - 1][1]
        above = [form_id for form_id, value in top if value > cut]
        names = self.names
        tied = sorted(
            (form_id for form_id, value in scores.items() if value == cut),
            key=lambda form_id: abs(len(names[form_id].form.tokens) - size),
        )
        return above + tied[: limit - len(above)]


def _best_per_key(lists: list[tuple[int, float, Sequence[int], tuple[int, int]]]) -> dict[int, float]:
    """Each listed name's score: the sum over keys (query parts, see candidates) of the best value among the
    lists of that key that hold the name."""
    best: dict[tuple[int, int], dict[int, float]] = {}
    for _, value, postings, key in lists:
        found = best.setdefault(key, {})
        get = found.get
        for form_id in postings:
            if value > get(form_id, 0.0):
                found[form_id] = value
    scores: dict[int, float] = {}
    for found in best.values():
        get = scores.get
        for form_id, value in found.items():
            scores[form_id] = get(form_id, 0.0) + value
    return scores
