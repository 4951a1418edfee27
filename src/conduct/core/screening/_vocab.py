"""Word lists the normaliser uses: legal forms (from rigour's org_types.yml), particles, titles, numbers and
the generic words of organisation names. Data, not logic: each word says how much it can identify a party."""

from __future__ import annotations

from functools import cache
from importlib import resources

from conduct.core.screening import _tables


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Particles that join name parts in many languages; they carry little identity.
PARTICLES = _words(
    """al el ul ash bin ben ibn bint bte binti binte ould wuld abu umm
    van von der den de del della dei degli di da dos das do du la le les lo los und et ter ten zu
    the of and for in at to on by"""
)
# Honorifics, ranks and ship prefixes: part of how a name is written, not of who it is.
TITLES = _words(
    """mr mrs ms miss mx dr prof sir dame lord lady hon rev revd fr president prasident presidente
    general gen col colonel maj major capt captain lt lieutenant sgt brig brigadier admiral adm
    sheikh shaikh sheik shaykh haji hajji hajj alhaj alhaji mullah mulla mawlawi maulavi maulvi mawlavi
    moulavi qari hafiz mufti imam ayatollah hojatoleslam sayyid syed jr sr junior senior
    mv m/v mt tss ss"""
)
# Words that recur in organisation names and so say less about which organisation it is.
GENERIC_ORG_WORDS = _words(
    """group holding holdings international intl global trading trade industries industry industrial
    enterprise enterprises services service technology technologies tech systems solutions partners
    capital investment investments management fund trust foundation association organization organisation
    institute institution university academy ministry department government national general united
    commercial development construction engineering petroleum oil gas energy shipping logistics airlines
    airline airways electronics research center centre office agency authority council committee society
    union federation republic state army forces force brigade front movement party network media bank
    banking finance financial insurance securities exchange import export manufacturing factory plant
    works establishment business consulting
    products product machinery equipment chemical chemicals medical pharmaceutical bureau station
    branch subsidiary office"""
)
NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "5th": 5,
    "6th": 6,
    "7th": 7,
    "8th": 8,
    "9th": 9,
    "10th": 10,
}
ROMAN_NUMERALS = {
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "xi": 11,
    "xii": 12,
    "xiii": 13,
    "xiv": 14,
    "xv": 15,
    "xvi": 16,
    "xvii": 17,
    "xviii": 18,
    "xix": 19,
    "xx": 20,
}
# In a company's name, a lone I, V or X closing the name is a series number ("Fund X L.P."); elsewhere a
# single letter is an initial.
SINGLE_LETTER_NUMERALS = {"i": 1, "v": 5, "x": 10}
# Standard abbreviations of words of organisation names: compared as the word they stand for.
ORG_ABBREVIATIONS = {
    "intl": "international",
    "natl": "national",
    "assn": "association",
    "assoc": "association",
    "mfg": "manufacturing",
    "mfrs": "manufacturers",
    "bros": "brothers",
    "dept": "department",
    "govt": "government",
    "univ": "university",
    "hldg": "holding",
    "hldgs": "holdings",
    "mgmt": "management",
    "svcs": "services",
    "engg": "engineering",
    "grp": "group",
}
# Legal-form classes of our own, for words org_types.yml does not treat as a legal form on their own.
EXTRA_LEGAL_FORMS = {
    "company": "corp",
    "co": "corp",
    "corporation": "corp",
    "corp": "corp",
    "compania": "corp",
    "compagnie": "corp",
    "companhia": "corp",
    "cia": "corp",
    "cie": "corp",
    "kompaniya": "corp",
}
# org_types aliases that are ordinary words or name parts; matching them as legal forms would be wrong.
_NOT_LEGAL_FORMS = frozenset({"in", "lt", "ll", "lc", "pr", "e", "a", "de", "al", "da", "do", "so", "sa de"})


