"""Specification of holder names: the stored form and the keys that match surnames.

The real-name list in ``data/uzbek_surnames.csv`` gives each surname in the
official Uzbek Latin alphabet, in Uzbek Cyrillic, and as older (Russian-style)
paper spells it.
"""

from __future__ import annotations

import csv
import hmac
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier.documents.names import (
    fold_name,
    latin_reading,
    name_key,
    normalise_name,
    surname_matches,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "uzbek_surnames.csv"
APOSTROPHE_VARIANTS = ("'", "`", "‘", "’", "ʼ", "ʻ", "")

# Genuinely different names that the tolerant key cannot tell apart. Uzbek oʻ and u
# are both Russian у and Uzbek o is Russian а, so once the apostrophe is optional,
# o, oʻ, u and a must share a key for Gʻulomov/Гулямов and Toshmatov/Ташматов to
# match; Normatov (Nor-) and Nurmatov (Nur-) then fall together.
KNOWN_COLLISIONS = frozenset({frozenset({"Normatov", "Nurmatov"})})


@dataclass(frozen=True)
class Surname:
    latin: str
    cyrillic: str
    russian: str

    @property
    def spellings(self) -> tuple[str, str, str]:
        return (self.latin, self.cyrillic, self.russian)


def _load_surnames() -> list[Surname]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["latin", "cyrillic", "russian"]
        return [Surname(row["latin"], row["cyrillic"], row["russian"]) for row in reader]


SURNAMES = _load_surnames()
WITH_APOSTROPHES = [s for s in SURNAMES if "ʻ" in s.latin or "ʼ" in s.latin]


def _ids(surname: Surname) -> str:
    return surname.latin


# --- the name list itself -------------------------------------------------------


def test_name_list_has_at_least_40_surnames_including_female_forms() -> None:
    assert len(SURNAMES) >= 40
    assert any(s.latin.endswith("ova") for s in SURNAMES)
    assert any(s.latin.endswith("yeva") for s in SURNAMES)


def test_name_list_latin_column_uses_the_official_apostrophes_only() -> None:
    for surname in SURNAMES:
        assert re.fullmatch(r"([A-Za-z]|[OoGg]ʻ|ʼ)+", surname.latin), surname.latin


def test_name_list_cyrillic_columns_are_pure_cyrillic() -> None:
    for surname in SURNAMES:
        for spelling in (surname.cyrillic, surname.russian):
            assert all("CYRILLIC" in unicodedata.name(c) for c in spelling), spelling


# --- matching real names ----------------------------------------------------------


@pytest.mark.parametrize("surname", SURNAMES, ids=_ids)
def test_every_spelling_of_a_surname_matches_every_other(surname: Surname) -> None:
    for typed, stored in itertools.permutations(surname.spellings, 2):
        assert surname_matches(typed, stored), (typed, stored)


@pytest.mark.parametrize("surname", SURNAMES, ids=_ids)
def test_uzbek_latin_and_uzbek_cyrillic_have_the_same_strict_fold(surname: Surname) -> None:
    assert fold_name(surname.latin) == fold_name(surname.cyrillic)


@pytest.mark.parametrize("variant", APOSTROPHE_VARIANTS)
@pytest.mark.parametrize("surname", WITH_APOSTROPHES, ids=_ids)
def test_any_apostrophe_or_none_matches_the_official_spelling(
    surname: Surname, variant: str
) -> None:
    typed = surname.latin.replace("ʻ", variant).replace("ʼ", variant)
    assert surname_matches(typed, surname.latin)
    assert fold_name(typed) == fold_name(surname.latin)


@pytest.mark.parametrize("surname", SURNAMES, ids=_ids)
def test_case_does_not_matter(surname: Surname) -> None:
    for spelling in surname.spellings:
        for typed in (spelling.upper(), spelling.lower(), spelling.swapcase()):
            assert surname_matches(typed, surname.latin), typed


def test_distinct_surnames_in_the_list_do_not_collide() -> None:
    collisions = {
        frozenset({a.latin, b.latin})
        for a, b in itertools.combinations(SURNAMES, 2)
        if name_key(a.latin) == name_key(b.latin)
    }
    unexpected = collisions - KNOWN_COLLISIONS
    assert not unexpected, f"surnames sharing a name_key: {sorted(map(sorted, unexpected))}"


def test_allow_listed_collisions_are_real_collisions() -> None:
    for pair in KNOWN_COLLISIONS:
        first, second = sorted(pair)
        assert name_key(first) == name_key(second)


@pytest.mark.parametrize(
    "spellings",
    [
        ("Gʻulomov", "G'ULOMOV", "Gulomov", "Ғуломов"),
        ("Gʻulomov", "Гулямов"),
        ("Yoʻldoshev", "Юлдашев"),
        ("Holmatov", "Ҳолматов", "Холматов"),
        ("Toshmatov", "Ташматов"),
        ("Qodirov", "Кадыров"),
        ("Oʻrinboyev", "Уринбаев"),
        ("Rahimov", "Рахимов"),
        ("Xoʻjayev", "Ходжаев"),
        ("Shodmonov", "Шадманов"),
        ("Ismoilov", "Исмаилов"),
        ("Neʼmatov", "Нематов"),
        ("Gʻaniyev", "Ганиев"),
        ("Toʻxtayev", "Тухтаев"),
        ("Boʻriyev", "Буриев"),
        ("Qurbonov", "Курбанов"),
        ("Joʻrayev", "Джураев"),
        ("Hasanov", "Хасанов"),
        ("Yoqubov", "Якубов"),
        ("Roʻziyev", "Рузиев"),
        ("Mamatqulov", "Маматкулов"),
        ("Sobirov", "Сабиров"),
        ("Abdullayev", "Абдуллаев", "Abdulayev"),
        ("Yermatov", "Ерматов"),
        ("Niyozov", "Ниязов"),
    ],
    ids=lambda spellings: spellings[0],
)
def test_design_examples_of_one_surname_match(spellings: tuple[str, ...]) -> None:
    for typed, stored in itertools.permutations(spellings, 2):
        assert surname_matches(typed, stored), (typed, stored)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Karimov", "Rahimov"),
        ("Yusupov", "Yoqubov"),
        ("Tursunov", "Ergashev"),
        ("Karimova", "Karimov"),
        ("Aliyev", "Valiyev"),
    ],
)
def test_different_surnames_do_not_match(typed: str, stored: str) -> None:
    assert not surname_matches(typed, stored)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Kadyrov", "Qodirov"),
        ("Djuraev", "Joʻrayev"),
        ("Khodjaev", "Xoʻjayev"),
        ("Tukhtaev", "Toʻxtayev"),
        ("Ganiev", "Gʻaniyev"),
        ("Ghulomov", "Gʻulomov"),
        ("Ermatov", "Yermatov"),
        ("Tsoy", "Цой"),
        ("Shcherbakov", "Щербаков"),
    ],
)
def test_passport_style_latin_spellings_match(typed: str, stored: str) -> None:
    assert surname_matches(typed, stored)


