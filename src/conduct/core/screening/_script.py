"""Writing systems: which script a run of text is in, and how to write it in Latin letters.

Latin text loses its accents; Han characters become pinyin (and Wade-Giles, as a second spelling); Hangul
is romanised here (Revised Romanisation and the McCune-Reischauer-like spelling North Korean names use);
every other script goes through rigour's ICU-based ASCII transliteration.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Scripts that leave (most) vowels unwritten: their Latin form is a consonant skeleton, compared as such.
ABJAD_SCRIPTS = frozenset({"Arabic", "Hebrew", "Syriac", "Thaana", "Thai", "Lao", "Khmer", "Myanmar"})

_LATIN_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
        "ŀ": "l",
        "ħ": "h",
        "Ħ": "H",
        "ŋ": "ng",
        "ĸ": "k",
    }
)

_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0000, 0x024F, "Latin"),
    (0x0250, 0x02AF, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0700, 0x074F, "Syriac"),
    (0x0750, 0x077F, "Arabic"),
    (0x0780, 0x07BF, "Thaana"),
    (0x08A0, 0x08FF, "Arabic"),
    (0x0900, 0x0DFF, "Indic"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Lao"),
    (0x1000, 0x109F, "Myanmar"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"),
    (0x1200, 0x139F, "Ethiopic"),
    (0x1780, 0x17FF, "Khmer"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x1F00, 0x1FFF, "Greek"),
    (0x3040, 0x309F, "Kana"),
    (0x30A0, 0x30FF, "Kana"),
    (0x3130, 0x318F, "Hangul"),
    (0x31F0, 0x31FF, "Kana"),
    (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"),
    (0xA960, 0xA97F, "Hangul"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0xD7B0, 0xD7FF, "Hangul"),
    (0xF900, 0xFAFF, "Han"),
    (0xFB1D, 0xFB4F, "Hebrew"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0x20000, 0x2FA1F, "Han"),
)


def char_script(ch: str) -> str:
    """The script of one letter or digit ("Latin" for ASCII and Latin extensions, "Other" if unknown)."""
    code = ord(ch)
    if code < 0x250:
        return "Latin"
    for low, high, name in _RANGES:
        if low <= code <= high:
            return name
    return "Other"


def strip_latin(text: str) -> str:
    """Latin text without accents or special letters: 'Erdoğan' -> 'Erdogan', 'Støre' -> 'Store'."""
    if text.isascii():
        return text
    text = text.translate(_LATIN_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def to_ascii(text: str) -> str:
    """Any non-Han, non-Hangul run in ASCII via rigour's ICU transliteration ('Путин' -> 'Putin')."""
    from rigour.text.translit import ascii_text

    return str(ascii_text(text))


# --- Han -------------------------------------------------------------------------------------------

# Two-character Chinese surnames (the common ones); everything else takes the first character.
_COMPOUND = (
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 "
    "司徒 夏侯 轩辕 令狐 端木 独孤 南宫 西门 歐陽 司馬 諸葛"
)
COMPOUND_SURNAMES = frozenset(_COMPOUND.split(" "))


