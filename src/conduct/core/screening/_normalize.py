"""Name normalisation: one comparable, Latin-letter form (or a few, where a script has several usual
romanisations) of any name, split into typed parts.

    normalize_name("HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.")
        -> "hangzhou hikvision digital technology llc"
    normalize_name("AL-ZAWAHIRI, Ayman")  -> "ayman al zawahiri"
    normalize_name("Владимир Путин")      -> "vladimir putin"
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from conduct.core.screening import _script as script
from conduct.core.screening._mend import (
    ABD,
    ALLAH,
    ARABIC_ABD,
    ARABIC_ARTICLE,
    ARABIC_PARTICLES,
    ARTICLES,
    TA_MARBUTA,
    has_legal_form,
    join_legal_letters,
    join_spaced_letters,
    mend_legal_forms,
    misspelt_legal_form,
    prepare,
    split_abd_compounds,
)
from conduct.core.screening._vocab import (
    GENERIC_ORG_WORDS,
    NUMBER_WORDS,
    ORG_ABBREVIATIONS,
    PARTICLES,
    ROMAN_NUMERALS,
    SINGLE_LETTER_NUMERALS,
    TITLES,
    legal_form_table,
)

WORD, GENERIC, PARTICLE, TITLE, LEGAL, NUMBER, INITIAL = (
    "word",
    "generic",
    "particle",
    "title",
    "legal_form",
    "number",
    "initial",
)
# How much each kind of part can tell two parties apart (a word is 1).
KIND_WEIGHTS = {WORD: 1.0, GENERIC: 0.5, PARTICLE: 0.2, TITLE: 0.2, LEGAL: 0.25, NUMBER: 0.6, INITIAL: 0.4}


PATRONYMIC_WEIGHT = 0.6  # Russian-style patronymics: often left out
_PATRONYMIC_ENDINGS = ("ovich", "evich", "ovych", "evych", "ovna", "evna", "ivna", "ogly", "oglu", "kyzy")


@dataclass(frozen=True, slots=True)
class NameToken:
    """One part of a normalised name."""

    text: str  # lower-case ASCII form compared
    kind: str  # WORD, GENERIC, PARTICLE, TITLE, LEGAL, NUMBER or INITIAL
    source: str = ""  # the part as written, when not in Latin letters (for cross-script name lookups)
    abjad: bool = False  # transliterated from a script that leaves vowels out (Arabic, Hebrew, Thai...)
    phrase: str = ""  # parts joined while aligning: the parts, space-separated; a legal form or a number:
    # the words as written

    @property
    def weight(self) -> float:
        base = KIND_WEIGHTS[self.kind]
        if self.kind == WORD:
            if len(self.text) <= 2:
                return 0.8
            if self.patronymic:
                return PATRONYMIC_WEIGHT
        return base

    @property
    def patronymic(self) -> bool:
        """A Russian- or Turkic-style patronymic ('Vladimirovich', 'Ivanovna', 'Aliyev oglu')."""
        return self.kind == WORD and len(self.text) > 6 and self.text.endswith(_PATRONYMIC_ENDINGS)


@dataclass(frozen=True, slots=True)
class NormalizedName:
    """A name as compared: its typed parts in order (after "LAST, First" reordering)."""

    original: str
    tokens: tuple[NameToken, ...]
    scripts: frozenset[str] = frozenset()
    org: bool = False  # read as an organisation's name (said by the caller, or it has a legal form)

    @property
    def text(self) -> str:
        return " ".join(token.text for token in self.tokens)

    @property
    def is_latin(self) -> bool:
        return self.scripts <= {"Latin"}


_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "9": "g", "8": "b"})
_WORD_CATEGORIES = ("L", "N", "M")


def _words(text: str) -> list[str]:
    """Split on anything that is not a letter, digit or combining mark (Unicode-aware)."""
    words: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch.isalnum() or unicodedata.category(ch)[0] in _WORD_CATEGORIES:
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _runs(word: str) -> list[tuple[str, str]]:
    """(script, text) runs of one word; digits and marks stay with the run they follow."""
    runs: list[tuple[str, str]] = []
    for ch in word:
        name = script.char_script(ch) if ch.isalpha() else ""
        if runs and (not name or name == runs[-1][0]):
            runs[-1] = (runs[-1][0], runs[-1][1] + ch)
        elif not runs and not name:
            runs.append(("Latin", ch))
        else:
            runs.append((name, ch))
    if any(name == "Kana" for name, _ in runs):  # Japanese: kana with kanji is one reading unit
        return [("Kana", word)]
    return runs


def _latin_token(text: str) -> str:
    text = script.strip_latin(text).lower()
    if not text.isascii():
        text = script.to_ascii(text).lower()
    if len(text) >= 4 and any(ch.isdigit() for ch in text[1:-1]) and text[0].isalpha() and text[-1].isalpha():
        # digits standing in for letters inside a word: "Sech1n", "Ig0r"
        text = text.translate(_LEET)
    return "".join(ch for ch in text if ch.isalnum())


# A raw part before typing: (text, source-script text, script, abjad)
_Part = tuple[str, str, str, bool]


def _han_parts(run: str, whole_name: bool, org: bool) -> list[list[_Part]]:
    """Pinyin and Wade-Giles variants of a Han run. Short runs read as a Chinese personal name (surname,
    then given name written as one word); long ones (company names) as one part per syllable."""
    pinyin, wade = script.han_syllables(run)
    variants: list[list[_Part]] = []
    if org or len(run) > 4 or len(pinyin) != len(run):
        # an organisation's name: one part per syllable, pinyin only (legal forms are read from pinyin)
        return [[(s, ch, "Han", False) for s, ch in zip(pinyin, run, strict=False)]]
    for syllables in (pinyin, wade):
        if len(run) == 1 or not whole_name:
            variants.append([("".join(syllables), run, "Han", False)])
            continue
        cut = _han_cut(run)
        variants.append(
            [
                ("".join(syllables[:cut]), run[:cut], "Han", False),
                ("".join(syllables[cut:]), run[cut:], "Han", False),
            ]
        )
    return variants if variants[0] != variants[1] else variants[:1]


@lru_cache(maxsize=65_536)
def _han_cut(run: str) -> int:
    """Where the surname ends in an unspaced Han name: after the first character (Chinese usage, or two
    for compound surnames) unless the name dictionary knows a split into two known name parts
    (Japanese 山田|太郎)."""
    default = 2 if run[:2] in script.COMPOUND_SURNAMES else 1
    if len(run) < 3:
        return default
    from conduct.core.screening import _symbols

    def known(cut: int) -> int:
        return bool(_symbols.symbols(run[:cut])) + bool(_symbols.symbols(run[cut:]))

    best = max(range(1, len(run)), key=lambda cut: (known(cut), cut == default))
    return best if known(best) > known(default) else default


def _hangul_parts(run: str, whole_name: bool) -> list[list[_Part]]:
    """Revised Romanisation, North Korean (McCune-Reischauer-like) and passport-style variants."""
    pieces = [run]
    if whole_name and 2 <= len(run) <= 4:
        cut = 2 if run[:2] in script.KOREAN_COMPOUND_SURNAMES else 1
        pieces = [run[:cut], run[cut:]]
    rr_parts: list[_Part] = []
    mr_parts: list[_Part] = []
    popular_parts: list[_Part] = []
    for index, piece in enumerate(pieces):
        rr, mr = script.hangul_romanize(piece)
        rr_parts.append((rr, piece, "Hangul", False))
        mr_parts.append((mr, piece, "Hangul", False))
        surname = (
            script.KOREAN_SURNAMES.get(piece) if (index == 0 and len(pieces) > 1) or len(run) == 1 else None
        )
        popular_parts.append((surname or rr, piece, "Hangul", False))
    variants = [rr_parts, mr_parts, popular_parts]
    unique: list[list[_Part]] = []
    for variant in variants:
        if variant not in unique:
            unique.append(variant)
    return unique


def _other_parts(name: str, run: str) -> list[_Part]:
    if name == "Arabic" and len(run) > 2 and run.endswith(TA_MARBUTA):
        # ة closing a name is read 'a' (Sajida, Usama, Hamza), not 't' as transliterated letter by letter
        head = _other_parts(name, run[:-1])
        if len(head) == 1 and head[0][0] != "al":
            return [(head[0][0] + "a", run, name, head[0][3])]
    text = script.to_ascii(run).lower().replace("'", "")
    if not any(ch.isalnum() for ch in text):
        # no transliteration for this script (Khmer, Lao): compare the letters as written
        return [(piece.lower(), piece, name, False) for piece in _words(run)]
    if name == "Kana":
        text = script.kana_simplify(text)
    abjad = name in script.ABJAD_SCRIPTS
    if name == "Arabic" and run in ARABIC_PARTICLES:
        return [(ARABIC_PARTICLES[run], run, name, abjad)]
    if name == "Arabic" and len(run) > 5 and run.startswith(ARABIC_ABD + ARABIC_ARTICLE):
        # عبدالكريم written as one word: 'Abd al-Karim', 'Abdul Karim'
        return [*_other_parts(name, run[:3]), *_other_parts(name, run[3:])]
    if name == "Arabic" and len(run) > 3 and run.startswith(ARABIC_ARTICLE) and run != ALLAH:
        # the article written onto its word (التكريتي): a part of its own, as Latin spellings write it
        # ('al-Tikriti'); what follows it is compared without it, except with a name in Arabic letters
        # (its source keeps the article)
        rest = _other_parts(name, run[2:])
        if len(rest) == 1:
            return [("al", run[:2], name, abjad), (rest[0][0], run, name, abjad)]
    # one written word stays one part, even where the transliteration spaces out its syllables (Thai)
    joined = "".join(piece for piece in re.split(r"[^a-z0-9]+", text) if piece)
    return [(joined, run, name, abjad)] if joined else []


def _raw_variants(text: str, org: bool) -> tuple[list[list[_Part]], set[str]]:
    words = _words(text)
    variants: list[list[_Part]] = [[]]
    scripts: set[str] = set()
    whole_name = len(words) == 1
    for word in words:
        for name, run in _runs(word):
            scripts.add(name)
            options: list[list[_Part]]
            if name == "Latin":
                token = _latin_token(run)
                options = [[(token, "", "Latin", False)]] if token else [[]]
            elif name == "Han":
                options = _han_parts(run, whole_name, org)
            elif name == "Hangul":
                options = _hangul_parts(run, whole_name)
            else:
                options = [_other_parts(name, run)]
            if len(options) == 1:
                for variant in variants:
                    variant.extend(options[0])
            else:
                # one variant per spelling system, each applied to the whole name
                base = variants
                if len(base) == 1:
                    variants = [list(base[0]) + option for option in options]
                else:
                    variants = [variant + options[min(i, len(options) - 1)] for i, variant in enumerate(base)]
    return variants, scripts


def _is_suffix_only(text: str) -> bool:
    """True when a comma's right-hand side is only a legal form or suffix ('Ltd.', 'Inc', 'S.A.', 'Jr')."""
    table, longest = legal_form_table()
    parts = [(token, "", "Latin", False) for token in plain_tokens(text, org=True)]
    tokens = [part[0] for part in join_legal_letters(parts, table, longest)]
    if not tokens:
        return True
    return tuple(tokens) in table or all(t in TITLES or t in ROMAN_NUMERALS for t in tokens)