def test_word_breaks_in_compound_surnames_do_not_matter() -> None:
    assert surname_matches("Abdul-Karimov", "Abdulkarimov")
    assert surname_matches("abdul karimov", "Abdul-Karimov")


def test_latin_name_typed_with_cyrillic_lookalike_letters_matches() -> None:
    # "р", "о" and "у" below are Cyrillic: transliterated they would read r, o, u.
    assert surname_matches("Yusuроv", "Yusupov")
    assert surname_matches("уusupov", "Yusupov")


def test_cyrillic_name_typed_with_latin_lookalike_letters_matches() -> None:
    # "K", "a" and "p" below are Latin letters inside a Cyrillic word.
    assert surname_matches("Kaримов", "Каримов")
    assert surname_matches("Юсyпoв", "Юсупов")


def test_russian_g_for_uzbek_h_is_not_folded() -> None:
    # Ибрагимов is the Russian spelling of Ibrohimov, but treating g and h as one
    # letter would merge Hasanov with Gasanov and many more; a verifier can still
    # match such a record by birth date.
    assert not surname_matches("Ибрагимов", "Ibrohimov")


# --- surname_matches edge cases ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("", ""), ("   ", "   "), ("", "Karimov"), ("  ", "Karimov"), ("ʻ", "'"), ("123", "456")],
)
def test_blank_or_letterless_input_never_matches(typed: str, stored: str) -> None:
    assert not surname_matches(typed, stored)


