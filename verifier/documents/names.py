"""Holder names: the stored form, and the keys used to match a typed surname.

A name is stored exactly as the institution gave it (NFC, tidy whitespace), because
it is printed back to people. Matching never compares stored text directly:

* :func:`fold_name` is the *strict* key. It erases differences that carry no
  information: case, compatibility forms, the half-dozen apostrophes Uzbeks type
  for ``ʻ``/``ʼ`` (or none at all), Uzbek Cyrillic versus the official Uzbek Latin
  alphabet, and stray Turkish-style diacritics. ``Gʻulomov``, ``G'ULOMOV``,
  ``Gulomov`` and ``Ғуломов`` all fold to ``gulomov``.
* :func:`name_key` is the *tolerant* key. Older papers spell Uzbek names the
  Russian way (``Гулямов``, ``Юлдашев``, ``Холматов``), which loses the o/a, oʻ/u,
  h/x and q/k distinctions, so the key erases those too. The price is that a few
  genuinely different names share a key (``Normatov``/``Nurmatov``: Uzbek oʻ and u
  are both Russian у, Uzbek o is Russian а). A surname is only ever one of several
  facts checked together with a document number, so this is acceptable there;
  use the strict key wherever a false match would matter more.
"""

from __future__ import annotations

import functools
import hmac
import re
import unicodedata

from verifier.errors import InvalidName

MAX_NAME_LENGTH = 100

# Bounds the work done on untrusted typed input; no stored name comes close to it.
_MAX_TYPED_LENGTH = 1_000

# The official ʻ (U+02BB) and ʼ (U+02BC), and what keyboards actually produce
# instead: ASCII quotes, typographic quotes, the acute accent and primes.
_APOSTROPHES = "'`‘’ʼʻ´ʹʽ‛′＇｀"
_DROP_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)
# Only these six are accepted in a stored name: the rest are typing accidents that
# the fold tolerates but that we do not want to print on a certificate.
_NAME_APOSTROPHES = frozenset("'`‘’ʼʻ")
_NAME_HYPHENS = frozenset("-‐‑")
_WHITESPACE_CONTROLS = frozenset("\t\n\r")

# Official Uzbek Latin alphabet (1995, revised 2019). Russian-only letters follow
# the Uzbek convention for loanwords (ы -> i, щ -> shch as passports print it);
# Karakalpak, Kazakh and Ukrainian letters are included because holders from
# Karakalpakstan and neighbours appear in the same registry. е is contextual and
# handled separately.
_CYRILLIC_TO_LATIN: dict[str, str] = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "ё": "yo",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "x",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    # ъ is the tutuq belgisi ʼ; the fold drops it, like the ʻ of oʻ and gʻ.
    "ъ": "ʼ",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ў": "oʻ",
    "қ": "q",
    "ғ": "gʻ",
    "ҳ": "h",
    "ә": "a",
    "ө": "o",
    "ү": "u",
    "ұ": "u",
    "ң": "ng",
    "һ": "h",
    "і": "i",
    "ї": "yi",
    "є": "ye",
    "ґ": "g",
    "ј": "j",
}
# е is "ye" at the start of a word and after a vowel or a separation sign
# (Ерматов = Yermatov, Ганиев = Ganiyev, объект = obyekt), "e" elsewhere.
_YE_AFTER = frozenset("аеёиоуўэюяыәөүұіїєъьaeiou")

# Letters from other Latin alphabets that people type for Uzbek ones: the 1993
# Uzbek Latin alphabet (ş ç ğ ö ñ), Turkish keyboards, Karakalpak (ń ǵ ı), and
# scholarly romanisation of Cyrillic (š č ž ŭ). Plain accents are left to NFKD.
_LATIN_LOOKALIKES: dict[int, str] = str.maketrans(
    {
        "ş": "sh",
        "ș": "sh",
        "š": "sh",
        "ç": "ch",
        "č": "ch",
        "ğ": "g",
        "ö": "o",
        "ŭ": "o",
        "ü": "u",
        "ñ": "ng",
        "ń": "ng",
        "ŋ": "ng",
        "ž": "j",
        "ı": "i",
        "ə": "a",
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ħ": "h",
    }
)

