"""The scorer: aligns the parts of two normalised names, scores each aligned pair, combines them into a
name score, then applies the adjustments that other query fields justify. Everything it decides is kept
in an Explanation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from conduct.core.screening import _symbols
from conduct.core.screening._normalize import (
    GENERIC,
    INITIAL,
    KIND_WEIGHTS,
    LEGAL,
    NUMBER,
    PARTICLE,
    PATRONYMIC_WEIGHT,
    WORD,
    NameToken,
    NormalizedName,
    analyse_name,
)
from conduct.core.screening._script import wade_giles_readings
from conduct.core.thresholds import ALERT_THRESHOLD, STRONG_THRESHOLD

# --- tuning (chosen on nomenklatura's labelled pairs and the yente UN positives / clean negatives) ---
KNEE = 0.85  # part similarity below which a pair starts to count against the match
STEEPNESS = 1.2  # how fast it does
FLOOR = -1.0  # the most one pair can count against
EXTRA_COST = 0.15  # cost of a part present on one side only, per unit of its weight (people)
EXTRA_COST_ORG = 0.35  # in organisation names an extra word usually names another organisation
PATRONYMIC_SWAP = 0.25  # "A bin B" against "B bin A": father and son; below the alert however alike
MIN_INFORMATIVE = 0.5  # cap when only particles / legal forms / generic words matched
MERGE_MIN = 0.84  # joined parts ("SiemensAG" ~ "Siemens AG") must be at least this similar
MAX_JOIN_PARTS = 8  # beyond this many unaligned parts, joined parts are not tried (cost grows fast)
PHONETIC_SCORE = 0.80
PHONETIC_MIN_SPELLING = 0.6  # letter similarity a sound-alike pair needs before it scores as phonetic
INITIAL_SCORE = 0.75
SYMBOL_SCORE = 0.90
LATIN_SYMBOL_SCORE = 0.85
SKELETON_SCALE = 0.92
LEGAL_MISMATCH = 0.85  # two different legal forms: barely evidence either way
NUMBER_MISMATCH = 0.75  # "Fund VII" ~ "Fund VIII": same family, a different member - still worth a look
VOWEL_VARIANT = 0.90  # parts that differ only in vowels or doubled letters: "Usama" ~ "Osama"
ACRONYM_SCORE = 0.85  # "PLA" ~ "People's Liberation Army", "JC" ~ "Jean-Claude"
WADE_GILES_SCORE = 0.90  # "Hsi" ~ "Xi", "Tse-tung" ~ "Zedong": two romanisations of the same syllables

ADJUSTMENTS = {
    "type_mismatch_person": -0.15,
    "type_mismatch_other": -0.10,
    "country_match": 0.02,
    "country_mismatch": -0.05,
    "birth_date_match": 0.05,
    "birth_year_match": 0.03,
    "birth_date_near": -0.10,  # 2 years apart
    "birth_date_mismatch": -0.20,  # 3 to 5 years apart
    "birth_date_far": -0.25,  # more than 5 years apart
    "weak_alias": -0.10,
    "former_name": -0.02,
}


@dataclass(frozen=True)
class PartMatch:
    """Parts of the query and of the listed name that were aligned (or left over), and how similar."""

    query: str  # query part(s), space-separated; "" for a listed part with no counterpart
    candidate: str  # listed part(s); "" for a query part with no counterpart
    score: float  # 0..1 similarity of the parts
    weight: float  # how much the pair counts in the name score
    method: str  # exact, fuzzy, vowel_variant, phonetic, transliteration, name_variant, initial, acronym,
    # joined, legal_form, number, extra, patronymic_swap


@dataclass(frozen=True)
class Adjustment:
    """A change to the name score justified by another field of the query."""

    code: str
    reason: str
    delta: float


@dataclass(frozen=True)
class Explanation:
    """Why a score is what it is: the aligned parts, the name score and each adjustment."""

    query_name: str  # the query as compared (normalised)
    matched_name: str  # the listed name as compared (normalised)
    parts: tuple[PartMatch, ...]
    name_score: float
    adjustments: tuple[Adjustment, ...]
    score: float

    def summary(self) -> str:
        aligned = ", ".join(
            f"{p.query or '-'}~{p.candidate or '-'} {p.score:.2f}"
            + (f" ({p.method})" if p.method != "exact" else "")
            for p in self.parts
        )
        text = f"name {self.name_score:.2f} [{aligned}]"
        for adjustment in self.adjustments:
            text += f"; {adjustment.delta:+.2f} {adjustment.reason}"
        return f"{text} => {self.score:.2f}"


def strength(score: float) -> str:
    if score >= STRONG_THRESHOLD:
        return "strong"
    if score >= ALERT_THRESHOLD:
        return "potential"
    return "weak"


# --- part similarity --------------------------------------------------------------------------------


@lru_cache(maxsize=262_144)
def _metaphone(text: str) -> str:
    from rigour.text.phonetics import metaphone

    return str(metaphone(text)) if text.isalpha() else ""


_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=262_144)
def _skeletons(text: str, abjad: bool) -> frozenset[str]:
    """Consonant skeletons: 'mohamed' -> {'mhmd'}; from an abjad, w/y may be consonants or vowels."""

    def collapse(chars: list[str]) -> str:
        out: list[str] = []
        for ch in chars:
            if not out or out[-1] != ch:
                out.append(ch)
        return "".join(out)

    if not abjad:
        return frozenset(
            {collapse(["w" if ch == "v" else ch for ch in text if ch not in _VOWELS and ch != "y"])}
        )
    keep = collapse([ch for ch in text if ch not in _VOWELS])
    drop = collapse([ch for i, ch in enumerate(text) if ch not in _VOWELS and (i == 0 or ch not in "wy")])
    return frozenset({keep, drop})


@lru_cache(maxsize=65_536)
def _script_of(text: str) -> str:
    from conduct.core.screening._script import char_script

    return char_script(text[0]) if text else ""


def _cross_script(q: NameToken, c: NameToken) -> bool:
    return bool(q.source) != bool(c.source) or (bool(q.source) and bool(c.source) and q.abjad != c.abjad)


def part_similarity(q: NameToken, c: NameToken, cross: bool) -> tuple[float, str]:
    """How alike two name parts are (0..1) and by which rule."""
    if q.source and c.source and q.abjad == c.abjad and q.kind == c.kind == WORD:
        # both written in the same non-Latin script: compare the letters, not their romanisations
        # (which can merge different characters: 石 and 市 are both "shi")
        if q.source == c.source:
            return 1.0, "exact"
        if _script_of(q.source) == _script_of(c.source):
            return OSA.normalized_similarity(q.source, c.source), "fuzzy"
    if q.text == c.text:
        return 1.0, "exact"
    if q.kind == LEGAL or c.kind == LEGAL:
        return (LEGAL_MISMATCH, "legal_form") if q.kind == c.kind else (0.0, "fuzzy")
    if q.kind == NUMBER and c.kind == NUMBER:
        return NUMBER_MISMATCH, "number"
    if q.kind == NUMBER or c.kind == NUMBER:
        return 0.0, "number"
    if q.kind == INITIAL or c.kind == INITIAL:
        if q.text[0] == c.text[0] and (q.kind == INITIAL) != (c.kind == INITIAL):
            return INITIAL_SCORE, "initial"
        return 0.0, "initial"
    best = OSA.normalized_similarity(q.text, c.text)
    method = "fuzzy"
    if best < VOWEL_VARIANT and len(q.text) >= 3 and len(c.text) >= 3 and not (q.abjad or c.abjad):
        sq, sc = _skeletons(q.text, False), _skeletons(c.text, False)
        skeleton_length = len(next(iter(sq)))
        long_enough = skeleton_length >= 3 or (
            skeleton_length == 2 and min(len(q.text), len(c.text)) >= 5 and best >= 0.7
        )
        if sq == sc and long_enough and (q.text[0] in _VOWELS) == (c.text[0] in _VOWELS):
            best, method = max(best, 1.0 - 0.5 * (1.0 - best)), "vowel_variant"
    if best < PHONETIC_SCORE and len(q.text) >= 3 and len(c.text) >= 3:
        mq, mc = _metaphone(q.text), _metaphone(c.text)
        # metaphone drops vowels and folds consonants: the same code counts only for spellings that are
        # alike as letters too (Olga/Oleg, Marquez/Marcos share a code and are different names)
        if mq and mq == mc and len(mq) >= 2 and best >= PHONETIC_MIN_SPELLING:
            best, method = PHONETIC_SCORE, "phonetic"
    if best < SKELETON_SCALE and (q.abjad or c.abjad) and q.abjad != c.abjad:
        sq, sc = _skeletons(q.text, q.abjad), _skeletons(c.text, c.abjad)
        sk = max(
            (OSA.normalized_similarity(a, b) for a in sq for b in sc if len(a) >= 3 and len(b) >= 3),
            default=0.0,
        )
        shortest = min(len(x) for x in (*sq, *sc) if x)
        scale = SKELETON_SCALE if shortest >= 4 else SKELETON_SCALE - 0.07
        if sk * scale > best:
            best, method = sk * scale, "transliteration"
    if best < 1.0 and method in ("fuzzy", "vowel_variant", "phonetic"):
        if _single_han(q) or _single_han(c):
            # one Chinese syllable: a letter off is another syllable, another character
            best *= 0.75
        elif _han(q) or _han(c):
            best *= 0.8
    if (
        not cross
        and best < LATIN_SYMBOL_SCORE
        and q.kind == c.kind == WORD
        and len(q.text) >= 3
        and len(c.text) >= 3
    ):
        # spelling variants and short forms known to the name dictionary: Osama/Usama, Ted/Theodore
        left = _symbols.symbols(q.phrase or q.text)
        if left and left & _symbols.symbols(c.phrase or c.text):
            best, method = LATIN_SYMBOL_SCORE, "name_variant"
    if best < WADE_GILES_SCORE and not cross and _wade_giles_equal(q, c):
        best, method = WADE_GILES_SCORE, "transliteration"
    if cross and best < SYMBOL_SCORE:
        left = _symbols.symbols(q.source or q.phrase or q.text)
        if left and left & _symbols.symbols(c.source or c.phrase or c.text):
            value = SYMBOL_SCORE if not (_single_han(q) or _single_han(c)) else SYMBOL_SCORE - 0.1
            if value > best:
                best, method = value, "name_variant"
    return best, method


def _wade_giles_equal(q: NameToken, c: NameToken) -> bool:
    """One part (or run of parts: 'Chin-ping') in Wade-Giles, the other its pinyin ('Jinping')."""
    if q.kind != WORD or c.kind != WORD or q.source or c.source:
        return False
    return c.text in wade_giles_readings(tuple((q.phrase or q.text).split())) or q.text in (
        wade_giles_readings(tuple((c.phrase or c.text).split()))
    )


def _han(token: NameToken) -> bool:
    return bool(token.source) and _script_of(token.source) == "Han"


def _single_han(token: NameToken) -> bool:
    return len(token.source) == 1 and _script_of(token.source) == "Han"


def credit(similarity: float) -> float:
    """A pair's contribution per unit weight: its similarity, minus a growing penalty below the knee."""
    if similarity >= KNEE:
        return similarity
    return max(FLOOR, similarity - STEEPNESS * (KNEE - similarity))


