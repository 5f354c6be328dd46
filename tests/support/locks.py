"""Reads the hash-checked locks in requirements/ that scripts/lock writes."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"


@dataclass(frozen=True)
class Pin:
    """One entry of a lock: a requirement line and the hashes that follow it."""

    name: NormalizedName
    specifier: str
    marker: Marker | None
    hashes: tuple[str, ...]

    @property
    def version(self) -> str:
        return self.specifier.removeprefix("==")

    def applies_here(self) -> bool:
        return self.marker is None or self.marker.evaluate()


def read_lock(path: Path) -> list[Pin]:
    pins: list[Pin] = []
    logical = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not text:
            continue
        logical += " " + text.removesuffix("\\").strip()
        if text.endswith("\\"):
            continue
        requirement, *hashes = logical.strip().split(" --hash=")
        parsed = Requirement(requirement)
        pins.append(
            Pin(
                name=canonicalize_name(parsed.name),
                specifier=str(parsed.specifier),
                marker=parsed.marker,
                hashes=tuple(h.strip() for h in hashes),
            )
        )
        logical = ""
    return pins


def pinned_here(pins: list[Pin]) -> dict[NormalizedName, Pin]:
    """The pins whose markers hold on this interpreter and platform, by name."""
    here: dict[NormalizedName, Pin] = {}
    for pin in pins:
        if pin.applies_here():
            assert pin.name not in here, f"{pin.name} is pinned twice for this environment"
            here[pin.name] = pin
    return here


def pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)
