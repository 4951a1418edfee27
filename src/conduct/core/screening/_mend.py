"""Mending a name's parts before they are typed: words run together or split apart as data entry and OCR
produce them (camel-case joints, legal forms glued on, split or mistyped, letters spaced out), and the
letters and words of Arabic names that Latin spellings write in their own way."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import OSA

from conduct.core.screening._vocab import (
    GLUED_LEGAL_WORDS,
    glued_legal_phrases,
    legal_form_table,
    legal_phrase_words,
    misspelt_legal_form_pairs,
    misspelt_legal_form_table,
    single_word_legal_forms,
)

Part = tuple[str, str, str, bool]  # (text, source-script text, script, abjad), as _normalize's _Part

ARABIC_ARTICLE = "\u0627\u0644"  # ال
TA_MARBUTA = "\u0629"  # ة
# particles of Arabic names, as Latin spellings write them: بن bin, ابن ibn, بنت bint, ولد ould, ابو / أبو abu
ARABIC_PARTICLES = {
    "\u0628\u0646": "bin",
    "\u0627\u0628\u0646": "ibn",
    "\u0628\u0646\u062a": "bint",
    "\u0648\u0644\u062f": "ould",
    "\u0627\u0628\u0648": "abu",
    "\u0623\u0628\u0648": "abu",
}
ALLAH = "\u0627\u0644\u0644\u0647"  # الله: closes compounds written as one Latin word (Saifullah)
ARABIC_ABD = "\u0639\u0628\u062f"  # عبد ('servant of', the first half of Abd al-Aziz, Abdullah...)


ABD = {"abd", "abdul", "abdel", "abdal", "abdoul", "abdol", "abdu", "abdur", "abdus"}
ARTICLES = {
    "al",
    "el",
    "ul",
    "ar",
    "ur",
    "as",
    "us",
    "an",
    "ad",
    "az",
    "at",
    "ash",
    "ed",
    "er",
    "es",
    "ez",
    "et",
}


_APOSTROPHES = str.maketrans(dict.fromkeys("'’ʼ`‘´ʹʻʾʿ′", ""))
_INITIALISM = re.compile(r"(?<![^\W\d_])((?:[^\W\d_]\.-?){2,})(?![^\W\d_])")
# a dotted abbreviation run onto the word before it ('TRADINGL.L.C', 'CaucasiaS.A.', 'DEC.V.'): two apart
_GLUED_INITIALISM = re.compile(r"(?<![^\W_])([^\W_]{2,}?)((?:[^\W\d_]\.)+[^\W\d_](?:\.|(?![^\W\d_])))")
# a dotted legal form run onto an initial or a dotted word before it, closing the name or a part of it
# ('CS.A', 'CIA.S.A'): split only where the letters are a legal form ('DR.J.SMITH', 'MS.A.KHAN' stay)
_GLUED_DOTTED_LEGAL = re.compile(
    r"(?<![^\W_])([^\W\d_]|[^\W\d_]{2,}\.)((?:[^\W\d_]\.)+[^\W\d_]\.?)(?=[\s,;)]|$)"
)


def _split_dotted_legal(match: re.Match[str]) -> str:
    head, letters = match.group(1), match.group(2).replace(".", "")
    return f"{head} {letters}" if (letters.lower(),) in legal_form_table()[0] else match.group(0)


def prepare(text: str, dotted_legal: bool = True) -> str:
    """A name as written, made ready to split into words: apostrophes dropped, dotted abbreviations joined
    (and split off the word they were run onto), camel-case joints opened, '&' and '+' as 'and'."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    if "." in text:
        if dotted_legal:  # not while the legal-form table itself is read (plain_tokens)
            text = _GLUED_DOTTED_LEGAL.sub(_split_dotted_legal, text)
        text = _GLUED_INITIALISM.sub(r"\1 \2", text)
    text = _INITIALISM.sub(lambda m: m.group(1).replace(".", "").replace("-", ""), text)
    if any(ch.isupper() for ch in text[2:]):
        text = split_camel_case(text)
    return text.replace("&", " and ").replace("+", " and ")