@cache
def legal_form_table() -> tuple[dict[tuple[str, ...], str], int]:
    """Legal-form phrases (as normalised token tuples) -> class token; and the longest phrase length.

    The class is the alias's `generic` form (LLC, JSC, LP, ...) lower-cased, so "Co., Ltd.", "GmbH",
    "OOO" and "有限公司" all become "llc"."""
    precomputed = _tables.precomputed("legal_form_table")  # an index artefact's (no pypinyin import)
    if precomputed is not None:
        return precomputed  # type: ignore[no-any-return]
    import yaml

    from conduct.core.screening._normalize import plain_tokens

    raw = resources.files("conduct.core.screening").joinpath("_data/org_types.yml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(raw, Loader=loader)  # noqa: S506 - a safe loader
    table: dict[tuple[str, ...], str] = {}
    for item in data["types"]:
        label = item.get("generic") or item.get("compare") or item.get("display")
        if not label:
            continue
        label_tokens = plain_tokens(str(label), org=True)
        if not label_tokens:
            continue
        label = "".join(label_tokens)
        for alias in [*item.get("aliases", []), item.get("display") or "", item.get("compare") or ""]:
            tokens = tuple(plain_tokens(str(alias), org=True))
            if not tokens or " ".join(tokens) in _NOT_LEGAL_FORMS or tokens[0] in ROMAN_NUMERALS:
                continue
            table.setdefault(tokens, label)
    for word, label in EXTRA_LEGAL_FORMS.items():
        table.setdefault((word,), label)
    longest = max(len(key) for key in table)
    return table, longest


@cache
def misspelt_legal_form_table() -> dict[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Legal-form phrases of two or more words with one word (of 4+ letters) left blank -> (that word,
    class): to recognise a phrase with a one-letter slip in one word ('joynt stock company')."""
    table, _ = legal_form_table()
    out: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for phrase, label in table.items():
        if len(phrase) < 2:
            continue
        for k, word in enumerate(phrase):
            if len(word) >= 4 and word.isalpha():
                key = (*phrase[:k], "", *phrase[k + 1 :])
                if (word, label) not in out.setdefault(key, []):
                    out[key].append((word, label))
    return {key: tuple(value) for key, value in out.items()}


@cache
def misspelt_legal_form_pairs() -> dict[tuple[str, ...], tuple[tuple[str, str, str], ...]]:
    """Legal-form phrases of three or more words with two words (of 4+ letters each) left blank -> (the
    first, the second, class): a phrase with a one-letter slip in each of two words ('limited liabilty
    compny')."""
    table, _ = legal_form_table()
    out: dict[tuple[str, ...], list[tuple[str, str, str]]] = {}
    for phrase, label in table.items():
        long_words = [k for k, word in enumerate(phrase) if len(word) >= 4 and word.isalpha()]
        for n, k in enumerate(long_words if len(phrase) >= 3 else ()):
            for m in long_words[n + 1 :]:
                key = (*phrase[:k], "", *phrase[k + 1 : m], "", *phrase[m + 1 :])
                found = (phrase[k], phrase[m], label)
                if found not in out.setdefault(key, []):
                    out[key].append(found)
    return {key: tuple(value) for key, value in out.items()}


GLUED_LEGAL_WORDS = (
    "limited",
    "ltd",
    "llc",
    "incorporated",
    "inc",
    "corporation",
    "corp",
    "company",
    "gmbh",
    "plc",
    "ojsc",
    "pjsc",
    "cjsc",
    "jsc",
)  # legal-form words found run onto the name before them ('AcmeLtd', 'COMPANYLIMITED')


@cache
def single_word_legal_forms() -> dict[str, tuple[str, ...]]:
    """One-word legal forms of 5+ letters by each of their one-letter deletions (and themselves): to
    recognise one with a one-letter slip ('Limitd', 'Corporatoin')."""
    table, _ = legal_form_table()
    out: dict[str, list[str]] = {}
    for phrase in table:
        if len(phrase) != 1 or len(phrase[0]) < 5 or not phrase[0].isalpha():
            continue
        word = phrase[0]
        for key in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
            if word not in out.setdefault(key, []):
                out[key].append(word)
    return {key: tuple(value) for key, value in out.items()}


@cache
def glued_legal_phrases() -> dict[str, tuple[str, ...]]:
    """Legal-form phrases of two or more words written as one word ('jointventure',
    'aktsionernoeobshchestvo') -> the phrase's words, for phrases of ten letters or more."""
    table, _ = legal_form_table()
    out: dict[str, tuple[str, ...]] = {}
    for phrase in table:
        joined = "".join(phrase)
        if len(phrase) >= 2 and len(joined) >= 10 and joined.isalpha() and (joined,) not in table:
            out.setdefault(joined, phrase)
    return out


@cache
def legal_phrase_words() -> dict[str, tuple[tuple[tuple[str, ...], int], ...]]:
    """Each word (five letters or more) of a legal-form phrase of two or more words -> (phrase, its place
    there), to join the word where it was split in two ('joint ven ture')."""
    table, _ = legal_form_table()
    out: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for phrase in table:
        if len(phrase) >= 2:
            for place, word in enumerate(phrase):
                if len(word) >= 5 and word.isalpha():
                    out.setdefault(word, []).append((phrase, place))
    return {word: tuple(found) for word, found in out.items()}