def test_absurdly_long_typed_input_is_refused_without_folding() -> None:
    assert not surname_matches("Karimov " * 1_000, "Karimov")


def test_keys_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return a == b

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert surname_matches("Гулямов", "Gʻulomov")
    assert compared == [(name_key("Гулямов").encode(), name_key("Gʻulomov").encode())]


# --- fold_name ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("ш", "sh"),
        ("ч", "ch"),
        ("ғ", "g"),
        ("ў", "o"),
        ("қ", "q"),
        ("ҳ", "h"),
        ("х", "x"),
        ("ж", "j"),
        ("й", "y"),
        ("ё", "yo"),
        ("ю", "yu"),
        ("я", "ya"),
        ("ц", "ts"),
        ("щ", "shch"),
        ("ы", "i"),
        ("э", "e"),
        ("аъб", "ab"),
        ("аьб", "ab"),
    ],
)
def test_cyrillic_letters_follow_the_official_uzbek_latin_alphabet(
    cyrillic: str, latin: str
) -> None:
    assert fold_name(cyrillic) == latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Ерматов", "yermatov"),
        ("Ганиев", "ganiyev"),
        ("Ўринбоев", "orinboyev"),
        ("Темиров", "temirov"),
        ("Васильев", "vasilyev"),
        ("Али Ергаш", "ali yergash"),
    ],
)
def test_cyrillic_e_is_ye_at_word_start_and_after_vowels_and_soft_sign(
    cyrillic: str, latin: str
) -> None:
    assert fold_name(cyrillic) == latin


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Şodmonov", "shodmonov"),
        ("Çoriyev", "choriyev"),
        ("Ğulomov", "gulomov"),
        ("Örinboyev", "orinboyev"),
        ("Yüsupov", "yusupov"),
        ("Tŭxtayev", "toxtayev"),
        ("Kárímov", "karimov"),
    ],
)
def test_accidental_latin_diacritics_fold_to_uzbek_letters(typed: str, folded: str) -> None:
    assert fold_name(typed) == folded


def test_hyphens_and_whitespace_fold_to_single_spaces() -> None:
    assert fold_name("  Abdul-\u00a0Karimov\t ") == "abdul karimov"


def test_compatibility_forms_and_invisible_characters_are_folded() -> None:
    assert fold_name("Ｋａｒｉｍｏｖ") == "karimov"
    assert fold_name("Kari\u00admov") == "karimov"


@given(st.text())
def test_fold_name_output_is_only_lowercase_ascii_letters_and_single_spaces(text: str) -> None:
    assert re.fullmatch(r"([a-z]+( [a-z]+)*)?", fold_name(text))


@given(st.text())
def test_fold_name_is_idempotent(text: str) -> None:
    folded = fold_name(text)
    assert fold_name(folded) == folded


# --- name_key -------------------------------------------------------------------------


@given(st.text())
def test_name_key_is_idempotent(text: str) -> None:
    key = name_key(text)
    assert name_key(key) == key


@given(st.text())
def test_name_key_output_is_only_lowercase_ascii_letters(text: str) -> None:
    assert re.fullmatch(r"[a-z]*", name_key(text))


# --- generated Uzbek names --------------------------------------------------------


