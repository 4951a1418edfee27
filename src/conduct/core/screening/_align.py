"""Alignment: pairs the parts of two normalised names (identical parts first, then the best remaining pairs,
joined parts and initials) and combines the pairs' similarities into a name score."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

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
)
from conduct.core.screening._similarity import _script_of, _wade_giles_equal, part_similarity, written

# --- tuning (chosen with the rest of the scorer's, see _scoring) ---
KNEE = 0.85  # part similarity below which a pair starts to count against the match
STEEPNESS = 1.2  # how fast it does
FLOOR = -1.0  # the most one pair can count against
EXTRA_COST = 0.15  # cost of a part present on one side only, per unit of its weight (people)
LONE_MATCH_EXTRA_COST = 0.30  # ... when only one pair of word parts was aligned
EXTRA_COST_ORG = 0.35  # in organisation names an extra word usually names another organisation
PATRONYMIC_SWAP = 0.25  # "A bin B" against "B bin A": father and son; below the alert however alike
MIN_INFORMATIVE = 0.5  # cap when only particles / legal forms / generic words matched
MERGE_MIN = 0.84  # joined parts ("SiemensAG" ~ "Siemens AG") must be at least this similar
MAX_JOIN_PARTS = 8  # beyond this many unaligned parts, joined parts are not tried (cost grows fast)
ACRONYM_SCORE = 0.85  # "PLA" ~ "People's Liberation Army", "JC" ~ "Jean-Claude"
SHORT_ACRONYM_SCORE = 0.80  # two letters: two words' initials agree by chance one time in a few hundred
SLIP_MIN_LENGTH = 6  # parts shorter than this differ by a slip as often as they are other names
SLIP_LETTERS = 4  # one more slip allowed for every so many letters beyond that
SLIP_MIN_SIMILARITY = 0.7  # ... and never below this letter similarity
# A query part that no listed name uses ('Ghaiaoin', 'Zadi') is more likely a listed part mistyped than
# another name: from this many letters it may have slipped twice, down to this letter similarity.
NOVEL_SLIP_MIN_LENGTH = 5
NOVEL_SLIPS = 2
NOVEL_SLIP_MIN_SIMILARITY = 0.6


@dataclass(frozen=True)
class PartMatch:
    """Parts of the query and of the listed name that were aligned (or left over), and how similar."""

    query: str  # query part(s), space-separated; "" for a listed part with no counterpart
    candidate: str  # listed part(s); "" for a query part with no counterpart
    score: float  # 0..1 similarity of the parts
    weight: float  # how much the pair counts in the name score
    method: str  # exact, fuzzy, vowel_variant, phonetic, transliteration, name_variant, initial, acronym,
    # joined, legal_form, number, extra, patronymic_swap


def credit(similarity: float, slips: bool = False) -> float:
    """A pair's contribution per unit weight: its similarity, minus a growing penalty below the knee
    (none for parts within their typing-slip budget, see within_slips)."""
    if similarity >= KNEE or slips:
        return similarity
    return max(FLOOR, similarity - STEEPNESS * (KNEE - similarity))


def slip_budget(length: int) -> int:
    """Letters a part of this length may have mistyped and still be read as the same part: none below
    SLIP_MIN_LENGTH letters, then one more for every SLIP_LETTERS letters."""
    return 0 if length < SLIP_MIN_LENGTH else 1 + (length - SLIP_MIN_LENGTH) // SLIP_LETTERS


def within_slips(similarity: float, method: str, query: str, candidate: str, novel: bool = False) -> bool:
    """Two Latin parts that differ as typing slips do (letters swapped, doubled, dropped or struck
    for a neighbour), by no more than the longer one's budget; a `novel` query part (one that no listed
    name uses, see NameIndex.novel_parts) has a budget of at least NOVEL_SLIPS from NOVEL_SLIP_MIN_LENGTH
    letters."""
    if method != "fuzzy" or query[:1] != candidate[:1]:
        return False
    longest = max(len(query), len(candidate))
    slips = round((1.0 - similarity) * longest)
    if similarity >= SLIP_MIN_SIMILARITY and slips <= slip_budget(longest):
        return True
    return (
        novel
        and similarity >= NOVEL_SLIP_MIN_SIMILARITY
        and longest >= NOVEL_SLIP_MIN_LENGTH
        and slips <= max(NOVEL_SLIPS, slip_budget(longest))
    )


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
            if len({_script_of(t.source) if t.source else "Latin" for t in parts}) > 1:
                # parts run together are written in one script: 'Ayse סלמאן' is not one name mistyped
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
                score = ACRONYM_SCORE if len(initials) > 2 else SHORT_ACRONYM_SCORE
                joined = " ".join(t.text for t in long_side[start : start + size])
                if flipped:
                    options.append((score, pair_weight, start, size, index, 1, "acronym", joined, token.text))
                else:
                    options.append((score, pair_weight, index, 1, start, size, "acronym", token.text, joined))


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
    query: NormalizedName,
    candidate: NormalizedName,
    explain: bool = True,
    novel: frozenset[str] = frozenset(),
) -> tuple[list[PartMatch], float, float]:
    """Best-first alignment of parts (identical parts first, then the best remaining pairs, joined parts
    and initials); returns the part matches, the name score and the informative (word/number/initial)
    credit. `novel`: the query's parts that no listed name uses (more slips allowed, see within_slips)."""
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
        same = positions.get(token.text, ())
        if len(same) > 1:  # a legal form read twice ('CORPORATION', 'FINCORP'): the one written alike first
            same = sorted(same, key=lambda j: _surface(ct[j]) != _surface(token))
        for j in same:
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
        for option in _options(qt, q_free, ct, c_free, cross):
            _, _, qs, qn, cs, cn = option[:6]
            if any(q_used[qs : qs + qn]) or any(c_used[cs : cs + cn]):
                continue
            for i in range(qs, qs + qn):
                q_used[i] = True
            for i in range(cs, cs + cn):
                c_used[i] = True
            chosen.append(option)
    return _name_value(query, candidate, chosen, q_used, c_used, explain, novel)