@lru_cache(maxsize=65536)
def han_syllables(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Pinyin and Wade-Giles syllables for each Han character of `text` (tone marks and apostrophes off)."""
    from pypinyin import Style, lazy_pinyin

    pinyin = tuple(
        s.replace("ü", "u").replace("v", "u") for s in lazy_pinyin(text, style=Style.NORMAL, v_to_u=True)
    )
    wade = tuple(
        s.replace("'", "").replace("ü", "u") for s in lazy_pinyin(text, style=Style.WADEGILES, v_to_u=True)
    )
    return pinyin, wade


def load_han_readings() -> None:
    """Load pypinyin's readings now, as a name in Han script's first screening would (~55 MB, 0.15 s): a
    process that forks workers does it once for all of them, which then share those pages."""
    han_syllables("中")


@lru_cache(maxsize=1)
def _wade_giles_table() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """Wade-Giles syllable (apostrophes and umlauts off, as names are usually written) -> the pinyin
    syllables it can stand for; and the Wade-Giles syllables that are not also pinyin syllables."""
    from conduct.core.screening import _tables

    precomputed = _tables.precomputed("wade_giles_table")  # an index artefact's (no pypinyin import)
    if precomputed is not None:
        return precomputed  # type: ignore[no-any-return]
    from pypinyin import Style
    from pypinyin.pinyin_dict import pinyin_dict
    from pypinyin.style import convert

    readings: set[str] = set()
    for value in pinyin_dict.values():
        readings.update(value.split(","))
    pinyin = {convert(reading, Style.NORMAL, strict=False) for reading in readings}
    table: dict[str, set[str]] = {}
    for syllable in pinyin:
        plain = syllable.replace("ü", "u").replace("v", "u")
        if not (plain.isascii() and plain.isalpha()):
            continue
        wade = convert(syllable, Style.WADEGILES, strict=False)
        wade = wade.replace("'", "").replace("`", "").replace("ü", "u").replace("v", "u")
        table.setdefault(wade, set()).add(plain)
    plain_pinyin = {syllable.replace("ü", "u").replace("v", "u") for syllable in pinyin}
    only = frozenset(wade for wade in table if wade not in plain_pinyin and len(wade) >= 3)
    return {wade: frozenset(options) for wade, options in table.items()}, only


@lru_cache(maxsize=65536)
def wade_giles_readings(syllables: tuple[str, ...]) -> frozenset[str]:
    """Pinyin spellings of a Chinese name part written in Wade-Giles ('tse', 'tung' -> 'zedong', ...),
    syllables joined; empty unless every syllable is Wade-Giles and one at least could not be pinyin
    ('hsi', 'chin', 'tung' - not 'mao' or 'ping', which read the same in both)."""
    if not syllables or len(syllables) > 3:
        return frozenset()
    table, only = _wade_giles_table()
    if not all(syllable in table for syllable in syllables) or not any(s in only for s in syllables):
        return frozenset()
    spellings = [""]
    for syllable in syllables:
        spellings = [start + option for start in spellings for option in sorted(table[syllable])]
    return frozenset(spellings)


# --- Hangul ----------------------------------------------------------------------------------------

_RR_INITIAL = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_RR_VOWEL = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
]
_RR_FINAL = [
    "",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]
# McCune-Reischauer without breves or apostrophes, as North Korean names appear in sanctions lists.
_MR_INITIAL = [
    "k",
    "kk",
    "n",
    "t",
    "tt",
    "r",
    "m",
    "p",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_MR_VOWEL = [
    "a",
    "ae",
    "ya",
    "yae",
    "o",
    "e",
    "yo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "u",
    "ui",
    "i",
]
_MR_FINAL = _RR_FINAL  # the final consonants are spelt alike in both systems as simplified here
# Usual spellings of the commonest Korean surnames (South Korean passports and press).
KOREAN_SURNAMES = {
    "김": "kim",
    "이": "lee",
    "리": "ri",
    "박": "park",
    "최": "choi",
    "정": "jung",
    "강": "kang",
    "조": "cho",
    "윤": "yoon",
    "장": "jang",
    "임": "lim",
    "림": "rim",
    "한": "han",
    "오": "oh",
    "서": "seo",
    "신": "shin",
    "권": "kwon",
    "황": "hwang",
    "안": "ahn",
    "송": "song",
    "류": "ryu",
    "유": "yoo",
    "전": "jeon",
    "홍": "hong",
    "고": "ko",
    "문": "moon",
    "양": "yang",
    "손": "son",
    "배": "bae",
    "백": "baek",
    "허": "heo",
    "남": "nam",
    "심": "shim",
    "노": "noh",
    "하": "ha",
    "곽": "kwak",
    "성": "sung",
    "차": "cha",
    "주": "joo",
    "우": "woo",
    "구": "koo",
    "민": "min",
    "진": "jin",
    "지": "ji",
    "엄": "eom",
    "채": "chae",
    "원": "won",
    "천": "chun",
    "방": "bang",
    "공": "kong",
    "현": "hyun",
    "함": "ham",
    "변": "byun",
    "염": "yeom",
    "여": "yeo",
    "추": "choo",
    "도": "do",
    "소": "so",
    "석": "seok",
    "선": "sun",
    "설": "seol",
    "마": "ma",
    "길": "gil",
    "연": "yeon",
    "위": "wi",
    "표": "pyo",
    "명": "myung",
    "기": "ki",
    "반": "ban",
    "왕": "wang",
    "금": "keum",
    "옥": "ok",
    "육": "yook",
    "인": "in",
    "맹": "maeng",
    "제": "je",
    "모": "mo",
    "탁": "tak",
    "국": "kook",
    "어": "eo",
    "은": "eun",
    "편": "pyun",
    "용": "yong",
    "예": "ye",
    "경": "kyung",
    "봉": "bong",
    "사": "sa",
    "부": "boo",
    "황보": "hwangbo",
    "남궁": "namgung",
    "제갈": "jegal",
    "선우": "sunwoo",
    "독고": "dokgo",
    "사공": "sagong",
}
KOREAN_COMPOUND_SURNAMES = frozenset({"황보", "남궁", "제갈", "선우", "독고", "사공"})


def _hangul_parts(ch: str) -> tuple[int, int, int] | None:
    code = ord(ch) - 0xAC00
    if not 0 <= code < 11172:
        return None
    return code // 588, (code % 588) // 28, code % 28


def hangul_romanize(text: str) -> tuple[str, str]:
    """(Revised Romanisation, McCune-Reischauer-like) spellings of a Hangul run, syllables joined."""
    rr: list[str] = []
    mr: list[str] = []
    for index, ch in enumerate(text):
        parts = _hangul_parts(ch)
        if parts is None:
            rr.append(ch)
            mr.append(ch)
            continue
        initial, vowel, final = parts
        rr_initial = _RR_INITIAL[initial]
        mr_initial = _MR_INITIAL[initial]
        if index > 0 and initial in (0, 3, 7, 12):  # voiced between sounds: ㄱ ㄷ ㅂ ㅈ
            mr_initial = {0: "g", 3: "d", 7: "b", 12: "j"}[initial]
        rr.append(rr_initial + _RR_VOWEL[vowel] + _RR_FINAL[final])
        mr.append(mr_initial + _MR_VOWEL[vowel] + _MR_FINAL[final])
    return "".join(rr), "".join(mr)


def kana_simplify(text: str) -> str:
    """Hepburn as names are usually written: long vowels shortened ('tarou' -> 'taro', 'yuuko' -> 'yuko')."""
    return text.replace("ou", "o").replace("uu", "u").replace("oo", "o").replace("ii", "i").replace("ee", "e")


# Scripts written in syllables: one transliterated syllable ('tu', 'na', 'ou', 'di') is a name part, never a
# Latin legal form ('T.U.', 'N.A.', 'OÜ'), particle or title that happens to be spelt the same (a legal form
# of several syllables, 有限公司 'you xian gong si', is still one).
SYLLABIC_SCRIPTS = frozenset({"Han", "Hangul", "Kana"})


def syllable(parts: int, script: str, source: str) -> bool:
    """One part that is one character of a syllabic script."""
    return parts == 1 and script in SYLLABIC_SCRIPTS and len(source) == 1
