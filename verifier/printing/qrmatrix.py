"""QR module matrices for printing, hand-written from ISO/IEC 18004 so as to be fast.

Why hand-written: a diploma's QR code (a ~380-byte URL, version 13 at level M)
takes about 20 ms with qrcode and 15 ms with segno, more than the rest of a
diploma page; this module took 3.7 ms (all three measured when issue 14 was
filed). Standing on its own it runs at the speed it had on qrcode's internals
(same runs, 380-byte URL, a 2-core machine under load average 6-10: 5.7-12 ms
here against 7-16 ms for the previous version, 40-81 ms for segno and 55-61 ms
for qrcode, so still about 4-5 times faster than either).
Both libraries build and score all eight masked symbols cell by cell
and divide polynomials object by object. Here the codewords come from integer
arithmetic (the byte-mode segment as one big integer; Reed-Solomon remainders
from a per-generator table), they are placed into the symbol once, the eight
masked candidates are derived from that as row integers and row strings and
scored with string and integer operations (ISO's four penalty rules), and the
winner is returned.

It stands on its own: the tables and function patterns below are ISO/IEC
18004's (level M, byte mode only, which is all the service prints), so no
library's private internals are relied on. The tests keep it checked: the same
symbol as segno and qrcode produce for the same bytes, version and mask, and
zxing-cpp reads it back. The budget check is the contract's: version 15 at
level M at most (DESIGN.md).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from operator import itemgetter

from verifier.errors import InvalidInput

# The contract's budget: a verification URL fits QR version 15 at level M.
MAX_VERSION = 15
_RUNS = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = ("10111010000", "00001011101")

# ISO/IEC 18004 Table 9, level M: per version, error-correction codewords per
# block and the (block count, data codewords per block) groups. All 40 versions
# are listed so that version_for can say how far over the budget a URL is.
_LEVEL_M_BLOCKS: tuple[tuple[int, tuple[tuple[int, int], ...]], ...] = (
    (10, ((1, 16),)),
    (16, ((1, 28),)),
    (26, ((1, 44),)),
    (18, ((2, 32),)),
    (24, ((2, 43),)),
    (16, ((4, 27),)),
    (18, ((4, 31),)),
    (22, ((2, 38), (2, 39))),
    (22, ((3, 36), (2, 37))),
    (26, ((4, 43), (1, 44))),
    (30, ((1, 50), (4, 51))),
    (22, ((6, 36), (2, 37))),
    (22, ((8, 37), (1, 38))),
    (24, ((4, 40), (5, 41))),
    (24, ((5, 41), (5, 42))),
    (28, ((7, 45), (3, 46))),
    (28, ((10, 46), (1, 47))),
    (26, ((9, 43), (4, 44))),
    (26, ((3, 44), (11, 45))),
    (26, ((3, 41), (13, 42))),
    (26, ((17, 42),)),
    (28, ((17, 46),)),
    (28, ((4, 47), (14, 48))),
    (28, ((6, 45), (14, 46))),
    (28, ((8, 47), (13, 48))),
    (28, ((19, 46), (4, 47))),
    (28, ((22, 45), (3, 46))),
    (28, ((3, 45), (23, 46))),
    (28, ((21, 45), (7, 46))),
    (28, ((19, 47), (10, 48))),
    (28, ((2, 46), (29, 47))),
    (28, ((10, 46), (23, 47))),
    (28, ((14, 46), (21, 47))),
    (28, ((14, 46), (23, 47))),
    (28, ((12, 47), (26, 48))),
    (28, ((6, 47), (34, 48))),
    (28, ((29, 46), (14, 47))),
    (28, ((13, 46), (32, 47))),
    (28, ((40, 47), (7, 48))),
    (28, ((18, 47), (31, 48))),
)
_LEVEL_M_BITS = 0b00  # the error-correction level's two bits in the format information
_FORMAT_MASK = 0x5412
_FORMAT_GENERATOR = 0x537  # BCH(15,5)
_VERSION_GENERATOR = 0x1F25  # BCH(18,6)

# ISO's eight data masks, as functions of (row, column): True flips the module.
_MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda r, c: (r + c) % 2 == 0,
    lambda r, c: r % 2 == 0,
    lambda r, c: c % 3 == 0,
    lambda r, c: (r + c) % 3 == 0,
    lambda r, c: (r // 2 + c // 3) % 2 == 0,
    lambda r, c: (r * c) % 2 + (r * c) % 3 == 0,
    lambda r, c: ((r * c) % 2 + (r * c) % 3) % 2 == 0,
    lambda r, c: ((r + c) % 2 + (r * c) % 3) % 2 == 0,
)


def _supported(version: int) -> None:
    if not 1 <= version <= MAX_VERSION:
        raise InvalidInput("qr_version_unsupported", version=version, budget=MAX_VERSION)


def _alignment_positions(version: int) -> list[int]:
    """Centre coordinates of the alignment patterns (ISO Annex E), derived, not tabled."""
    if version == 1:
        return []
    count = version // 7 + 2
    size = version * 4 + 17
    step = 26 if version == 32 else (version * 4 + count * 2 + 1) // (count * 2 - 2) * 2
    return [6] + [size - 7 - i * step for i in range(count - 2, -1, -1)]


def _format_bits(pattern: int) -> int:
    """The 15 format information bits for level M and ``pattern``: BCH(15,5), masked."""
    data = _LEVEL_M_BITS << 3 | pattern
    remainder = data
    for _ in range(10):
        remainder = (remainder << 1) ^ ((remainder >> 9) * _FORMAT_GENERATOR)
    return (data << 10 | remainder) ^ _FORMAT_MASK


def _format_cells(size: int) -> list[tuple[int, int]]:
    """(row, column) of format bit i, for i = 0..14, in both copies: two lists concatenated."""
    first = [(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)]
    first += [(8, 14 - i) for i in range(9, 15)]
    second = [(8, size - 1 - i) for i in range(8)] + [(size - 15 + i, 8) for i in range(8, 15)]
    return first + second


def _version_bits(version: int) -> int:
    """The 18 version information bits: BCH(18,6)."""
    remainder = version
    for _ in range(12):
        remainder = (remainder << 1) ^ ((remainder >> 11) * _VERSION_GENERATOR)
    return version << 12 | remainder


@functools.cache
def _function_patterns(version: int) -> list[list[bool | None]]:
    """Finder, separator, alignment and timing patterns, the dark module and version
    information; None where data goes.

    The format information cells are reserved (False): each mask candidate
    writes its own.
    """
    size = version * 4 + 17
    modules: list[list[bool | None]] = [[None] * size for _ in range(size)]
    # Timing patterns first: finders and alignment patterns overwrite their ends.
    for i in range(size):
        modules[6][i] = modules[i][6] = i % 2 == 0
    for top, left in ((0, 0), (0, size - 7), (size - 7, 0)):
        # The finder with its one-module light separator, clipped to the symbol.
        for r in range(-1, 8):
            for c in range(-1, 8):
                if 0 <= top + r < size and 0 <= left + c < size:
                    ring = max(abs(r - 3), abs(c - 3))
                    modules[top + r][left + c] = ring != 2 and ring != 4
    positions = _alignment_positions(version)
    last = len(positions) - 1
    for i, row in enumerate(positions):
        for j, col in enumerate(positions):
            if (i, j) in ((0, 0), (0, last), (last, 0)):
                continue  # these would sit on a finder
            for r in range(-2, 3):
                for c in range(-2, 3):
                    modules[row + r][col + c] = max(abs(r), abs(c)) != 1
    for row, col in _format_cells(size):
        modules[row][col] = False
    modules[size - 8][8] = True  # the dark module, always dark
    if version >= 7:
        bits = _version_bits(version)
        for i in range(18):
            dark = bool(bits >> i & 1)
            a, b = size - 11 + i % 3, i // 3
            modules[b][a] = modules[a][b] = dark
    return modules


@functools.cache
def _data_cells(version: int) -> tuple[int, ...]:
    """Per row, a bit mask (leftmost module = highest bit) of the cells holding data."""
    return tuple(_bits([cell is None for cell in row]) for row in _function_patterns(version))


@functools.cache
def data_order(version: int) -> tuple[tuple[int, int], ...]:
    """(row, column) of the data cells in ISO/IEC 18004's two-column zigzag order."""
    modules = _function_patterns(version)
    size = len(modules)
    order: list[tuple[int, int]] = []
    upward = True
    for right in range(size - 1, 0, -2):
        column = right - 1 if right <= 6 else right  # skip the vertical timing pattern
        rows = range(size - 1, -1, -1) if upward else range(size)
        for row in rows:
            for cell in ((row, column), (row, column - 1)):
                if modules[cell[0]][cell[1]] is None:
                    order.append(cell)
        upward = not upward
    return tuple(order)