# --- alignment ---------------------------------------------------------------------------------------


def _surface(token: NameToken) -> str:
    return token.phrase if token.kind == LEGAL and token.phrase else token.text


def _joined(tokens: tuple[NameToken, ...], start: int, size: int) -> NameToken:
    parts = tokens[start : start + size]
    source = "".join(t.source for t in parts) if all(t.source for t in parts) else ""
    phrase = " ".join(_surface(t) for t in parts) if not source else ""
    return NameToken("".join(_surface(t) for t in parts), WORD, source, any(t.abjad for t in parts), phrase)


def _spans(
    tokens: tuple[NameToken, ...], free: list[int], join: bool = True
) -> list[tuple[int, int, NameToken, float]]:
    """Each free part alone, and each run of 2-3 adjacent free parts joined: (start, size, token, weight)."""
    out = [(i, 1, tokens[i], tokens[i].weight) for i in free]
    if not join:
        return out
    free_set = set(free)
    for size in (2, 3) if len(free) <= 4 else (2,):
        for start in free:
            if start + size > len(tokens) or any(i not in free_set for i in range(start, start + size)):
                continue
            parts = tokens[start : start + size]
            if any(t.kind == NUMBER or (t.kind == LEGAL and not t.phrase) for t in parts):
                continue
            out.append((start, size, _joined(tokens, start, size), sum(t.weight for t in parts)))
    return out


