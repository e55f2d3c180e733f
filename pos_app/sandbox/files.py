"""Receipt files for the Pegas-kassa sandbox: a real PDF and a real JPEG, in pure Python.

The spec leaves the receipt's content open (§5.5); the register only needs a valid
file to store, show and print.  Both show the lines of text given (ASCII).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence

# -- PDF -------------------------------------------------------------------------------


def _pdf_text(text: str) -> str:
    safe = text.encode("ascii", "replace").decode("ascii")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_receipt(lines: Sequence[str], *, width: int = 226, height: int = 320) -> bytes:
    """A one-page PDF 1.4 (80 mm wide) with the lines in Helvetica."""
    body = ["BT", "/F1 10 Tf", "14 TL", f"12 {height - 28} Td"]
    for line in lines:
        body.append(f"({_pdf_text(line)}) Tj T*")
    body.append("ET")
    stream = "\n".join(body).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
         f"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>").encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


# -- JPEG (baseline, grayscale) -----------------------------------------------------------

# A 5x7 font: each glyph is seven rows of five pixels.
_FONT = {
    "0": "01110100011001110101110011000101110", "1": "00100011000010000100001000010001110",
    "2": "01110100010000100010001000100011111", "3": "11111000100010000010000011000101110",
    "4": "00010001100101010010111110001000010", "5": "11111100001111000001000011000101110",
    "6": "00110010001000011110100011000101110", "7": "11111000010001000100010000100001000",
    "8": "01110100011000101110100011000101110", "9": "01110100011000101111000010001001100",
    "A": "01110100011000111111100011000110001", "B": "11110100011000111110100011000111110",
    "C": "01110100011000010000100001000101110", "D": "11100100101000110001100011001011100",
    "E": "11111100001000011110100001000011111", "F": "11111100001000011110100001000010000",
    "G": "01110100011000010111100011000101111", "H": "10001100011000111111100011000110001",
    "I": "01110001000010000100001000010001110", "J": "00111000100001000010000101001001100",
    "K": "10001100101010011000101001001010001", "L": "10000100001000010000100001000011111",
    "M": "10001110111010110101100011000110001", "N": "10001100011100110101100111000110001",
    "O": "01110100011000110001100011000101110", "P": "11110100011000111110100001000010000",
    "Q": "01110100011000110001101011001001101", "R": "11110100011000111110101001001010001",
    "S": "01111100001000001110000010000111110", "T": "11111001000010000100001000010000100",
    "U": "10001100011000110001100011000101110", "V": "10001100011000110001100010101000100",
    "W": "10001100011000110101101011010101010", "X": "10001100010101000100010101000110001",
    "Y": "10001100011000101010001000010000100", "Z": "11111000010001000100010001000011111",
    " ": "0" * 35, ".": "00000000000000000000000000110001100",
    ",": "00000000000000000000001100010001000", ":": "00000011000110000000011000110000000",
    "-": "00000000000000011111000000000000000", "/": "00000000010001000100010001000000000",
    "#": "01010010101111101010111110101001010", "(": "00010001000100001000010000010000010",
    ")": "01000001000001000010000100010001000", "=": "00000000001111100000111110000000000",
    "+": "00000001000010011111001000010000000", "_": "00000000000000000000000000000011111",
    "%": "11000110010001000100010001001100011",
}
_SCALE = 2  # font pixels are 2x2 image pixels

_ZIGZAG = (0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48,
           41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15,
           23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63)
_LUMA_Q = (16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40,
           57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35,
           55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112,
           100, 103, 99)
# Standard Huffman tables for luminance (ITU-T T.81, Annex K.3).
_DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
_DC_VALUES = tuple(range(12))
_AC_BITS = (0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D)
_AC_VALUES = bytes.fromhex(
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a"
    "25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778"
    "797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7"
    "c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa")


def _codes(bits: Sequence[int], values: Sequence[int]) -> dict[int, tuple[int, int]]:
    """value -> (code, length), built the canonical way (Annex C)."""
    table: dict[int, tuple[int, int]] = {}
    code, k = 0, 0
    for length, count in enumerate(bits, start=1):
        for _ in range(count):
            table[values[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return table


_DC = _codes(_DC_BITS, _DC_VALUES)
_AC = _codes(_AC_BITS, _AC_VALUES)
_COS = [[math.cos((2 * x + 1) * u * math.pi / 16) for x in range(8)] for u in range(8)]
_C = [1 / math.sqrt(2)] + [1.0] * 7


class _Bits:
    def __init__(self) -> None:
        self.out = bytearray()
        self._acc = 0
        self._n = 0

    def write(self, code: int, length: int) -> None:
        self._acc = (self._acc << length) | code
        self._n += length
        while self._n >= 8:
            self._n -= 8
            byte = (self._acc >> self._n) & 0xFF
            self.out.append(byte)
            if byte == 0xFF:
                self.out.append(0)  # byte stuffing
        self._acc &= (1 << self._n) - 1

    def flush(self) -> bytes:
        if self._n:
            self.write((1 << (8 - self._n)) - 1, 8 - self._n)  # pad with ones
        return bytes(self.out)


def _category(value: int) -> tuple[int, int]:
    """(size, bits) of a coefficient as JPEG codes it."""
    size = abs(value).bit_length()
    return size, value if value >= 0 else value + (1 << size) - 1


def _fdct(block: list[float]) -> list[float]:
    """Separable 8x8 forward DCT."""
    rows = [[sum(block[y * 8 + x] * _COS[u][x] for x in range(8)) for u in range(8)]
            for y in range(8)]
    return [_C[u] * _C[v] / 4 * sum(rows[y][u] * _COS[v][y] for y in range(8))
            for v in range(8) for u in range(8)]


def _render(lines: Sequence[str]) -> tuple[int, int, list[int]]:
    margin, line_height = 16, 8 * _SCALE + 6
    columns = max((len(line) for line in lines), default=1)
    width = (margin * 2 + columns * 6 * _SCALE + 7) // 8 * 8
    height = (margin * 2 + len(lines) * line_height + 7) // 8 * 8
    pixels = [255] * (width * height)
    for row, line in enumerate(lines):
        top = margin + row * line_height
        for col, char in enumerate(line.upper()):
            glyph = _FONT.get(char, _FONT["#"])
            left = margin + col * 6 * _SCALE
            for i, on in enumerate(glyph):
                if on == "1":
                    gy, gx = divmod(i, 5)
                    for dy in range(_SCALE):
                        base = (top + gy * _SCALE + dy) * width + left + gx * _SCALE
                        for dx in range(_SCALE):
                            pixels[base + dx] = 0
    return width, height, pixels


def jpeg_receipt(lines: Sequence[str], *, quality: int = 90) -> bytes:
    """A baseline grayscale JPEG (JFIF) showing the lines."""
    width, height, pixels = _render(lines)
    scale = 5000 / quality if quality < 50 else 200 - quality * 2
    quant = [min(max(int((q * scale + 50) // 100), 1), 255) for q in _LUMA_Q]
    bits = _Bits()
    previous_dc = 0
    for by in range(0, height, 8):
        for bx in range(0, width, 8):
            block = [pixels[(by + y) * width + bx + x] - 128 for y in range(8) for x in range(8)]
            if all(v == block[0] for v in block):
                coefficients = [block[0] * 8.0] + [0.0] * 63  # a flat block: DC only
            else:
                coefficients = _fdct([float(v) for v in block])
            q = [round(coefficients[i] / quant[i]) for i in range(64)]
            zz = [q[i] for i in _ZIGZAG]
            size, value = _category(zz[0] - previous_dc)
            previous_dc = zz[0]
            bits.write(*_DC[size])
            if size:
                bits.write(value, size)
            run = 0
            for coefficient in zz[1:]:
                if coefficient == 0:
                    run += 1
                    continue
                while run > 15:
                    bits.write(*_AC[0xF0])  # ZRL: sixteen zeros
                    run -= 16
                size, value = _category(coefficient)
                bits.write(*_AC[(run << 4) | size])
                bits.write(value, size)
                run = 0
            if run:
                bits.write(*_AC[0x00])  # EOB
    scan = bits.flush()

    def segment(marker: int, payload: bytes) -> bytes:
        return struct.pack(">HH", marker, len(payload) + 2) + payload

    return b"".join([
        b"\xff\xd8",
        segment(0xFFE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
        segment(0xFFDB, b"\x00" + bytes(quant[i] for i in _ZIGZAG)),
        segment(0xFFC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"),
        segment(0xFFC4, b"\x00" + bytes(_DC_BITS) + bytes(_DC_VALUES)),
        segment(0xFFC4, b"\x10" + bytes(_AC_BITS) + _AC_VALUES),
        segment(0xFFDA, b"\x01\x01\x00\x00\x3f\x00"),
        scan,
        b"\xff\xd9",
    ])
