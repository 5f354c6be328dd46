"""Printed labels come from the catalogue, exactly as the paper has always printed them."""

from __future__ import annotations

from verifier.printing import labels
from verifier.printing.labels import UZ_EN, UZ_RU_EN


def test_a_label_reads_in_each_language_from_the_catalogue() -> None:
    assert [labels.text("country", lang) for lang in UZ_RU_EN] == [
        "OʻZBEKISTON RESPUBLIKASI",
        "РЕСПУБЛИКА УЗБЕКИСТАН",
        "REPUBLIC OF UZBEKISTAN",
    ]


def test_labels_that_read_alike_in_english_stay_apart_from_the_pages_words() -> None:
    # "Programme" is "Taʼlim yoʻnalishi" on paper whatever the pages call it.
    assert labels.joined("program", UZ_RU_EN) == "Taʼlim yoʻnalishi / Специальность / Programme"


def test_a_known_study_form_is_printed_with_its_translations() -> None:
    assert labels.study_form("Kunduzgi", UZ_RU_EN) == "Kunduzgi / очная / full-time"
    assert labels.study_form("kechki", UZ_EN) == "kechki / evening"
    assert labels.study_form("modular", UZ_RU_EN) == "modular"


def test_the_page_counter_keeps_its_placeholders() -> None:
    assert labels.text("page", "ru").format(n=1, m=2) == "Стр. 1 из 2"