def _acronyms(tokens: tuple[NameToken, ...], free: list[int]) -> list[tuple[int, int, str, float]]:
    """Initials of runs of 2-4 free parts (particles skipped or kept): (start, size, initials, weight)."""
    out: list[tuple[int, int, str, float]] = []
    free_set = set(free)
    for size in (2, 3, 4):
        for start in free:
            if start + size > len(tokens) or any(i not in free_set for i in range(start, start + size)):
                continue
            parts = tokens[start : start + size]
            if any(t.kind in (LEGAL, NUMBER) or t.source or not t.text[0].isalpha() for t in parts):
                continue
            weight = sum(t.weight for t in parts)
            out.append((start, size, "".join(t.text[0] for t in parts), weight))
            content = "".join(t.text[0] for t in parts if t.kind not in (PARTICLE,))
            if len(content) >= 2 and content != out[-1][2]:
                out.append((start, size, content, weight))
    return out


_Option = tuple[float, float, int, int, int, int, str, str, str]


def _add_acronyms(
    short_side: tuple[NameToken, ...],
    short_free: list[int],
    long_side: tuple[NameToken, ...],
    long_free: list[int],
    options: list[_Option],
    flipped: bool,
) -> None:
    """A 2-4 letter part equal to the initials of a run of parts on the other side."""
    acronyms = None
    for index in short_free:
        token = short_side[index]
        if (
            not 2 <= len(token.text) <= 4
            or token.kind not in (WORD, GENERIC)
            or token.source
            or not token.text.isalpha()
            or len(long_free) < 2
        ):
            continue
        if acronyms is None:
            acronyms = _acronyms(long_side, long_free)
        for start, size, initials, weight in acronyms:
            if initials == token.text:
                pair_weight = (token.weight + weight) / 2
                joined = " ".join(t.text for t in long_side[start : start + size])
                if flipped:
                    options.append(
                        (ACRONYM_SCORE, pair_weight, start, size, index, 1, "acronym", joined, token.text)
                    )
                else:
                    options.append(
                        (ACRONYM_SCORE, pair_weight, index, 1, start, size, "acronym", token.text, joined)
                    )


