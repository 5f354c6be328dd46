"""QR module matrices for printing, with the ISO/IEC 18004 mask choice made fast.

qrcode builds and scores all eight masked symbols in pure Python (about 20 ms
for a version-13 code: more than the rest of a diploma page). Here qrcode
encodes the data once; the eight candidates are derived from that matrix as
row bit-strings and scored with string and integer operations (same four
penalty rules), and the winner is built once. The budget check is the
contract's: version 15 at level M at most.
"""

from __future__ import annotations

import functools
import itertools
import re

import qrcode
from qrcode import util
from qrcode.constants import ERROR_CORRECT_M

from verifier.errors import VerifierError
from verifier.qr import MAX_VERSION

_RUNS = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = ("10111010000", "00001011101")


@functools.cache
def _data_cells(version: int) -> tuple[int, ...]:
    """Per row, a bit mask (leftmost module = highest bit) of the cells holding data."""
    blank = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=0)
    blank.modules_count = version * 4 + 17
    blank.modules = [[None] * blank.modules_count for _ in range(blank.modules_count)]
    # Only the function patterns, on an empty grid: what stays None holds data.
    blank.setup_position_probe_pattern(0, 0)
    blank.setup_position_probe_pattern(blank.modules_count - 7, 0)
    blank.setup_position_probe_pattern(0, blank.modules_count - 7)
    blank.setup_position_adjust_pattern()
    blank.setup_timing_pattern()
    blank.setup_type_info(True, 0)
    if version >= 7:
        blank.setup_type_number(True)
    return tuple(_bits([cell is None for cell in row]) for row in blank.modules)


@functools.cache
def _mask_rows(version: int, pattern: int) -> tuple[int, ...]:
    size = version * 4 + 17
    flips = util.mask_func(pattern)
    return tuple(_bits([flips(r, c) for c in range(size)]) for r in range(size))


@functools.cache
def _format_rows(version: int, pattern: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(cells, dark) bit masks of the format information written for ``pattern``."""
    size = version * 4 + 17
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=0)
    code.modules_count = size
    code.modules = [[None] * size for _ in range(size)]
    code.setup_type_info(False, pattern)
    cells = tuple(_bits([cell is not None for cell in row]) for row in code.modules)
    dark = tuple(_bits([cell is True for cell in row]) for row in code.modules)
    return cells, dark


def _bits(flags: list[bool]) -> int:
    value = 0
    for flag in flags:
        value = (value << 1) | flag
    return value


def _penalty(rows: list[int], size: int) -> int:
    text = [format(row, f"0{size}b") for row in rows]
    columns = ["".join(column) for column in zip(*text, strict=True)]
    lines = "|".join(text + columns)
    score = sum(len(run) - 2 for run in _RUNS.findall(lines))  # rule 1: runs of 5+
    full = (1 << (size - 1)) - 1
    for upper, lower in itertools.pairwise(rows):  # rule 2: 2x2 blocks
        same = ~(upper ^ lower) & ~(upper ^ (upper >> 1)) & ~(lower ^ (lower >> 1))
        score += 3 * ((same & ~(upper ^ (lower >> 1))) & full).bit_count()
    score += 40 * sum(lines.count(p) for p in _FINDER_LIKE)  # rule 3
    dark = sum(row.bit_count() for row in rows)  # rule 4: balance of dark modules
    score += 10 * (abs(dark * 100 // (size * size) - 50) // 5)
    return score


def qr_rows(url: str) -> list[int]:
    """The symbol (no quiet zone) as one integer per row, leftmost module highest."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0)
    code.add_data(url.encode())
    code.make(fit=True)
    version = code.version
    if version > MAX_VERSION:
        raise VerifierError(f"QR URL needs version {version}; the budget is {MAX_VERSION}")
    size = version * 4 + 17
    masked0 = [_bits(row) for row in code.modules]
    data = _data_cells(version)
    mask0 = _mask_rows(version, 0)
    unmasked = [m ^ (k & d) for m, k, d in zip(masked0, mask0, data, strict=True)]
    format0_cells, _ = _format_rows(version, 0)
    best: tuple[int, list[int]] | None = None
    for pattern in range(8):
        mask = _mask_rows(version, pattern)
        _, dark = _format_rows(version, pattern)
        rows = [
            ((u ^ (k & d)) & ~f) | fd
            for u, k, d, f, fd in zip(unmasked, mask, data, format0_cells, dark, strict=True)
        ]
        score = _penalty(rows, size)
        if best is None or score < best[0]:
            best = (score, rows)
    assert best is not None
    return best[1]


def qr_matrix(url: str) -> list[list[bool]]:
    size_rows = qr_rows(url)
    size = len(size_rows)
    return [[bool(row >> (size - 1 - c) & 1) for c in range(size)] for row in size_rows]