def reorder_last_first(text: str, org: bool = False) -> str:
    """'AL-ZAWAHIRI, Ayman' -> 'Ayman AL-ZAWAHIRI'; company names and 'Name, Ltd.' stay as they are."""
    if org or text.count(",") != 1:
        return text
    left, right = (part.strip() for part in text.split(","))
    if not left or not right or _is_suffix_only(right):
        return text
    if len(_words(left)) > 5 or len(_words(right)) > 5:
        return text
    return f"{right} {left}"


def plain_tokens(text: str, org: bool = False) -> list[str]:
    """Lower-case ASCII tokens of a text, without typing or legal-form folding (first variant only)."""
    variants, _ = _raw_variants(prepare(text, dotted_legal=False), org)
    return [part[0] for part in variants[0] if part[0]]


def _fold_numbers(parts: list[_Part]) -> list[tuple[_Part, str, str]]:
    """Number words and ordinals become digits ('forty four' -> '44', '1st' -> '1'); tagged NUMBER, with
    the words as written ('forty four'; '' for digits)."""
    out: list[tuple[_Part, str, str]] = []
    for part in parts:
        text = part[0]
        value = NUMBER_WORDS.get(text)
        if value is None and text.isdigit():
            value = int(text)
        if value is None:
            out.append((part, "", ""))
            continue
        spelled = text if text.isalpha() else ""
        if (
            out
            and out[-1][1] == NUMBER
            and 20 <= int(out[-1][0][0]) < 100
            and int(out[-1][0][0]) % 10 == 0
            and value < 10
        ):
            previous, _, before = out.pop()
            words = f"{before} {spelled}" if before and spelled else ""
            out.append(((str(int(previous[0]) + value), "", "Latin", False), NUMBER, words))
            continue
        out.append(((str(value), part[1], part[2], part[3]), NUMBER, spelled))
    return out


