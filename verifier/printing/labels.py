"""Printed labels in Uzbek (the official language, always first), English and Russian.

Russian is added only when the holder asked for it; Uzbek and English are
always printed so the paper reads at home and abroad.
"""

from __future__ import annotations

from collections.abc import Sequence

Languages = tuple[str, ...]
UZ_EN: Languages = ("uz", "en")
UZ_RU_EN: Languages = ("uz", "ru", "en")

_TEXT: dict[str, dict[str, str]] = {
    "country": {
        "uz": "OʻZBEKISTON RESPUBLIKASI",
        "ru": "РЕСПУБЛИКА УЗБЕКИСТАН",
        "en": "REPUBLIC OF UZBEKISTAN",
    },
    "diploma": {"uz": "DIPLOM", "ru": "ДИПЛОМ", "en": "DIPLOMA"},
    "supplement": {
        "uz": "DIPLOMGA ILOVA",
        "ru": "ПРИЛОЖЕНИЕ К ДИПЛОМУ",
        "en": "DIPLOMA SUPPLEMENT · ACADEMIC TRANSCRIPT",
    },
    "certificate": {"uz": "SERTIFIKAT", "ru": "СЕРТИФИКАТ", "en": "CERTIFICATE"},
    "certificate_kind": {
        "uz": "Malaka oshirish toʻgʻrisida",
        "ru": "о повышении квалификации",
        "en": "of professional development",
    },
    "awarded_to": {
        "uz": "Ushbu diplom egasi",
        "ru": "Настоящий диплом выдан",
        "en": "This diploma is awarded to",
    },
    "certifies": {
        "uz": "Ushbu sertifikat egasi",
        "ru": "Настоящий сертификат выдан",
        "en": "This certifies that",
    },
    "completed": {
        "uz": "quyidagi malaka oshirish kursini tamomladi",
        "ru": "окончил(а) курс повышения квалификации",
        "en": "has completed the professional development course",
    },
    "holder": {"uz": "Familiyasi, ismi, otasining ismi", "ru": "Ф. И. О.", "en": "Holder"},
    "birth_date": {"uz": "Tugʻilgan sanasi", "ru": "Дата рождения", "en": "Date of birth"},
    "program": {"uz": "Taʼlim yoʻnalishi", "ru": "Специальность", "en": "Programme"},
    "qualification": {"uz": "Malakasi", "ru": "Квалификация", "en": "Qualification"},
    "study_form": {"uz": "Taʼlim shakli", "ru": "Форма обучения", "en": "Mode of study"},
    "period": {"uz": "Oʻqish davri", "ru": "Период обучения", "en": "Period of study"},
    "course_dates": {"uz": "Oʻqish muddati", "ru": "Сроки обучения", "en": "Dates"},
    "hours": {"uz": "Hajmi", "ru": "Объём", "en": "Volume"},
    "hours_unit": {"uz": "soat", "ru": "часов", "en": "hours"},
    "diploma_number": {"uz": "Diplom raqami", "ru": "Номер диплома", "en": "Diploma number"},
    "issue_date": {"uz": "Berilgan sana", "ru": "Дата выдачи", "en": "Date of issue"},
    "number": {"uz": "Hujjat raqami", "ru": "Номер документа", "en": "Document number"},
    "honours": {
        "uz": "IMTIYOZLI DIPLOM",
        "ru": "ДИПЛОМ С ОТЛИЧИЕМ",
        "en": "DIPLOMA WITH HONOURS",
    },
    "director": {"uz": "Direktor", "ru": "Директор", "en": "Director"},
    "seal": {"uz": "M.Oʻ.", "ru": "М.П.", "en": "Seal"},
    "verify_title": {
        "uz": "Hujjatning haqiqiyligini tekshirish",
        "ru": "Проверка подлинности",
        "en": "Verify this document",
    },
    "verify_how": {
        "uz": "QR kodni skanerlang yoki saytga kiring",
        "ru": "Отсканируйте QR-код или откройте сайт",
        "en": "Scan the QR code or visit",
    },
    "col_no": {"uz": "№", "ru": "№", "en": "No."},
    "col_course": {"uz": "Fan nomi", "ru": "Дисциплина", "en": "Course"},
    "col_hours": {"uz": "Soat", "ru": "Часы", "en": "Hours"},
    "col_grade": {"uz": "Baho", "ru": "Оценка", "en": "Grade"},
    "total": {"uz": "Jami", "ru": "Итого", "en": "Total"},
    "page": {"uz": "Sahifa {n} / {m}", "ru": "Стр. {n} из {m}", "en": "page {n} of {m}"},
    "continued": {"uz": "davomi", "ru": "продолжение", "en": "continued"},
    "scale": {
        "uz": "Baholash: 5 — aʼlo, 4 — yaxshi, 3 — qoniqarli",
        "ru": "Шкала: 5 — отлично, 4 — хорошо, 3 — удовлетворительно",
        "en": "Grading: 5 — excellent, 4 — good, 3 — satisfactory",
    },
    "signed_note": {
        "uz": "Elektron nusxa raqamli imzo bilan tasdiqlangan",
        "ru": "Электронная копия заверена цифровой подписью",
        "en": "The electronic copy is digitally signed",
    },
}

_STUDY_FORMS = {
    "kunduzgi": {"ru": "очная", "en": "full-time"},
    "sirtqi": {"ru": "заочная", "en": "extramural"},
    "kechki": {"ru": "вечерняя", "en": "evening"},
    "masofaviy": {"ru": "дистанционная", "en": "distance learning"},
}


def text(key: str, language: str) -> str:
    return _TEXT[key][language]


def joined(key: str, languages: Sequence[str], separator: str = " / ") -> str:
    """One label in every language, Uzbek first: ``Tugʻilgan sanasi / Date of birth``."""
    return separator.join(_TEXT[key][language] for language in languages)


def study_form(value: str, languages: Sequence[str]) -> str:
    """The recorded study form as recorded, with its translations when it is a known one."""
    known = _STUDY_FORMS.get(value.strip().lower())
    if known is None:
        return value
    return " / ".join([value, *(known[lang] for lang in languages if lang != "uz")])
