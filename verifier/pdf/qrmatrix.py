"""QR module matrices for printing, with the codewords and the mask choice made fast.

qrcode builds and scores all eight masked symbols in pure Python (about 20 ms
for a version-13 code: more than the rest of a diploma page), and even one
symbol spends most of its time pushing single bits into a buffer and dividing
polynomials object by object. Here the codewords come from integer arithmetic
(the byte-mode segment as one big integer; Reed-Solomon remainders from a
per-generator table, with qrcode's generators and block layout), qrcode places
them into its matrix once, the eight masked candidates are derived from that
as row bit-strings and scored with string and integer operations (the same
four penalty rules), and the winner is built once. The result is one of
qrcode's own encodings of the same bytes (tested); the budget check is the
contract's: version 15 at level M at most.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections.abc import Callable

import qrcode
from qrcode import LUT, base, util
from qrcode.constants import ERROR_CORRECT_M

from verifier.errors import VerifierError
from verifier.qr import MAX_VERSION

_RUNS = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = ("10111010000", "00001011101")


@functools.cache
def _function_patterns(version: int) -> list[list[bool | None]]:
    """Finder, alignment and timing patterns and version information; None where data goes.

    The format information cells are reserved (False): each mask candidate
    writes its own.
    """
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=0)
    code.modules_count = size = version * 4 + 17
    code.modules = [[None] * size for _ in range(size)]
    code.setup_position_probe_pattern(0, 0)
    code.setup_position_probe_pattern(size - 7, 0)
    code.setup_position_probe_pattern(0, size - 7)
    code.setup_position_adjust_pattern()
    code.setup_timing_pattern()
    code.setup_type_info(True, 0)
    if version >= 7:
        code.setup_type_number(False)
    modules: list[list[bool | None]] = code.modules
    return modules


@functools.cache
def _data_cells(version: int) -> tuple[int, ...]:
    """Per row, a bit mask (leftmost module = highest bit) of the cells holding data."""
    return tuple(_bits([cell is None for cell in row]) for row in _function_patterns(version))


@functools.cache
def _placement(version: int) -> tuple[int, tuple[Callable[[str], tuple[str, ...]], ...]]:
    """How to lay a codeword bit string out as the unmasked symbol's rows.

    Returns the number of data cells and, per row, a getter that picks that
    row's modules, left to right, from ``data bits + function pattern bits``:
    data cells in ISO/IEC 18004's two-column zigzag order (as qrcode's map_data
    walks it), the rest from the function patterns.
    """
    modules = _function_patterns(version)
    size = len(modules)
    order: dict[tuple[int, int], int] = {}
    upward = True
    for right in range(size - 1, 0, -2):
        column = right - 1 if right <= 6 else right  # skip the vertical timing pattern
        rows = range(size - 1, -1, -1) if upward else range(size)
        for row in rows:
            for cell in ((row, column), (row, column - 1)):
                if modules[cell[0]][cell[1]] is None:
                    order[cell] = len(order)
        upward = not upward
    count = len(order)
    getters = tuple(
        operator.itemgetter(
            *(order.get((row, col), count + row * size + col) for col in range(size))
        )
        for row in range(size)
    )
    return count, getters


@functools.cache
def _function_bits(version: int) -> str:
    return "".join("1" if cell else "0" for row in _function_patterns(version) for cell in row)


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


def _penalty(rows: list[int], text: list[str], size: int) -> int:
    """ISO/IEC 18004 mask penalty of a symbol given as row integers and as row strings."""
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


@functools.cache
def _blocks(version: int) -> tuple[tuple[int, int], ...]:
    """(data codewords, error-correction codewords) per Reed-Solomon block, level M."""
    return tuple(
        (block.data_count, block.total_count - block.data_count)
        for block in base.rs_blocks(version, ERROR_CORRECT_M)
    )


def _count_bits(version: int) -> int:
    return 8 if version < 10 else 16  # byte mode's character count indicator


def version_for(length: int) -> int:
    """The smallest version whose level-M capacity holds ``length`` bytes in byte mode."""
    for version in range(1, 41):
        capacity = 8 * sum(data for data, _ in _blocks(version))
        if 4 + _count_bits(version) + 8 * length <= capacity:
            return version
    return 41


def _data_codewords(data: bytes, version: int) -> bytes:
    """Mode, count, the bytes, terminator and padding, as ISO/IEC 18004 (and qrcode) lay out."""
    capacity = sum(count for count, _ in _blocks(version))
    count_bits = _count_bits(version)
    bits = ((0b0100 << count_bits | len(data)) << 8 * len(data)) | int.from_bytes(data, "big")
    length = 4 + count_bits + 8 * len(data)
    terminator = min(4, 8 * capacity - length)
    length += terminator
    bits <<= terminator + (-length % 8)
    body = bits.to_bytes((length + 7) // 8, "big")
    fill = capacity - len(body)
    return body + (b"\xec\x11" * (fill // 2 + 1))[:fill]


def _gf_multiply(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return int(base.EXP_TABLE[(base.LOG_TABLE[a] + base.LOG_TABLE[b]) % 255])


@functools.cache
def _remainder_table(ec_count: int) -> tuple[int, ...]:
    """For each leading factor, the generator's lower terms times it, packed into one integer."""
    generator = LUT.rsPoly_LUT[ec_count]  # monic: [1, g1, ..., gn]
    return tuple(
        int.from_bytes(bytes(_gf_multiply(factor, g) for g in generator[1:]), "big")
        for factor in range(256)
    )