def _options(
    qt: tuple[NameToken, ...],
    q_free: list[int],
    ct: tuple[NameToken, ...],
    c_free: list[int],
    cross: bool,
) -> list[_Option]:
    """Every way to pair the parts left after identical ones (parts, joined parts, acronyms), best first."""
    options: list[_Option] = []
    join = len(q_free) + len(c_free) <= MAX_JOIN_PARTS
    c_spans = _spans(ct, c_free, join)
    for qs, qn, qtok, qw in _spans(qt, q_free, join):
        for cs, cn, ctok, cw in c_spans:
            if qn > 1 and cn > 1:
                continue
            q_text, c_text = _surface(qtok), _surface(ctok)
            if (qn > 1 or cn > 1) and (
                abs(len(q_text) - len(c_text)) > 3
                or (q_text[0] != c_text[0] and not cross and not _wade_giles_equal(qtok, ctok))
            ):
                continue
            sim, method = part_similarity(qtok, ctok, cross)
            if qn > 1 or cn > 1:
                if sim < MERGE_MIN:
                    continue
                method = "joined" if method in ("exact", "fuzzy") else method
            # a part read as a legal form on one side only counts as a legal form does
            weight = min(qw, cw) if method == "legal_form" else (qw + cw) / 2
            options.append((sim, weight, qs, qn, cs, cn, method, qtok.text, ctok.text))
    _add_acronyms(qt, q_free, ct, c_free, options, flipped=False)
    _add_acronyms(ct, c_free, qt, q_free, options, flipped=True)
    options.sort(key=lambda o: (-o[0], -(o[3] + o[5]), -o[1]))
    return options


def _lone_match_cost(
    qt: tuple[NameToken, ...], q_used: list[bool], ct: tuple[NameToken, ...], c_used: list[bool], cost: float
) -> float:
    """One name part in common and a name part on one side with no counterpart: a shared given name (or
    surname) alone; the part left over says these may be two people, and costs more. A short part left
    over ('Li', 'Fu', 'Ng') says so as much as a long one: here it counts as a whole name part."""
    extra = 0.0
    for tokens, used in ((qt, q_used), (ct, c_used)):
        for i, token in enumerate(tokens):
            if not used[i] and token.kind == WORD and not token.patronymic:
                weight = _left_out_weight(tokens, i)
                if len(token.text) <= 2:
                    weight = max(weight, KIND_WEIGHTS[WORD])
                extra += (LONE_MATCH_EXTRA_COST - cost) * weight
    return extra


@dataclass
class _Tally:
    """_name_value's running sums over the pairs chosen and the parts left over."""

    numerator: float = 0.0
    denominator: float = 0.0
    informative: float = 0.0
    whole_part: bool = False  # a part matched as a part, not only by its initial
    lone_words: int = 0  # pairs of word parts
    strong_words: int = 0  # ... at least KNEE alike
    paired: dict[int, int] = field(default_factory=dict)  # query part -> listed part (single parts)
    # 'abdul' pairs (and their place in the parts): the first half of one name, 'Abd al-Samad'
    abd: list[tuple[int, int, float, int]] = field(default_factory=list)