def misspelt_legal_form(texts: list[str], i: int, org: bool) -> tuple[str, int] | None:
    """A legal form of two or more words with a slip or two (not in a word's first letter): 'Joynt Stock
    Company', 'Joint Stcock Company', 'Limited Liabilty Compny' -> (class, number of words). One letter in
    one word; in a phrase of 12 letters or more, two letters in one word of 5 or more, or one in each of two
    words. Looked for where legal forms stand, opening or closing the name; the longest wins. In an
    organisation's name, or in a name of three parts or more when the caller did not say whose it is
    ('Korea Expo Joiint Venture')."""
    if not org and len(texts) < 3:
        return None
    windows = [len(texts) - i] if 2 <= len(texts) - i <= 5 else []
    if i == 0:
        windows += [size for size in range(min(5, len(texts) - 1), 1, -1) if size not in windows]
    for size in windows:
        window = tuple(texts[i : i + size])
        closes = i + size == len(texts)
        label = _one_word_slipped(window, closes) or _two_words_slipped(window, closes)
        if label is not None:
            return label, size
    return None


def _slipped(word: str, correct: str, most: int) -> bool:
    return correct[0] == word[0] and 1 <= OSA.distance(correct, word) <= most


def _one_word_slipped(window: tuple[str, ...], closes: bool) -> str | None:
    """A phrase with one word slipped; two slips only in a long phrase and not in the word that closes the
    name (a name part stands there: 'Maria Sociedad Antonia' is no 'sociedad anonima')."""
    table = misspelt_legal_form_table()
    long_phrase = sum(len(word) for word in window) >= 12
    for k, word in enumerate(window):
        if len(word) < 4:
            continue
        last = closes and k == len(window) - 1
        for correct, label in table.get((*window[:k], "", *window[k + 1 :]), ()):
            if _slipped(word, correct, 2 if long_phrase and len(correct) >= 5 and not last else 1):
                return label
    return None


def _two_words_slipped(window: tuple[str, ...], closes: bool) -> str | None:
    """A long phrase with a slip in each of two words, neither of them the word that closes the name."""
    if len(window) < 3 or sum(len(word) for word in window) < 12:
        return None
    table = misspelt_legal_form_pairs()
    for k, word in enumerate(window):
        for m in range(k + 1, len(window)) if len(word) >= 4 else ():
            other = window[m]
            if len(other) < 4 or (closes and m == len(window) - 1):
                continue
            key = (*window[:k], "", *window[k + 1 : m], "", *window[m + 1 :])
            for first, second, label in table.get(key, ()):
                if _slipped(word, first, 1) and _slipped(other, second, 1):
                    return label
    return None


def split_camel_case(text: str) -> str:
    """Words run together with a capital at the joint are two: 'VladimirPutin', 'AcmeLtd', a surname in
    capitals after a given name 'HajjiTAYSIR' (two small letters before the capital, so 'McDonald' and
    'DeVito' stay whole)."""
    out: list[str] = []
    for position, ch in enumerate(text):
        if (
            position >= 2
            and ch.isupper()
            and text[position - 1].islower()
            and text[position - 2].islower()
            and position + 1 < len(text)
            and text[position + 1].isalpha()
        ):
            out.append(" ")
        out.append(ch)
    return "".join(out)


def glued_legal_form(text: str, table: dict[tuple[str, ...], str]) -> list[str]:
    """A legal-form word run onto the name or number before it: 'pteltd' -> ['pte', 'ltd'], 'denisecompany'
    -> ['denise', 'company'], '11420corp' -> ['11420', 'corp']; otherwise [text]."""
    for word in GLUED_LEGAL_WORDS:
        rest = len(text) - len(word)
        if not text.endswith(word) or rest < 2:
            continue
        head = text[:rest]
        if head.isdigit():  # a number run onto its legal form ('11420CORP')
            return [head, word]
        long_enough = rest >= (4 if len(word) <= 3 else 3)
        if text.isalpha() and (long_enough or (head,) in table or (head, word) in table):
            return [*glued_legal_form(head, table), word]
    return [text]