def _plainly_equal(q: NameToken, c: NameToken) -> bool:
    if q.text != c.text:
        return False
    # the same romanisation of different characters in one script is not a match ("shi": 石 / 市)
    return not (
        q.source and c.source and q.source != c.source and _script_of(q.source) == _script_of(c.source)
    )


_PATRONYMIC_PARTICLES = frozenset({"bin", "ben", "ibn", "bint", "ould", "binti"})


def _is_organisation(tokens: tuple[NameToken, ...]) -> bool:
    return any(token.kind == LEGAL for token in tokens)


def _organisation_like(name: NormalizedName) -> bool:
    """Said to be an organisation, or has a legal form or a generic word of organisation names."""
    return name.org or any(token.kind in (LEGAL, GENERIC) for token in name.tokens)


def _left_out_weight(tokens: tuple[NameToken, ...], index: int) -> float:
    """What a part present in one name only costs, per unit of EXTRA_COST. A name after 'bin' / 'ibn'
    names a father or forefather ('Usama bin Muhammad bin Awad bin Ladin'): like a Russian patronymic it
    is often left out, so it costs what a patronymic costs."""
    token = tokens[index]
    if token.kind == WORD and index > 0 and tokens[index - 1].text in _PATRONYMIC_PARTICLES:
        return min(token.weight, PATRONYMIC_WEIGHT)
    return token.weight