# fmt: off
ONSETS = (
    "", "b", "ch", "d", "g", "gʻ", "h", "j", "k", "l", "m", "n", "q", "r", "s", "sh", "t", "x",
    "y", "z",
)
# fmt: on
NUCLEI = ("a", "e", "i", "o", "u", "oʻ", "ye", "yo", "yu", "ya")
CODAS = ("", "", "", "b", "l", "m", "n", "ng", "r", "s", "sh", "t", "q", "x", "h", "y", "ʼ")
SUFFIXES = ("ov", "ova", "yev", "yeva", "")

# Longest first, so that "yoʻ" is not read as "yo" followed by a stray "ʻ".
LATIN_TO_CYRILLIC = (
    ("yoʻ", "йў"),
    ("oʻ", "ў"),
    ("gʻ", "ғ"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("yo", "ё"),
    ("yu", "ю"),
    ("ya", "я"),
    ("ʼ", "ъ"),
    *zip("abdfghijklmnopqrstuvxyz", "абдфгҳижклмнопқрстувхйз", strict=True),
)
CYRILLIC_VOWELS = "аеёиоуўэюя"


def to_uzbek_cyrillic(latin: str) -> str:
    """Uzbek Latin -> Uzbek Cyrillic for the lowercase names generated below."""
    out: list[str] = []
    i = 0
    while i < len(latin):
        after_vowel = not out or out[-1][-1] in CYRILLIC_VOWELS + "ъ"
        if latin.startswith("ye", i):
            out.append("е" if after_vowel else "йе")
            i += 2
        elif latin[i] == "e":
            out.append("э" if after_vowel else "е")
            i += 1
        else:
            for source, target in LATIN_TO_CYRILLIC:
                if latin.startswith(source, i):
                    out.append(target)
                    i += len(source)
                    break
            else:
                raise AssertionError(f"no Cyrillic for {latin[i:]!r}")
    return "".join(out)


@st.composite
def uzbek_latin_names(draw: st.DrawFn) -> str:
    syllables = draw(
        st.lists(
            st.tuples(st.sampled_from(ONSETS), st.sampled_from(NUCLEI), st.sampled_from(CODAS)),
            min_size=1,
            max_size=4,
        )
    )
    return "".join(map("".join, syllables)) + draw(st.sampled_from(SUFFIXES))


@st.composite
def retyped(draw: st.DrawFn, name: str) -> str:
    """The name as someone might type it: any apostrophe or none, any case."""
    chars: list[str] = []
    for char in name:
        if char in "ʻʼ":
            chars.append(draw(st.sampled_from(APOSTROPHE_VARIANTS)))
        else:
            chars.append(char.upper() if draw(st.booleans()) else char)
    return "".join(chars)


@given(uzbek_latin_names())
def test_generated_name_has_the_same_strict_fold_in_uzbek_cyrillic(latin: str) -> None:
    assert fold_name(to_uzbek_cyrillic(latin)) == fold_name(latin)


@given(st.data(), uzbek_latin_names(), st.booleans())
def test_generated_name_retyped_in_either_script_matches_the_original(
    data: st.DataObject, latin: str, in_cyrillic: bool
) -> None:
    written = to_uzbek_cyrillic(latin) if in_cyrillic else latin
    typed = data.draw(retyped(written))
    assert surname_matches(typed, latin)


@given(uzbek_latin_names(), st.booleans())
def test_generated_name_in_uzbek_cyrillic_reads_back_as_written_in_latin(
    latin: str, capitalised: bool
) -> None:
    written = latin.capitalize() if capitalised else latin
    cyrillic = to_uzbek_cyrillic(latin)
    assert latin_reading(cyrillic.capitalize() if capitalised else cyrillic) == written


# --- latin_reading --------------------------------------------------------------------


@pytest.mark.parametrize("surname", SURNAMES, ids=_ids)
def test_the_latin_reading_of_a_cyrillic_surname_is_its_official_latin_spelling(
    surname: Surname,
) -> None:
    assert latin_reading(surname.cyrillic) == surname.latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Ғуломов Абдулла", "Gʻulomov Abdulla"),
        ("Ҳолматов Шерзод Алишер ўғли", "Holmatov Sherzod Alisher oʻgʻli"),
        ("Неъматова Гулноза Фарҳод қизи", "Neʼmatova Gulnoza Farhod qizi"),
        ("Ерматов Ёқубжон", "Yermatov Yoqubjon"),
    ],
)
def test_a_full_name_in_cyrillic_reads_in_the_official_latin_alphabet(
    cyrillic: str, latin: str
) -> None:
    assert latin_reading(cyrillic) == latin