def _allah_compound(tokens: list[NameToken], source: str) -> bool:
    """'سيف الله' is one name, written 'Saifullah'; 'عبد الله' is 'Abdullah': joins الله onto the part
    before it (True when it did)."""
    if source != ALLAH or not tokens or tokens[-1].kind != WORD or not tokens[-1].abjad:
        return False
    previous = tokens.pop()
    stem = "abd" if previous.text == "abdul" else previous.text
    tokens.append(NameToken(stem + "ullah", WORD, previous.source + source, True))
    return True


def _type_tokens(parts: list[_Part], org: bool) -> tuple[NameToken, ...]:
    table, longest = legal_form_table()
    parts = mend_legal_forms(join_legal_letters(parts, table, longest), table)
    parts = join_spaced_letters(parts, 2 if org else 3)
    if not org:
        parts = split_abd_compounds(parts)
    folded = _fold_numbers(parts)
    tokens: list[NameToken] = []
    i = 0
    texts = [part[0] for part, _, _ in folded]
    while i < len(folded):
        (text, source, name, abjad), tag, spelled = folded[i]
        if tag == NUMBER or _allah_compound(tokens, source):
            if tag == NUMBER:
                tokens.append(NameToken(text, NUMBER, source, abjad, spelled))
            i += 1
            continue
        matched = 0
        found = misspelt_legal_form(texts, i, org) if name == "Latin" else None
        for size in range(min(longest, len(texts) - i), 0, -1):
            if found is not None and found[1] > size:
                # 'Limited Liability Compani' is one (misspelt) legal form, not 'Limited' and two words
                tokens.append(NameToken(found[0], LEGAL, "", abjad, ""))
                matched = found[1]
                break
            label = None if script.syllable(size, name, source) else table.get(tuple(texts[i : i + size]))
            if label is not None and not (
                size == 1 and i == 0 and len(texts) > 1 and not org and len(text) <= 2
            ):
                surface = "".join(texts[i : i + size]) if size == 1 and name == "Latin" else ""
                tokens.append(NameToken(label, LEGAL, source if name != "Latin" else "", abjad, surface))
                matched = size
                break
        if matched:
            i += matched
            continue
        # 'Abd al-Aziz', 'Abdel Aziz', 'Abdul Aziz': one spelling of the 'servant of' prefix
        if (text in ABD and not abjad) or (source == ARABIC_ABD and i + 1 < len(folded)):
            if i + 1 < len(folded) and texts[i + 1] in ARTICLES:
                i += 1
            tokens.append(NameToken("abdul", WORD, source, abjad))
            i += 1
            continue
        if text in ORG_ABBREVIATIONS and name == "Latin":
            # "Int'l", "Natl", "Mfg": the word the abbreviation stands for
            text = ORG_ABBREVIATIONS[text]
        if org and text in ROMAN_NUMERALS and i > 0:
            tokens.append(NameToken(str(ROMAN_NUMERALS[text]), NUMBER, source, abjad))
        elif len(text) == 1 and text.isalpha() and name == "Latin":
            tokens.append(NameToken(text, INITIAL, source, abjad))
        elif text in PARTICLES and len(folded) > 1 and name not in script.SYLLABIC_SCRIPTS:
            tokens.append(NameToken(text, PARTICLE, source, abjad))
        elif text in TITLES and len(folded) > 1 and name not in script.SYLLABIC_SCRIPTS:
            tokens.append(NameToken(text, TITLE, source, abjad))
        elif text in GENERIC_ORG_WORDS:
            tokens.append(NameToken(text, GENERIC, source, abjad))
        else:
            tokens.append(NameToken(text, WORD, source, abjad))
        i += 1
    return _settle(tokens, org)