def _tally_pairs(
    qt: tuple[NameToken, ...],
    ct: tuple[NameToken, ...],
    chosen: list[_Option],
    novel: frozenset[str],
    parts: list[PartMatch] | None,
) -> _Tally:
    """The pairs' contributions (`parts`, when given, receives each pair explained)."""
    tally = _Tally()
    for sim, weight, qs, qn, cs, cn, method, qtext, ctext in chosen:
        if qn == cn == 1 and qt[qs].patronymic and ct[cs].patronymic:
            # a patronymic weighs less because it is often left out; when both names give one, it
            # names the father and counts in full (Magomedovich ~ Salimovich: different fathers)
            weight = KIND_WEIGHTS[WORD]
        slipped = qn == cn == 1 and within_slips(
            sim, method, written(qt[qs]), written(ct[cs]), qtext in novel
        )
        value = credit(sim, slipped)
        tally.numerator += weight * value
        tally.denominator += weight
        # a part within its slip budget is that part mistyped: it identifies as the part does
        if (sim >= 0.75 or slipped) and (qn > 1 or cn > 1 or qt[qs].kind in (WORD, NUMBER, INITIAL)):
            tally.informative += weight * value
            tally.whole_part = tally.whole_part or method not in ("initial", "acronym")
        if (qt[qs].kind == WORD or ct[cs].kind == WORD or qn > 1 or cn > 1) and qtext != "abdul":
            # 'Abd al-Samad' is one name: its 'abdul' does not count as a name of its own
            tally.lone_words += 1
            tally.strong_words += sim >= KNEE
        elif qtext == ctext == "abdul":
            tally.abd.append((qs, cs, weight, len(parts) if parts is not None else -1))
        if qn == cn == 1:
            tally.paired[qs] = cs
        if parts is not None:
            parts.append(PartMatch(qtext, ctext, round(sim, 4), round(weight, 3), method))
    return tally


def _tally_extras(
    tokens: tuple[NameToken, ...],
    used: list[bool],
    extra_cost: float,
    query_side: bool,
    tally: _Tally,
    parts: list[PartMatch] | None,
) -> None:
    """The cost of the parts of one name left without a counterpart."""
    for i, token in enumerate(tokens):
        if not used[i]:
            cost = extra_cost * _left_out_weight(tokens, i)
            tally.denominator += cost
            if parts is not None:
                pair = (token.text, "") if query_side else ("", token.text)
                parts.append(PartMatch(*pair, 0.0, round(cost, 3), "extra"))


def _one_abd_name(tally: _Tally, parts: list[PartMatch] | None) -> None:
    """One name in common, 'Abd al-Salam' ('Abd al-Salam Shaffer' ~ 'Abdul Salam'): its 'abdul', followed
    on both sides by the parts paired with each other, is not a second name in common."""
    for qs, cs, weight, place in tally.abd:
        if tally.paired.get(qs + 1, -1) == cs + 1:
            tally.numerator -= weight
            tally.denominator -= weight
            if parts is not None:
                parts[place] = replace(parts[place], weight=0.0)


def _name_value(
    query: NormalizedName,
    candidate: NormalizedName,
    chosen: list[_Option],
    q_used: list[bool],
    c_used: list[bool],
    explain: bool,
    novel: frozenset[str] = frozenset(),
) -> tuple[list[PartMatch], float, float]:
    """align's result for the pairs chosen (`q_used` / `c_used` mark the parts they cover)."""
    qt, ct = query.tokens, candidate.tokens
    organisation = _is_organisation(qt) or _is_organisation(ct)
    extra_cost = EXTRA_COST_ORG if organisation else EXTRA_COST
    parts: list[PartMatch] = []
    explained = parts if explain else None
    tally = _tally_pairs(qt, ct, chosen, novel, explained)
    _tally_extras(qt, q_used, extra_cost, True, tally, explained)
    _tally_extras(ct, c_used, extra_cost, False, tally, explained)
    if tally.lone_words and tally.strong_words <= 1 and not organisation:
        # one name in common, or one and others only somewhat alike ('Omar Durma' ~ 'DURDA, Abu Zeid Omar')
        tally.denominator += _lone_match_cost(qt, q_used, ct, c_used, extra_cost)
        if tally.lone_words == 1:
            _one_abd_name(tally, explained)
    score = max(0.0, tally.numerator / tally.denominator) if tally.denominator else 0.0
    swap = _patronymic_swap(qt, ct)
    if swap:
        score = max(0.0, score - PATRONYMIC_SWAP)
        if explain:
            parts.append(PartMatch(swap[0], swap[1], 0.0, PATRONYMIC_SWAP, "patronymic_swap"))
    has_words = any(t.kind == WORD for t in qt) or any(t.kind == WORD for t in ct)
    if tally.informative <= 0 and has_words:
        score = min(score, MIN_INFORMATIVE)
    elif not tally.whole_part and not (_organisation_like(query) or _organisation_like(candidate)):
        # initials alone ("N.N." ~ "Nursultan Nazarbayev") do not identify a person; an organisation
        # is often known by its acronym ("PLA")
        score = min(score, MIN_INFORMATIVE)
    return parts, min(1.0, score), tally.informative


def name_score(
    query: NormalizedName,
    candidate: NormalizedName,
    explain: bool = True,
    novel: frozenset[str] = frozenset(),
) -> tuple[float, list[PartMatch]]:
    parts, score, _ = align(query, candidate, explain, novel)
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