# Homoglyphs by printed shape, case-sensitive because В looks like B but в does not.
# Used only inside a word that mixes scripts: such a word is a typing or OCR
# accident, and the minority script's letters were meant to be the majority's.
_CYRILLIC_SHAPES = "АВЕКМНОРСТХУаеорсухкІіЈјЅѕҺһԚԛ"
_LATIN_SHAPES = "ABEKMHOPCTXYaeopcyxkIiJjSsHhQq"
_CYRILLIC_TO_LATIN_SHAPE = str.maketrans(_CYRILLIC_SHAPES, _LATIN_SHAPES)
# Only the letters of the Russian alphabet: a Latin letter in a Cyrillic word was
# almost always typed for one of those.
_LATIN_TO_CYRILLIC_SHAPE = str.maketrans(_LATIN_SHAPES[:20], _CYRILLIC_SHAPES[:20])
_WORD = re.compile(r"[^\W\d_]+")

_VOWELS = "aeiou"
_CONSONANTS = "bcdfghjklmnpqrstvwxz"
# Russian-style spelling of Uzbek names, as applied to a strict fold. Every rule
# either shortens the key or removes one of x q o u y, which no rule produces, so
# repeating them terminates; the fixpoint makes the key idempotent.
_TOLERANT_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Word breaks in compound surnames are written every way on paper.
    (re.compile(r" "), ""),
    (re.compile(r"shch"), "sh"),
    # Passport-style digraphs for Uzbek h, gʻ, j and Russian ж, дж, ц.
    (re.compile(r"kh"), "h"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"zh"), "j"),
    (re.compile(r"dj"), "j"),
    (re.compile(r"ts"), "s"),
    # Abdullaev/Abdullayev, Ermatov/Yermatov, Ganiev/Ganiyev.
    (re.compile(r"ye"), "e"),
    # Russian я/ю/ё after a consonant stands for a plain Uzbek vowel: Гулямов.
    (re.compile(rf"([{_CONSONANTS}])y(?=[{_VOWELS}])"), r"\1"),
    # Russian -ий and ы before a consonant: Qodiriy/Кадыри, Kadyrov/Qodirov.
    (re.compile(rf"iy(?![{_VOWELS}])"), "i"),
    (re.compile(rf"([{_CONSONANTS}])y(?![{_VOWELS}])"), r"\1i"),
    (re.compile(r"(.)\1+"), r"\1"),
)
# Uzbek x and h are both Russian х, q is к, and o, oʻ, u are spelt о, а or у.
_TOLERANT_LETTERS = str.maketrans("xqou", "hkaa")


def normalise_name(text: str) -> str:
    """Return the stored form of a name, or raise :class:`~verifier.errors.InvalidName`.

    The text is kept as given apart from Unicode NFC and whitespace: no case or
    apostrophe changes, since the name is printed back on verification pages.
    """
    # Tabs and line breaks come from pasted spreadsheet cells and are just
    # whitespace; any other control character means the text is not a name.
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in _WHITESPACE_CONTROLS:
            raise InvalidName("name_control_character", codepoint=f"{ord(char):04X}")
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not name:
        raise InvalidName("name_empty")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName("name_too_long", length=len(name), limit=MAX_NAME_LENGTH)
    previous = " "
    for char in name:
        category = unicodedata.category(char)
        if char.isdigit() or category[0] == "N":
            raise InvalidName("name_has_digit", char=repr(char))
        if category[0] == "M" and not (previous.isalpha() or _is_mark(previous)):
            raise InvalidName("name_stray_mark")
        if not (
            char == " " or char in _NAME_HYPHENS or char in _NAME_APOSTROPHES or category[0] in "LM"
        ):
            raise InvalidName("name_bad_character", char=repr(char), codepoint=f"{ord(char):04X}")
        previous = char
    # ʻ and ʼ are Unicode letters (Lm), but a name made only of them is not a name.
    if not any(c.isalpha() and c not in _NAME_APOSTROPHES for c in name):
        raise InvalidName("name_no_letters")
    return name