def _settle(tokens: list[NameToken], org: bool) -> tuple[NameToken, ...]:
    """_type_tokens' last step: adjacent legal forms become one, and in a company's name roman numerals
    after the first part (and lone I, V, X closing it) become series numbers."""
    collapsed: list[NameToken] = []
    for token in tokens:
        # "Company Limited", "Corp. Ltd.": one legal form, the more specific class
        if token.kind == LEGAL and collapsed and collapsed[-1].kind == LEGAL:
            if collapsed[-1].text == "corp":
                collapsed[-1] = token
            continue
        collapsed.append(token)
    tokens = collapsed
    is_company = org or any(token.kind == LEGAL for token in tokens)
    if not org and is_company:
        # a company's name: "Partners VI" is a series number, not a name part
        tokens = [
            NameToken(str(ROMAN_NUMERALS[t.text]), NUMBER, t.source, t.abjad)
            if index > 0 and t.kind == WORD and t.text in ROMAN_NUMERALS
            else t
            for index, t in enumerate(tokens)
        ]
    if is_company:
        tokens = _single_letter_numerals(tokens)
    return tuple(tokens)


def _single_letter_numerals(tokens: list[NameToken]) -> list[NameToken]:
    """'Fund X L.P.', 'Partners V L.P.', 'Capital Trust I': in a company's name a lone I, V or X after a
    word and closing the name (or just before its legal form) is a series number, not an initial."""
    out = list(tokens)
    for index, token in enumerate(tokens):
        if (
            index > 0
            and token.kind == INITIAL
            and token.text in SINGLE_LETTER_NUMERALS
            and tokens[index - 1].kind in (WORD, GENERIC)
            and (index == len(tokens) - 1 or tokens[index + 1].kind == LEGAL)
        ):
            out[index] = NameToken(str(SINGLE_LETTER_NUMERALS[token.text]), NUMBER, token.source, token.abjad)
    return out


