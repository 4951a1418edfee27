"""How alike two name parts are: letters, sounds, skeletons, romanisations and the name dictionary."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA

from conduct.core.screening import _symbols
from conduct.core.screening._normalize import GENERIC, INITIAL, LEGAL, NUMBER, WORD, NameToken
from conduct.core.screening._script import wade_giles_readings

# --- tuning (chosen with the rest of the scorer's, see _scoring) ---
PHONETIC_SCORE = 0.80
PHONETIC_MIN_SPELLING = 0.6  # letter similarity a sound-alike pair needs before it scores as phonetic
INITIAL_SCORE = 0.75
SYMBOL_SCORE = 0.90
LATIN_SYMBOL_SCORE = 0.85
SKELETON_SCALE = 0.92
SHORT_SKELETON_SCORE = 0.82  # one abjad part and one not, with the same two-consonant skeleton
LEGAL_MISMATCH = 0.85  # two different legal forms: barely evidence either way
NUMBER_MISMATCH = 0.75  # "Fund VII" ~ "Fund VIII": same family, a different member - still worth a look
VOWEL_VARIANT = 0.90  # parts that differ only in vowels or doubled letters: "Usama" ~ "Osama"
# The feminine and masculine of one name ('Alejandra' ~ 'Alejandro', 'Francesca' ~ 'Francisco'): in Spanish,
# Portuguese and Italian the last vowel gives the sex, so they name two people; below the knee
GENDER_PAIR_SCORE = 0.75
GENDER_PAIR_MIN_STEM = 4  # letters before the last vowel ('Mario' ~ 'Maria'; not 'Ana' ~ 'Ano')
ACRONYM_SCORE = 0.85  # "PLA" ~ "People's Liberation Army", "JC" ~ "Jean-Claude"
WADE_GILES_SCORE = 0.90  # "Hsi" ~ "Xi", "Tse-tung" ~ "Zedong": two romanisations of the same syllables


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
    # a first w / y can be a vowel too, after an unwritten ع ('wlqy' ~ 'Aulaqi')
    bare = collapse([ch for ch in text if ch not in _VOWELS and ch not in "wy"])
    return frozenset({keep, drop, bare} if len(bare) >= 2 else {keep, drop})


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
        return (LEGAL_MISMATCH, "legal_form") if q.kind == c.kind else _as_written_legal(q, c)
    if q.kind == NUMBER and c.kind == NUMBER:
        return NUMBER_MISMATCH, "number"
    if q.kind == NUMBER or c.kind == NUMBER:
        return _as_written_number(q, c)
    if q.kind == INITIAL or c.kind == INITIAL:
        if q.text[0] == c.text[0] and (q.kind == INITIAL) != (c.kind == INITIAL):
            return INITIAL_SCORE, "initial"
        return 0.0, "initial"
    best = OSA.normalized_similarity(q.text, c.text)
    method = "fuzzy"
    lengthy = len(q.text) >= 3 and len(c.text) >= 3
    if best < VOWEL_VARIANT and lengthy and not (q.abjad or c.abjad):
        sq, sc = _skeletons(q.text, False), _skeletons(c.text, False)
        skeleton_length = len(next(iter(sq)))
        long_enough = skeleton_length >= 3 or (
            skeleton_length == 2 and min(len(q.text), len(c.text)) >= 5 and best >= 0.7
        )
        if sq == sc and long_enough and (q.text[0] in _VOWELS) == (c.text[0] in _VOWELS):
            best, method = max(best, 1.0 - 0.5 * (1.0 - best)), "vowel_variant"
    if best < PHONETIC_SCORE and lengthy:
        mq, mc = _metaphone(q.text), _metaphone(c.text)
        # metaphone drops vowels and folds consonants: the same code counts only for spellings that are
        # alike as letters too (Olga/Oleg, Marquez/Marcos share a code and are different names)
        if mq and mq == mc and len(mq) >= 2 and best >= PHONETIC_MIN_SPELLING:
            best, method = PHONETIC_SCORE, "phonetic"
    if best < SKELETON_SCALE and (q.abjad or c.abjad) and q.abjad != c.abjad:
        skeletal = _skeleton_similarity(q, c)
        if skeletal > best:
            best, method = skeletal, "transliteration"
    if best < 1.0 and method in ("fuzzy", "vowel_variant", "phonetic"):
        if _single_han(q) or _single_han(c):
            # one Chinese syllable: a letter off is another syllable, another character
            best *= 0.75
        elif _han(q) or _han(c):
            best *= 0.8
    # spelling variants and short forms known to the name dictionary: Osama/Usama, Ted/Theodore
    spelling = not cross and best < LATIN_SYMBOL_SCORE and q.kind == c.kind == WORD and lengthy
    if spelling and _symbols.shares(q.phrase or q.text, c.phrase or c.text):
        best, method = LATIN_SYMBOL_SCORE, "name_variant"
    if best < WADE_GILES_SCORE and not cross and _wade_giles_equal(q, c):
        best, method = WADE_GILES_SCORE, "transliteration"
    if cross and best < SYMBOL_SCORE:
        variant = _cross_script_variant(q, c)
        if variant > best:
            best, method = variant, "name_variant"
    return _unless_gender_pair(q, c, best, method)


def _unless_gender_pair(q: NameToken, c: NameToken, best: float, method: str) -> tuple[float, str]:
    gendered = best > GENDER_PAIR_SCORE and _gender_pair(q, c)
    return (GENDER_PAIR_SCORE, "gender_pair") if gendered else (best, method)


def _gender_pair(q: NameToken, c: NameToken) -> bool:
    """'Alejandra' ~ 'Alejandro': Latin words whose last letters are 'a' and 'o' and whose stems are the same
    or differ in vowels only."""
    if q.source or c.source or q.kind != WORD or c.kind != WORD or {q.text[-1:], c.text[-1:]} != {"a", "o"}:
        return False
    stem_q, stem_c = q.text[:-1], c.text[:-1]
    if min(len(stem_q), len(stem_c)) < GENDER_PAIR_MIN_STEM or stem_q[-1] in _VOWELS or stem_c[-1] in _VOWELS:
        return False
    return stem_q == stem_c or _skeletons(stem_q, False) == _skeletons(stem_c, False)


def _as_written_legal(q: NameToken, c: NameToken) -> tuple[float, str]:
    """A legal form on one side, a plain part on the other: the same letters as the legal form was written
    ('AO' read as a legal form in one name and as a name part in the other, where its place or the
    reading of the name differs) or the legal form with one letter slipped ('EOD', 'LTDA' ~ 'LTA')."""
    legal, other = (q, c) if q.kind == LEGAL else (c, q)
    surface = legal.phrase
    if not surface or other.kind not in (WORD, GENERIC, INITIAL) or other.source:
        return 0.0, "fuzzy"
    if surface == other.text:
        return 1.0, "legal_form"
    surface = surface.replace(" ", "")  # a legal form of several words against those words run together
    shortest = min(len(surface), len(other.text))
    if shortest >= 3 and OSA.distance(surface, other.text) <= _legal_slips(shortest):
        return LEGAL_MISMATCH, "legal_form"
    return 0.0, "fuzzy"


def written(token: NameToken) -> str:
    """A part's letters as written: a number's words run together ('first' for 1), else its text."""
    return token.phrase.replace(" ", "") if token.kind == NUMBER and token.phrase else token.text


def _as_written_number(q: NameToken, c: NameToken) -> tuple[float, str]:
    """A number written as a word on one side ('FIRST', read as 1) and a plain part on the other: the part
    against the word as written ('FIRAET' is 'FIRST' mistyped, not another name)."""
    number, other = (q, c) if q.kind == NUMBER else (c, q)
    if not number.phrase or other.kind != WORD or other.source:
        return 0.0, "number"
    return OSA.normalized_similarity(written(number), other.text), "fuzzy"


def _legal_slips(length: int) -> int:
    """Letters a legal form written out ('COMAPNY', 'LIMTIED', 'OBSHCHESTVO') may have slipped and still
    be read as that legal form: one, two from six letters, three from twelve. A legal form identifies no
    one, so a mistyped one only keeps the rest of the name from being read as another name."""
    return 1 if length < 6 else 2 if length < 12 else 3


def _cross_script_variant(q: NameToken, c: NameToken) -> float:
    """For parts compared across scripts: the score they earn as one name in the name dictionary, else 0."""
    if _symbols.shares(q.source or q.phrase or q.text, c.source or c.phrase or c.text):
        return SYMBOL_SCORE if not (_single_han(q) or _single_han(c)) else SYMBOL_SCORE - 0.1
    return 0.0


_FOLDS = (("dh", "z"), ("th", "s"), ("q", "k"), ("w", "v"))


def _fold(skeleton: str) -> str:
    """Consonants that romanisations of Arabic and Persian write differently: ذ as 'dh' or 'z', ث as
    'th' or 's', ق as 'q' or 'k'."""
    for before, after in _FOLDS:
        skeleton = skeleton.replace(before, after)
    return skeleton


def _skeleton_similarity(q: NameToken, c: NameToken) -> float:
    """For one part from an abjad (vowels unwritten) and one not: how alike their consonant skeletons are,
    scaled down (more for short skeletons)."""
    sq, sc = _skeletons(q.text, q.abjad), _skeletons(c.text, c.abjad)
    sq, sc = sq | {_fold(x) for x in sq}, sc | {_fold(x) for x in sc}
    sk = max(
        (OSA.normalized_similarity(a, b) for a in sq for b in sc if len(a) >= 3 and len(b) >= 3),
        default=0.0,
    )
    # two-consonant skeletons ('Rauf' ~ 'rwf', 'Aleem' ~ 'lym'): equal ones only, and worth less
    short = SHORT_SKELETON_SCORE if sq & sc and min(len(q.text), len(c.text)) >= 3 else 0.0
    shortest = min(len(x) for x in (*sq, *sc) if x)
    scale = SKELETON_SCALE if shortest >= 4 else SKELETON_SCALE - 0.07
    return max(sk * scale, short)


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