# Names repeat heavily (a class shares patronymics, a region its surnames) and
# folding is pure: caching makes bulk imports several times faster.
@functools.lru_cache(maxsize=65_536)
def fold_name(text: str) -> str:
    """Strict matching key: lowercase ASCII letters and single spaces only.

    Case, compatibility forms, apostrophes, hyphens, Uzbek Cyrillic versus Uzbek
    Latin and accidental diacritics are erased; nothing else is guessed.
    """
    # Dropped before NFKC too, because NFKC turns ´ into a space and a combining accent.
    text = text.translate(_DROP_APOSTROPHES)
    text = unicodedata.normalize("NFKC", text).translate(_DROP_APOSTROPHES)
    text = _WORD.sub(_unify_script, text)
    text = _transliterate_cyrillic(text.casefold()).translate(_DROP_APOSTROPHES)
    text = unicodedata.normalize("NFKD", text.translate(_LATIN_LOOKALIKES))
    folded: list[str] = []
    for char in text:
        if "a" <= char <= "z":
            folded.append(char)
        elif char.isalpha() or _is_mark(char) or unicodedata.category(char) == "Cf":
            # Marks are the accents NFKD split off; format characters are invisible
            # (soft hyphen, zero-width joiner) and so never meant as a break; other
            # scripts' letters cannot be compared with Uzbek ones at all.
            continue
        else:
            folded.append(" ")
    return " ".join("".join(folded).split())


@functools.lru_cache(maxsize=65_536)
def name_key(text: str) -> str:
    """Tolerant matching key: :func:`fold_name` with Russian-style spellings folded too.

    ``Gʻulomov`` and ``Гулямов`` share a key, as do ``Qodirov`` and ``Кадыров``.
    The result has no spaces and is a fixpoint, so ``name_key`` is idempotent.
    """
    key = fold_name(text)
    while True:
        previous = key
        for pattern, replacement in _TOLERANT_RULES:
            key = pattern.sub(replacement, key)
        key = key.translate(_TOLERANT_LETTERS)
        if key == previous:
            return key


@functools.lru_cache(maxsize=16_384)
def latin_reading(text: str) -> str:
    """``text`` with its Cyrillic letters read in the official Uzbek Latin alphabet.

    For readers of Latin script only (``Ғуломов Абдулла`` reads ``Gʻulomov Abdulla``);
    the stored name stays as given. Russian-style spellings are read letter by
    letter with the same table (``Гулямов`` reads ``Gulyamov``): which Uzbek name
    was meant cannot be known. Text with no Cyrillic comes back unchanged.
    """
    return _transliterate_cyrillic(unicodedata.normalize("NFC", text))


def surname_matches(typed: str, stored: str) -> bool:
    """Whether a surname typed by a verifier matches the stored one.

    Blank (or unrecognisable) input never matches, not even a blank stored name.
    """
    if len(typed) > _MAX_TYPED_LENGTH:
        return False
    typed_key = name_key(typed)
    stored_key = name_key(stored)
    if not typed_key or not stored_key:
        return False
    # Constant time, so response timing does not reveal how much of a surname was right.
    return hmac.compare_digest(typed_key.encode(), stored_key.encode())


def _is_mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M"


def _unify_script(match: re.Match[str]) -> str:
    word = match.group()
    latin = sum(1 for c in word if c.isascii() or "\u00c0" <= c <= "\u024f")
    cyrillic = sum(1 for c in word if "\u0400" <= c <= "\u052f")
    if not latin or not cyrillic or latin == cyrillic:
        return word
    if latin > cyrillic:
        return word.translate(_CYRILLIC_TO_LATIN_SHAPE)
    return word.translate(_LATIN_TO_CYRILLIC_SHAPE)


def _transliterate_cyrillic(text: str) -> str:
    """Cyrillic letters in the official Uzbek Latin alphabet, keeping case; others as given.

    An upper-case letter becomes ``Sh`` inside a capitalised word and ``SH`` inside
    an upper-case one (``Шерзод`` Sherzod, ``ШЕРЗОД`` SHERZOD).
    """
    out: list[str] = []
    previous = ""
    for index, char in enumerate(text):
        lower = char.lower()
        latin: str | None
        if lower == "е":
            at_word_start = not previous.isalpha()
            latin = "ye" if at_word_start or previous.lower() in _YE_AFTER else "e"
        else:
            latin = _CYRILLIC_TO_LATIN.get(lower)
        if latin is None:
            latin = char
        elif char != lower and latin:
            following = text[index + 1 : index + 2]
            shouting = following.isupper() or (not following.isalpha() and previous.isupper())
            latin = latin.upper() if shouting else latin[0].upper() + latin[1:]
        out.append(latin)
        if not _is_mark(char):
            previous = char
    return "".join(out)