def _error_correction(block: bytes, ec_count: int) -> bytes:
    """The Reed-Solomon remainder of ``block`` (shift-register division, a byte at a time)."""
    table = _remainder_table(ec_count)
    shift = 8 * (ec_count - 1)
    mask = (1 << 8 * ec_count) - 1
    remainder = 0
    for byte in block:
        remainder = ((remainder << 8) & mask) ^ table[(remainder >> shift) ^ byte]
    return remainder.to_bytes(ec_count, "big")


def codewords(data: bytes, version: int) -> list[int]:
    """The final codeword sequence: data blocks interleaved, then their error correction."""
    stream = _data_codewords(data, version)
    data_blocks, ec_blocks, offset = [], [], 0
    for count, ec_count in _blocks(version):
        block = stream[offset : offset + count]
        offset += count
        data_blocks.append(block)
        ec_blocks.append(_error_correction(block, ec_count))
    result: list[int] = []
    for blocks in (data_blocks, ec_blocks):
        for column in itertools.zip_longest(*blocks):
            result.extend(value for value in column if value is not None)
    return result


def qr_row_strings(url: str) -> list[str]:
    """The symbol (no quiet zone) as one string of 0 (light) and 1 (dark) per row."""
    data = url.encode()
    version = version_for(len(data))
    if version > MAX_VERSION:
        raise VerifierError(f"QR URL needs version {version}; the budget is {MAX_VERSION}")
    size = version * 4 + 17
    stream = codewords(data, version)
    cells, rows_from = _placement(version)
    # Cells left over after the last codeword ("remainder bits") are light.
    bits = format(int.from_bytes(bytes(stream), "big"), f"0{8 * len(stream)}b").ljust(cells, "0")
    source = bits + _function_bits(version)
    unmasked = [int("".join(row_from(source)), 2) for row_from in rows_from]
    data_cells = _data_cells(version)
    format0_cells, _ = _format_rows(version, 0)
    best: tuple[int, list[str]] | None = None
    for pattern in range(8):
        mask = _mask_rows(version, pattern)
        _, dark = _format_rows(version, pattern)
        rows = [
            ((u ^ (k & d)) & ~f) | fd
            for u, k, d, f, fd in zip(unmasked, mask, data_cells, format0_cells, dark, strict=True)
        ]
        text = [format(row, f"0{size}b") for row in rows]
        score = _penalty(rows, text, size)
        if best is None or score < best[0]:
            best = (score, text)
    assert best is not None
    return best[1]


def qr_matrix(url: str) -> list[list[bool]]:
    return [[module == "1" for module in row] for row in qr_row_strings(url)]