@functools.cache
def _placement(version: int) -> tuple[int, tuple[Callable[[str], tuple[str, ...]], ...]]:
    """How to lay a codeword bit string out as the unmasked symbol's rows.

    Returns the number of data cells and, per row, a getter that picks that
    row's modules, left to right, from ``data bits + function pattern bits``:
    data cells in placement order, the rest from the function patterns.
    """
    size = version * 4 + 17
    order = {cell: index for index, cell in enumerate(data_order(version))}
    count = len(order)
    getters = tuple(
        itemgetter(*(order.get((row, col), count + row * size + col) for col in range(size)))
        for row in range(size)
    )
    return count, getters


@functools.cache
def _function_bits(version: int) -> str:
    return "".join("1" if cell else "0" for row in _function_patterns(version) for cell in row)


@functools.cache
def _mask_rows(version: int, pattern: int) -> tuple[int, ...]:
    size = version * 4 + 17
    flips = _MASKS[pattern]
    return tuple(_bits([flips(r, c) for c in range(size)]) for r in range(size))


@functools.cache
def _format_rows(version: int, pattern: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(cells, dark) bit masks of the format information written for ``pattern``."""
    size = version * 4 + 17
    bits = _format_bits(pattern)
    cells = [0] * size
    dark = [0] * size
    for index, (row, col) in enumerate(_format_cells(size)):
        cells[row] |= 1 << (size - 1 - col)
        dark[row] |= (bits >> (index % 15) & 1) << (size - 1 - col)
    return tuple(cells), tuple(dark)


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
    ec_count, groups = _LEVEL_M_BLOCKS[version - 1]
    return tuple((data, ec_count) for count, data in groups for _ in range(count))


def _count_bits(version: int) -> int:
    return 8 if version < 10 else 16  # byte mode's character count indicator


def version_for(length: int) -> int:
    """The smallest version whose level-M capacity holds ``length`` bytes in byte mode.

    41 when none does.
    """
    for version in range(1, 41):
        capacity = 8 * sum(data for data, _ in _blocks(version))
        if 4 + _count_bits(version) + 8 * length <= capacity:
            return version
    return 41


def _data_codewords(data: bytes, version: int) -> bytes:
    """Mode, count, the bytes, terminator and padding, as ISO/IEC 18004 lays them out."""
    capacity = sum(count for count, _ in _blocks(version))
    count_bits = _count_bits(version)
    length = 4 + count_bits + 8 * len(data)
    if length > 8 * capacity:
        raise InvalidInput("qr_data_too_long", length=len(data), version=version)
    bits = ((0b0100 << count_bits | len(data)) << 8 * len(data)) | int.from_bytes(data, "big")
    terminator = min(4, 8 * capacity - length)
    length += terminator
    bits <<= terminator + (-length % 8)
    body = bits.to_bytes((length + 7) // 8, "big")
    fill = capacity - len(body)
    return body + (b"\xec\x11" * (fill // 2 + 1))[:fill]


def _gf_tables() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Exponent and logarithm tables of GF(256) with the primitive polynomial 0x11d."""
    exp = [0] * 510
    log = [0] * 256
    value = 1
    for power in range(255):
        exp[power] = exp[power + 255] = value
        log[value] = power
        value <<= 1
        if value & 0x100:
            value ^= 0x11D
    return tuple(exp), tuple(log)


_EXP, _LOG = _gf_tables()


def _gf_multiply(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


@functools.cache
def _generator(ec_count: int) -> tuple[int, ...]:
    """The monic Reed-Solomon generator (x - a^0)(x - a^1)...(x - a^(n-1)), highest term first."""
    poly = [1]
    for power in range(ec_count):
        # Multiply by (x + a^power): subtraction is addition in GF(2^8).
        poly = [
            high ^ _gf_multiply(low, _EXP[power])
            for high, low in zip([*poly, 0], [0, *poly], strict=True)
        ]
    return tuple(poly)


@functools.cache
def _remainder_table(ec_count: int) -> tuple[int, ...]:
    """For each leading factor, the generator's lower terms times it, packed into one integer."""
    generator = _generator(ec_count)  # monic: [1, g1, ..., gn]
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


def symbols(data: bytes, version: int) -> list[list[str]]:
    """The eight masked symbols of ``data`` at ``version`` (index = mask), as row strings."""
    return [text for _, text in _candidates(data, version)]


def _candidates(data: bytes, version: int) -> list[tuple[list[int], list[str]]]:
    """Per mask, the symbol as row integers (for scoring) and as row strings."""
    _supported(version)
    size = version * 4 + 17
    stream = codewords(data, version)
    cells, rows_from = _placement(version)
    # Cells left over after the last codeword ("remainder bits") are light.
    bits = format(int.from_bytes(bytes(stream), "big"), f"0{8 * len(stream)}b").ljust(cells, "0")
    source = bits + _function_bits(version)
    unmasked = [int("".join(row_from(source)), 2) for row_from in rows_from]
    data_cells = _data_cells(version)
    format_cells, _ = _format_rows(version, 0)
    result = []
    for pattern in range(8):
        mask = _mask_rows(version, pattern)
        _, dark = _format_rows(version, pattern)
        rows = [
            ((u ^ (k & d)) & ~f) | fd
            for u, k, d, f, fd in zip(unmasked, mask, data_cells, format_cells, dark, strict=True)
        ]
        result.append((rows, [format(row, f"0{size}b") for row in rows]))
    return result


def budget_version(data: bytes) -> int:
    """The version ``data`` is printed at; raises beyond the contract's budget (version 15)."""
    version = version_for(len(data))
    if version > MAX_VERSION:
        raise InvalidInput("qr_over_budget", version=version, budget=MAX_VERSION)
    return version


def qr_row_strings(url: str) -> list[str]:
    """The symbol (no quiet zone) as one string of 0 (light) and 1 (dark) per row."""
    data = url.encode()
    return best_symbol(data, budget_version(data))[1]


def best_symbol(data: bytes, version: int) -> tuple[int, list[str]]:
    """The mask with the lowest ISO penalty (the first on a tie) and its symbol."""
    size = version * 4 + 17
    best: tuple[int, int, list[str]] | None = None
    for pattern, (rows, text) in enumerate(_candidates(data, version)):
        score = _penalty(rows, text, size)
        if best is None or score < best[0]:
            best = (score, pattern, text)
    assert best is not None
    return best[1], best[2]


def qr_matrix(url: str) -> list[list[bool]]:
    return [[module == "1" for module in row] for row in qr_row_strings(url)]