def _patronymic_swap(qt: tuple[NameToken, ...], ct: tuple[NameToken, ...]) -> tuple[str, str] | None:
    """'Salman bin Muhammad' against 'Muhammad bin Salman': the same names, father and son swapped. The
    names either side of 'bin' are the nearest parts that are not particles ('Ibrahim bin al-Din' against
    'Saif al-Din bin Ibrahim')."""

    def triples(tokens: tuple[NameToken, ...]) -> list[tuple[str, str, str]]:
        out = []
        for i in range(1, len(tokens) - 1):
            if tokens[i].text not in _PATRONYMIC_PARTICLES:
                continue
            before = [t.text for t in tokens[:i] if t.kind != PARTICLE]
            after = [t.text for t in tokens[i + 1 :] if t.kind != PARTICLE]
            if before and after:
                out.append((before[-1], tokens[i].text, after[0]))
        return out

    for left, particle, right in triples(qt):
        for c_left, _, c_right in triples(ct):
            if left == c_right and right == c_left and left != right:
                return f"{left} {particle} {right}", f"{c_left} {particle} {c_right}"
    return None


def align(
    query: NormalizedName, candidate: NormalizedName, explain: bool = True
) -> tuple[list[PartMatch], float, float]:
    """Best-first alignment of parts (identical parts first, then the best remaining pairs, joined parts
    and initials); returns the part matches, the name score and the informative (word/number/initial)
    credit."""
    qt, ct = query.tokens, candidate.tokens
    if not qt or not ct:
        return [], 0.0, 0.0
    q_used = [False] * len(qt)
    c_used = [False] * len(ct)
    chosen: list[_Option] = []
    positions: dict[str, list[int]] = {}
    for j, token in enumerate(ct):
        positions.setdefault(token.text, []).append(j)
    for i, token in enumerate(qt):
        for j in positions.get(token.text, ()):
            if not c_used[j] and _plainly_equal(token, ct[j]):
                q_used[i] = c_used[j] = True
                chosen.append(
                    (1.0, (token.weight + ct[j].weight) / 2, i, 1, j, 1, "exact", token.text, token.text)
                )
                break
    q_free = [i for i in range(len(qt)) if not q_used[i]]
    c_free = [j for j in range(len(ct)) if not c_used[j]]
    if q_free and c_free:
        cross = not (query.is_latin and candidate.is_latin)
        options: list[_Option] = []
        join = len(q_free) + len(c_free) <= MAX_JOIN_PARTS
        c_spans = _spans(ct, c_free, join)
        for qs, qn, qtok, qw in _spans(qt, q_free, join):
            for cs, cn, ctok, cw in c_spans:
                if qn > 1 and cn > 1:
                    continue
                if (qn > 1 or cn > 1) and (
                    abs(len(qtok.text) - len(ctok.text)) > 3
                    or (qtok.text[0] != ctok.text[0] and not cross and not _wade_giles_equal(qtok, ctok))
                ):
                    continue
                sim, method = part_similarity(qtok, ctok, cross)
                if qn > 1 or cn > 1:
                    if sim < MERGE_MIN:
                        continue
                    method = "joined" if method in ("exact", "fuzzy") else method
                options.append((sim, (qw + cw) / 2, qs, qn, cs, cn, method, qtok.text, ctok.text))
        _add_acronyms(qt, q_free, ct, c_free, options, flipped=False)
        _add_acronyms(ct, c_free, qt, q_free, options, flipped=True)
        options.sort(key=lambda o: (-o[0], -(o[3] + o[5]), -o[1]))
        for option in options:
            _, _, qs, qn, cs, cn = option[:6]
            if any(q_used[qs : qs + qn]) or any(c_used[cs : cs + cn]):
                continue
            for i in range(qs, qs + qn):
                q_used[i] = True
            for i in range(cs, cs + cn):
                c_used[i] = True
            chosen.append(option)
    organisation = _is_organisation(qt) or _is_organisation(ct)
    extra_cost = EXTRA_COST_ORG if organisation else EXTRA_COST
    parts: list[PartMatch] = []
    numerator = denominator = informative = 0.0
    whole_part = False  # a part matched as a part, not only by its initial
    for sim, weight, qs, qn, cs, cn, method, qtext, ctext in chosen:
        if qn == cn == 1 and qt[qs].patronymic and ct[cs].patronymic:
            # a patronymic weighs less because it is often left out; when both names give one, it
            # names the father and counts in full (Magomedovich ~ Salimovich: different fathers)
            weight = KIND_WEIGHTS[WORD]
        value = credit(sim)
        numerator += weight * value
        denominator += weight
        if sim >= 0.75 and (qn > 1 or cn > 1 or qt[qs].kind in (WORD, NUMBER, INITIAL)):
            informative += weight * value
            whole_part = whole_part or method not in ("initial", "acronym")
        if explain:
            parts.append(PartMatch(qtext, ctext, round(sim, 4), round(weight, 3), method))
    for i, token in enumerate(qt):
        if not q_used[i]:
            cost = extra_cost * _left_out_weight(qt, i)
            denominator += cost
            if explain:
                parts.append(PartMatch(token.text, "", 0.0, round(cost, 3), "extra"))
    for i, token in enumerate(ct):
        if not c_used[i]:
            cost = extra_cost * _left_out_weight(ct, i)
            denominator += cost
            if explain:
                parts.append(PartMatch("", token.text, 0.0, round(cost, 3), "extra"))
    score = max(0.0, numerator / denominator) if denominator else 0.0
    swap = _patronymic_swap(qt, ct)
    if swap:
        score = max(0.0, score - PATRONYMIC_SWAP)
        if explain:
            parts.append(PartMatch(swap[0], swap[1], 0.0, PATRONYMIC_SWAP, "patronymic_swap"))
    has_words = any(t.kind == WORD for t in qt) or any(t.kind == WORD for t in ct)
    if informative <= 0 and has_words:
        score = min(score, MIN_INFORMATIVE)
    elif not whole_part and not (_organisation_like(query) or _organisation_like(candidate)):
        # initials alone ("N.N." ~ "Nursultan Nazarbayev") do not identify a person; an organisation
        # is often known by its acronym ("PLA")
        score = min(score, MIN_INFORMATIVE)
    return parts, min(1.0, score), informative