@pytest.mark.parametrize(
    ("russian", "latin"),
    [
        ("Гулямов", "Gulyamov"),
        ("Юлдашев", "Yuldashev"),
        ("Холматов", "Xolmatov"),
        ("Сабиров Бахтиёр Икромович", "Sabirov Baxtiyor Ikromovich"),
    ],
)
def test_a_russian_style_spelling_is_read_with_the_same_letters(russian: str, latin: str) -> None:
    assert latin_reading(russian) == latin


def test_an_upper_case_name_reads_in_upper_case_and_an_initial_stays_one_letter() -> None:
    assert latin_reading("ШОДМОНОВ Ш. Ў.") == "SHODMONOV Sh. Oʻ."


@pytest.mark.parametrize("name", ["Gʻulomov Abdulla", "O'Brien", "Müller-Lüdenscheidt"])
def test_a_name_without_cyrillic_reads_unchanged(name: str) -> None:
    assert latin_reading(name) == name


# --- normalise_name -------------------------------------------------------------------


@pytest.mark.parametrize("surname", SURNAMES, ids=_ids)
def test_normalise_keeps_real_names_in_any_script_unchanged(surname: Surname) -> None:
    for spelling in surname.spellings:
        assert normalise_name(spelling) == spelling


def test_normalise_keeps_case_and_apostrophes_as_given() -> None:
    assert normalise_name("G'ULOMOV") == "G'ULOMOV"
    assert normalise_name("oʻrinboyeva") == "oʻrinboyeva"


def test_normalise_composes_to_nfc() -> None:
    assert normalise_name("Jose\u0301") == "Jos\u00e9"


def test_normalise_strips_and_collapses_whitespace() -> None:
    assert normalise_name("  Abdul \u00a0\u2003Karimov\n") == "Abdul Karimov"


def test_normalise_accepts_hyphenated_names() -> None:
    assert normalise_name("Abdul-Karimov") == "Abdul-Karimov"


def test_normalise_accepts_exactly_100_characters() -> None:
    assert normalise_name("A" * 100) == "A" * 100


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_normalise_rejects_empty_text(text: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        normalise_name(text)


def test_normalise_rejects_text_longer_than_100_characters() -> None:
    with pytest.raises(ValueError, match="too long"):
        normalise_name("A" * 101)


@pytest.mark.parametrize("text", ["Kari\x00mov", "Karimov\x07", "\x1b[31mKarimov", "Kari\x7fmov"])
def test_normalise_rejects_control_characters(text: str) -> None:
    with pytest.raises(ValueError, match="control character"):
        normalise_name(text)


@pytest.mark.parametrize("text", ["Karimov2", "Karimov ٣", "Ⅳ Karimov"])
def test_normalise_rejects_digits(text: str) -> None:
    with pytest.raises(ValueError, match="digit"):
        normalise_name(text)


@pytest.mark.parametrize(
    "text", ["<script>", "Karimov;", "a@b", "Karimov.", "Kari\u200bmov", "\u202eKarimov"]
)
def test_normalise_rejects_symbols_punctuation_and_invisible_characters(text: str) -> None:
    with pytest.raises(ValueError, match="not allowed in a name"):
        normalise_name(text)


def test_normalise_rejects_a_combining_mark_without_a_letter() -> None:
    with pytest.raises(ValueError, match="combining mark"):
        normalise_name("\u0301Karimov")


@pytest.mark.parametrize("text", ["-", "ʻʼ", "' - `"])
def test_normalise_rejects_text_without_letters(text: str) -> None:
    with pytest.raises(ValueError, match="no letters"):
        normalise_name(text)