def has_legal_form(words: list[str], table: dict[tuple[str, ...], str]) -> bool:
    """Whether a name's words show a legal form (of three letters or more), written out or run onto the
    word before it ('CAPITALLTD', 'JOINTVENTURE'): the name is then read as an organisation's."""
    phrases = glued_legal_phrases()
    return any(
        ((word,) in table and len(word) > 2)
        or word in phrases
        or (len(word) >= 6 and word.isalnum() and len(glued_legal_form(word, table)) > 1)
        for word in words
    )


def _split_phrase_words(parts: list[Part]) -> list[Part]:
    """Two words of a legal form of several words run together ('JOINTSTOCK COMPANY', 'PRIVATEJOINT STOCK
    COMPANY'): split where the two pieces complete the phrase with the words written beside them."""
    words = legal_phrase_words()
    texts = [part[0] if part[2] == "Latin" else "" for part in parts]
    for i, text in enumerate(texts):
        for cut in range(5, len(text) - 4) if len(text) >= 10 and text.isalpha() else ():
            head, tail = text[:cut], text[cut:]
            for phrase, place in words.get(head, ()):
                end = i + len(phrase) - place - 1
                if i - place >= 0 and (*texts[i - place : i], head, tail, *texts[i + 1 : end]) == phrase:
                    pieces = [(head, "", "Latin", False), (tail, "", "Latin", False)]
                    return [*parts[:i], *pieces, *_split_phrase_words(parts[i + 1 :])]
    return parts


def mend_legal_forms(parts: list[Part], table: dict[tuple[str, ...], str]) -> list[Part]:
    """Legal forms as data entry and OCR garble them: run onto the name ('AcmeLtd', 'COMPANYLIMITED'), its
    words run together ('JOINTVENTURE'), split apart ('LIM ITED', 'COMP ANY', 'JOINT VEN TURE'), or the last
    word mistyped by one letter ('Limitd')."""
    out: list[Part] = []
    phrases = glued_legal_phrases()
    for part in parts:
        if part[2] == "Latin" and part[0] in phrases:
            out.extend((word, part[1], part[2], part[3]) for word in phrases[part[0]])
        elif part[2] == "Latin" and len(part[0]) >= 6 and (part[0],) not in table:
            out.extend((piece, part[1], part[2], part[3]) for piece in glued_legal_form(part[0], table))
        else:
            out.append(part)
    merged: list[Part] = []
    for part in out:
        if merged and part[2] == merged[-1][2] == "Latin":
            joined = merged[-1][0] + part[0]
            if (
                len(joined) >= 5
                and (joined,) in table
                and (merged[-1][0],) not in table
                and (part[0],) not in table
                and joined.isalpha()
            ):
                merged[-1] = (joined, "", "Latin", False)
                continue
        merged.append(part)
    merged = _split_phrase_words(_join_phrase_word(merged))
    if len(merged) >= 2:
        last = merged[-1]
        # in a name of two parts a mistyped legal form of six letters is as likely a name ('Sahil Bernad',
        # not 'Sahil Berhad'): there it needs seven ('Acme Limitd')
        least = 7 if len(merged) == 2 else 6
        if last[2] == "Latin" and len(last[0]) >= least and last[0].isalpha() and (last[0],) not in table:
            typos = single_word_legal_forms()
            for key in (last[0], *(last[0][:i] + last[0][i + 1 :] for i in range(len(last[0])))):
                found = [
                    word
                    for word in typos.get(key, ())
                    if word[0] == last[0][0] and OSA.distance(word, last[0]) == 1
                ]
                if found:
                    merged[-1] = (found[0], "", "Latin", False)
                    break
    return merged


def _join_phrase_word(parts: list[Part]) -> list[Part]:
    """A word of a legal form of several words split in two ('JOINT VEN TURE', 'AKTSIO NERNOE
    OBSHCHESTVO'): joined where, joined, it completes the phrase with the words written beside it."""
    words = legal_phrase_words()
    texts = [part[0] if part[2] == "Latin" else "" for part in parts]
    for i in range(len(texts) - 1):
        joined = texts[i] + texts[i + 1]
        for phrase, place in words.get(joined, ()) if texts[i] and texts[i + 1] else ():
            start, rest = i - place, len(phrase) - place - 1
            if start >= 0 and (*texts[start:i], joined, *texts[i + 2 : i + 2 + rest]) == phrase:
                return [*parts[:i], (joined, "", "Latin", False), *_join_phrase_word(parts[i + 2 :])]
    return parts


