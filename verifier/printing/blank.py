"""Print sheet for pre-printed state blank forms: only the data and the QR code.

Positions come from ``blank_forms.toml`` (per form type, millimetres from the
lower-left corner). Every field shrinks to its configured width rather than
running into the printed frame.
"""

from __future__ import annotations

import functools
import io
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.documents.numbers import display_number
from verifier.errors import ConfigurationError, InvalidInput, NotFound
from verifier.printing.data import PrintData, display_date
from verifier.printing.embed import attach_proof
from verifier.printing.fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD
from verifier.printing.labels import UZ_EN, Languages, study_form
from verifier.printing.page import INK, new_canvas
from verifier.printing.qrdraw import QUIET_ZONE, draw_qr
from verifier.printing.textfit import fit
from verifier.printing.units import mm
from verifier.vocabulary import DocumentType

FORMS_FILE = Path(__file__).with_name("blank_forms.toml")
_FONTS = {"serif": SERIF, "serif-bold": SERIF_BOLD, "sans": SANS, "sans-bold": SANS_BOLD}


@dataclass(frozen=True)
class Slot:
    x: float
    y: float
    width: float
    size: float
    align: str = "left"
    font: str = SERIF_BOLD


@dataclass(frozen=True)
class BlankForm:
    name: str
    type: DocumentType
    page: tuple[float, float]
    slots: Mapping[str, Slot]
    qr: tuple[float, float, float]


def _slot(form: str, name: str, raw: Any) -> Slot:
    try:
        return Slot(
            x=float(raw["x"]) * mm,
            y=float(raw["y"]) * mm,
            width=float(raw["width"]) * mm,
            size=float(raw["size"]),
            align=str(raw.get("align", "left")),
            font=_FONTS[str(raw.get("font", "serif-bold"))],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError(
            "blank_field_malformed", form=form, slot=name, detail=repr(exc)
        ) from None


@functools.cache
def _forms(path: Path = FORMS_FILE) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(
            "blank_positions_unreadable", path=str(path), detail=str(exc)
        ) from None


def form_names() -> list[str]:
    return sorted(_forms())


def load_form(name: str, path: Path = FORMS_FILE) -> BlankForm:
    raw = _forms(path).get(name)
    if raw is None:
        raise NotFound("unknown_blank_form", name=repr(name), known=", ".join(form_names()))
    try:
        qr = raw["qr"]
        slots = {
            key: _slot(name, key, value)
            for key, value in raw.items()
            if isinstance(value, dict) and key != "qr"
        }
        return BlankForm(
            name=name,
            type=DocumentType(raw["type"]),
            page=(float(raw["page"][0]) * mm, float(raw["page"][1]) * mm),
            slots=slots,
            qr=(float(qr["x"]) * mm, float(qr["y"]) * mm, float(qr["size"])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError("blank_form_malformed", form=name, detail=repr(exc)) from None


def _values(data: PrintData, languages: Languages) -> dict[str, str]:
    return {
        "number": display_number(data.record.number),
        "full_name": data.full_name,
        "birth_date": display_date(data.record.birth_date),
        "program": " — ".join(p for p in (data.record.program_code, data.record.program_name) if p),
        "qualification": data.record.qualification or "",
        "study_form": study_form(data.record.study_form, languages)
        if data.record.study_form
        else "",
        "period": f"{display_date(data.record.start_date)} – {display_date(data.record.end_date)}",
        "issue_date": display_date(data.record.issue_date),
        "course_name": data.record.course_name or "",
        "hours": f"{data.record.hours} soat / hours" if data.record.hours else "",
        "diploma_number": display_number(data.record.diploma_number)
        if data.record.diploma_number
        else "",
        "base_url": data.base_url,
    }


def render_on_blank(data: PrintData, form: BlankForm, languages: Languages = UZ_EN) -> bytes:
    """A sheet with only the variable data and the QR, for printing onto ``form``."""
    if data.record.type is not form.type:
        raise InvalidInput(
            "blank_form_other_type",
            number=data.record.number,
            type=data.record.type.value,
            form=form.name,
            form_type=form.type.value,
        )
    values = _values(data, languages)
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, form.page, data)
    canvas.setFillColor(INK)
    for key, slot in form.slots.items():
        text = values.get(key)
        if not text:
            continue
        fitted = fit(
            text, slot.font, width=slot.width, max_size=slot.size, min_size=min(6, slot.size)
        )
        canvas.setFont(slot.font, fitted.size)
        if slot.align == "centre":
            canvas.drawCentredString(slot.x, slot.y, text)
        elif slot.align == "right":
            canvas.drawRightString(slot.x, slot.y, text)
        else:
            canvas.drawString(slot.x, slot.y, text)
    x, y, size = form.qr
    draw_qr(canvas, data.qr_url, x, y, size)
    attach_proof(canvas, data.proof)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


__all__ = ["QUIET_ZONE", "BlankForm", "Slot", "form_names", "load_form", "render_on_blank"]