def name_score(
    query: NormalizedName, candidate: NormalizedName, explain: bool = True
) -> tuple[float, list[PartMatch]]:
    parts, score, _ = align(query, candidate, explain)
    return score, parts


def best_form_score(
    queries: tuple[NormalizedName, ...], candidates: tuple[NormalizedName, ...]
) -> tuple[float, list[PartMatch], NormalizedName, NormalizedName]:
    """The best score over every spelling variant of both names."""
    best: tuple[float, list[PartMatch], NormalizedName, NormalizedName] | None = None
    for query in queries:
        for candidate in candidates:
            score, parts = name_score(query, candidate)
            if best is None or score > best[0]:
                best = (score, parts, query, candidate)
    assert best is not None
    return best


# --- adjustments -------------------------------------------------------------------------------------

_PERSONISH = {"person"}
_THINGS = {"vessel", "aircraft"}


def type_adjustment(query_type: str | None, entry_type: str) -> Adjustment | None:
    if not query_type or query_type == "unknown" or entry_type == "unknown" or query_type == entry_type:
        return None
    if query_type in _PERSONISH or entry_type in _PERSONISH or query_type in _THINGS or entry_type in _THINGS:
        delta = ADJUSTMENTS["type_mismatch_person"]
    else:
        delta = ADJUSTMENTS["type_mismatch_other"]
    return Adjustment("entity_type", f"query is a {query_type}, listed party is a {entry_type}", delta)