def join_legal_letters(parts: list[Part], table: dict[tuple[str, ...], str], longest: int) -> list[Part]:
    """Letters of a legal form written apart ('S.A. D E C.V.', 'S. E N C.', 'G M B H'): a run of single
    Latin letters, or part of one, joined where the joined word completes a legal form with the parts
    around it ('sa de cv', 's en c', 'gmbh'). Other runs stay as they are ('J R Ewing')."""
    out = list(parts)
    while True:
        words = [part[0] if part[2] == "Latin" else "" for part in out]
        span = _legal_span(words, table, longest)
        if span is None:
            return out
        start, size = span
        out[start : start + size] = [("".join(words[start : start + size]), "", "Latin", False)]


def _legal_span(words: list[str], table: dict[tuple[str, ...], str], longest: int) -> tuple[int, int] | None:
    """In the first run of single letters that has one, the part that, joined, lies inside the legal form
    of most words ('s en c' rather than 'se' in 'S E N C'), the longer part on a tie; a legal form of one
    word only when it is the whole run and ends the name ('ACME G M B H')."""
    i = 0
    while i < len(words):
        end = i
        while end < len(words) and len(words[end]) == 1 and words[end].isalpha():
            end += 1
        best: tuple[int, int, int, int] | None = None  # (phrase words, size, -start, start)
        for size in range(end - i, 1, -1):
            for start in range(i, end - size + 1):
                joined = [*words[:start], "".join(words[start : start + size]), *words[start + size :]]
                for begin in range(max(0, start - longest + 1), start + 1):
                    for stop in range(start + 1, min(len(joined), begin + longest) + 1):
                        # one word alone ('K G' -> 'kg') only as the whole run ending the name:
                        # elsewhere two letters are as likely a person's initials ('Hans K G Mueller')
                        alone = stop - begin == 1
                        if alone and (size != end - i or end != len(words)):
                            continue
                        if tuple(joined[begin:stop]) in table:
                            found = (stop - begin, size, -start, start)
                            best = found if best is None or found > best else best
        if best is not None:
            return best[3], best[1]
        i = max(end, i + 1)
    return None


def join_spaced_letters(parts: list[Part], least: int) -> list[Part]:
    """Letters written apart are one abbreviation: 'Z T E' -> 'zte' (in a person's name three or more:
    'J R R Tolkien'; 'J R Ewing' keeps two initials)."""
    out: list[Part] = []
    run: list[Part] = []
    for part in [*parts, ("", "", "", False)]:
        if len(part[0]) == 1 and part[0].isalpha() and part[2] == "Latin":
            run.append(part)
            continue
        if len(run) >= least:
            out.append(("".join(p[0] for p in run), "", "Latin", False))
        else:
            out.extend(run)
        run = []
        if part[0]:
            out.append(part)
    return out


# 'Abdelmalek', 'Abderrahmane', 'Abdulaziz': 'Abd al-' written onto the name it governs, the article as
# spelt (el, ul, al...) or assimilated to the name's first letter (er-R, es-S, en-N); not 'Abdullah'
_ABD_JOINED = re.compile(r"abd(?:ou|[aeiou])(?:l|([rsntdz])(?=\1))([a-z]{3,})")
_NOT_ABD_REST = frozenset({"lah", "lahi", "llah", "allah", "aye", "laye"})


def split_abd_compounds(parts: list[Part]) -> list[Part]:
    """A Latin part that joins 'Abd al-' to the name after it is two parts, as the same name written
    apart or in Arabic letters reads: 'abdelmalek' -> 'abdul', 'malek'."""
    out: list[Part] = []
    for part in parts:
        found = _ABD_JOINED.fullmatch(part[0]) if part[2] == "Latin" else None
        if found is None or found.group(2) in _NOT_ABD_REST:
            out.append(part)
            continue
        rest = found.group(2)
        out += [("abdul", "", "Latin", False), (rest, "", "Latin", False)]
    return out