@lru_cache(maxsize=200_000)
def analyse_name(text: str, org: bool = False) -> tuple[NormalizedName, ...]:
    """Every comparable form of a name: usually one; several for Han (pinyin and Wade-Giles) and Hangul
    (Revised, North Korean and passport spellings). `org` keeps commas and reads Roman numerals."""
    prepared = prepare(text)
    prepared = reorder_last_first(prepared, org)
    variants, scripts = _raw_variants(prepared, org)
    if not org:
        latin = [part[0] for part in variants[0][1:] if part[2] not in script.SYLLABIC_SCRIPTS]
        org = has_legal_form(latin, legal_form_table()[0])
    out: list[NormalizedName] = []
    seen: set[str] = set()
    for parts in variants:
        tokens = _type_tokens([part for part in parts if part[0]], org)
        if not tokens:
            continue
        name = NormalizedName(text, tokens, frozenset(scripts), org)
        if name.text not in seen:
            seen.add(name.text)
            out.append(name)
    if out and "/" in text:
        # alternatives given with a slash ("Al-Qa'ida/Islamic Army", "Lord's Resistance Movement/Army"):
        # the name up to the slash is a name too ("M/S", "J/V", "A/S" are not alternatives)
        head, tail = text.split("/", 1)
        before, after = _words(head), _words(tail)
        if before and after and len(before[-1]) >= 2 and len(after[0]) >= 2 and len("".join(before)) >= 3:
            for name in analyse_name(head, org):
                if name.tokens and name.text not in seen:
                    seen.add(name.text)
                    out.append(NormalizedName(text, name.tokens, name.scripts, name.org))
    if not out:
        out.append(NormalizedName(text, (), frozenset(scripts), org))
    return tuple(out)


def normalize_name(text: str, entity_type: str | None = None) -> str:
    """The comparable form of a name: ASCII, lower case, parts in given-name-first order, legal forms as
    their generic class ('llc', 'jsc', 'corp'), number words as digits."""
    return analyse_name(text, entity_type == "organization")[0].text
