"""Name normalisation: legal forms, reordering, punctuation and every script we read."""

from __future__ import annotations

import pytest

from conduct.core.screening import analyse_name, normalize_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.", "hangzhou hikvision digital technology llc"),
        (
            "Hangzhou Hikvision Digital Technology Company Limited",
            "hangzhou hikvision digital technology llc",
        ),
        ("Hikvision LLC", "hikvision llc"),
        ("Siemens Aktiengesellschaft", "siemens jsc"),
        ("Siemens AG", "siemens jsc"),
        ("Volkswagen Gesellschaft mit beschränkter Haftung", "volkswagen llc"),
        ("Volkswagen GmbH", "volkswagen llc"),
        ("OOO Romashka", "llc romashka"),
        ("ООО Ромашка", "llc romashka"),
        ("Open Joint Stock Company Gazprom", "jsc gazprom"),
        ("OAO Gazprom", "jsc gazprom"),
        ("FABERLIC EUROPE Sp. z o.o.", "faberlic europe llc"),
    ],
)
def test_legal_forms_in_any_language_become_their_generic_class(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


def test_chinese_company_suffixes_are_legal_forms() -> None:
    assert normalize_name("海康威视有限公司").endswith("llc")
    assert normalize_name("海康威视股份有限公司").endswith("jsc")
    assert analyse_name("海康威视股份有限公司")[0].tokens[-1].kind == "legal_form"


def test_legal_forms_weigh_less_than_name_words() -> None:
    tokens = analyse_name("Hikvision Co., Ltd.")[0].tokens
    assert [t.kind for t in tokens] == ["word", "legal_form"]
    assert tokens[1].weight < tokens[0].weight


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("AL-ZAWAHIRI, Ayman", "ayman al zawahiri"),
        ("Putin, Vladimir", "vladimir putin"),
        ("ANGLO-CARIBBEAN CO., LTD.", "anglo caribbean llc"),  # a legal form after the comma: no reordering
        ("RUBEN PESTANO LAVILA, JR", "ruben pestano lavila jr"),  # a suffix after the comma
    ],
)
def test_last_comma_first_is_reordered_except_before_a_legal_form_or_suffix(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Recep Tayyip Erdoğan", "recep tayyip erdogan"),
        ("Société Générale", "societe generale"),
        ("J.P. Morgan & Co.", "jp morgan and corp"),
        ("Al-Qa'ida", "al qaida"),
        ("Brigade Forty-Four", "brigade 44"),
        ("Ig0r Sech1n", "igor sechin"),
        ("'Abd al-Aziz", "abdul aziz"),
    ],
)
def test_accents_punctuation_initialisms_and_numbers(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Владимир Путин", "vladimir putin"),  # Cyrillic
        ("Αλέξανδρος", "alexandros"),  # Greek
        ("محمد علي", "mhmd ly"),  # Arabic: consonant skeleton, compared as such
        ("משה", "msh"),  # Hebrew
        ("やまだ たろう", "yamada taro"),  # Kana, long vowels shortened
        ("習近平", "xi jinping"),  # Han: surname, then given name as one word
    ],
)
def test_each_script_is_transliterated(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


def test_han_names_also_get_a_wade_giles_spelling() -> None:
    assert [form.text for form in analyse_name("毛泽东")] == ["mao zedong", "mao tsetung"]


def test_hangul_names_get_revised_north_korean_and_passport_spellings() -> None:
    assert [form.text for form in analyse_name("김정은")] == ["gim jeongeun", "kim jongun", "kim jeongeun"]


def test_arabic_parts_are_marked_as_vowel_less() -> None:
    assert all(token.abjad for token in analyse_name("محمد علي")[0].tokens)


@pytest.mark.parametrize(
    ("name", "org", "expected"),
    [
        ("Bain Capital Fund X L.P.", False, "bain capital fund 10 lp"),  # before the legal form
        ("Carlyle Partners V L.P.", False, "carlyle partners 5 lp"),
        ("Hudson Capital Trust I", True, "hudson capital trust 1"),  # closing a company's name
        ("John V. Smith & Co.", False, "john v smith and corp"),  # an initial, not a numeral
        ("Malcolm X", False, "malcolm x"),  # a person's name: an initial
    ],
)
def test_a_lone_roman_numeral_closing_a_company_name_is_a_number(name: str, org: bool, expected: str) -> None:
    assert analyse_name(name, org)[0].text == expected


def test_abbreviated_words_of_organisation_names_are_spelt_out() -> None:
    assert normalize_name("First Bank Int'l", "organization") == "1 bank international"
    assert normalize_name("Acme Mfg Co") == "acme manufacturing corp"


def test_a_multi_word_legal_form_with_a_one_letter_slip_is_still_a_legal_form() -> None:
    assert normalize_name("Gazprom Joynt Stock Company", "organization") == "gazprom jsc"
    assert normalize_name("Limited Liability Compani Romashka", "organization") == "llc romashka"
    # a different first letter is a different word, not a slip
    assert normalize_name("Point Stock Company", "organization") == "point stock corp"


def test_the_name_before_a_slash_is_a_name_too() -> None:
    assert [form.text for form in analyse_name("Al-Qa'ida/Islamic Army")] == [
        "al qaida islamic army",
        "al qaida",
    ]
    # a slash between single letters is part of a word or a legal form, not a list of alternatives
    assert [form.text for form in analyse_name("Mendez Denmark A/S")] == ["mendez denmark jsc"]
    assert len(analyse_name("M/S Osama Trading Est.")) == 1


def test_wade_giles_syllables_read_as_pinyin() -> None:
    from conduct.core.screening._script import wade_giles_readings

    assert wade_giles_readings(("hsi",)) == {"xi"}
    assert "jintao" in wade_giles_readings(("chin", "tao"))
    # syllables that read the same in both systems are no evidence of Wade-Giles
    assert wade_giles_readings(("ping",)) == frozenset()
    assert wade_giles_readings(("smith",)) == frozenset()