def country_adjustment(query_country: str | None, entry_countries: tuple[str, ...]) -> Adjustment | None:
    if not query_country or not entry_countries:
        return None
    if query_country in entry_countries:
        return Adjustment("country", f"country {query_country} matches", ADJUSTMENTS["country_match"])
    return Adjustment(
        "country",
        f"country {query_country} not among {', '.join(entry_countries)}",
        ADJUSTMENTS["country_mismatch"],
    )


def birth_date_adjustment(query_date: str | None, entry_dates: tuple[str, ...]) -> Adjustment | None:
    if not query_date or not entry_dates or not query_date[:4].isdigit():
        return None
    year = int(query_date[:4])
    if len(query_date) >= 10 and query_date[:10] in entry_dates:
        return Adjustment(
            "birth_date", f"date of birth {query_date[:10]} matches", ADJUSTMENTS["birth_date_match"]
        )
    years = [int(date[:4]) for date in entry_dates if date[:4].isdigit()]
    if not years:
        return None
    exact_known = [date for date in entry_dates if len(date) >= 10]
    if year in years and not (
        len(query_date) >= 10 and exact_known and all(d[:4] == query_date[:4] for d in exact_known)
    ):
        return Adjustment("birth_date", f"year of birth {year} matches", ADJUSTMENTS["birth_year_match"])
    if year in years:
        # same year, but every full date listed differs from the query's full date
        return Adjustment("birth_date", f"year of birth {year} matches, day differs", 0.0)
    if min(abs(year - other) for other in years) <= 1:
        return Adjustment(
            "birth_date", f"year of birth {year} within a year of {', '.join(map(str, years))}", 0.0
        )
    gap = min(abs(year - other) for other in years)
    return Adjustment(
        "birth_date",
        f"year of birth {year} differs from {', '.join(sorted(set(map(str, years))))} by {gap} years or more",
        ADJUSTMENTS["birth_date_near"]
        if gap <= 2
        else ADJUSTMENTS["birth_date_mismatch"]
        if gap <= 5
        else ADJUSTMENTS["birth_date_far"],
    )


def name_kind_adjustment(kind: str) -> Adjustment | None:
    if kind == "alias_weak":
        return Adjustment("name_kind", "matched a weak (low-quality) alias", ADJUSTMENTS["weak_alias"])
    if kind == "former":
        return Adjustment("name_kind", "matched a former name", ADJUSTMENTS["former_name"])
    return None


def combine(name_value: float, adjustments: list[Adjustment]) -> float:
    return round(min(1.0, max(0.0, name_value + sum(a.delta for a in adjustments))), 4)


def score_pair(name1: str, name2: str, entity_type: str | None = None) -> Explanation:
    """Score two names against each other with the same scorer the index uses (no other fields)."""
    org = entity_type in ("organization",)
    queries, candidates = analyse_name(name1, org), analyse_name(name2, org)
    value, parts, query, candidate = best_form_score(queries, candidates)
    value = round(value, 4)
    return Explanation(query.text, candidate.text, tuple(parts), value, (), value)
