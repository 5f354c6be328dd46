"""Message catalogues: complete in every language and shipped compiled."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from verifier.translations import DIRECTORY as TRANSLATIONS_DIR
from verifier.translations import DOMAIN, LANGUAGES

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_compiled(language: str) -> None:
    folder = TRANSLATIONS_DIR / language / "LC_MESSAGES"
    with (folder / f"{DOMAIN}.po").open("rb") as handle:
        source = read_po(handle)
    with (folder / f"{DOMAIN}.mo").open("rb") as handle:
        compiled = read_mo(handle)
    untranslated = [m.id for m in source if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []
    assert {(m.context, m.id): m.string for m in source if m.id} == {
        (m.context, m.id): m.string for m in compiled if m.id
    }, "the .mo is stale: run pybabel compile -d verifier/translations"


def test_the_catalogues_hold_every_message_in_the_code() -> None:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    in_code = {
        (context, message if isinstance(message, str) else message[0])
        for _, _, message, _, context in extract_from_dir(
            ROOT,
            method_map,
            options_map,
            keywords={
                **DEFAULT_KEYWORDS,
                "lazy_gettext": None,
                "N_": None,
                "lazy_pgettext": ((1, "c"), 2),
            },
            directory_filter=lambda path: Path(path).name not in {".venv", ".git", "build"},
        )
    }
    with (TRANSLATIONS_DIR / "ru" / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        in_catalogue = {(m.context, str(m.id)) for m in read_po(handle) if m.id}
    assert in_code - in_catalogue == set(), (
        "run scripts/translations update, translate, then scripts/translations compile"
    )
