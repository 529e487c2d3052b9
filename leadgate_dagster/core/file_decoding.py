"""Bytes to text for lead files: reject what is not a lead file, and find the encoding of what is.

Lead files are made on every platform: Excel on Windows writes cp1252 or UTF-16, Google Sheets writes
UTF-8, some exporters add a BOM and others do not. The order of the checks below is the order of
certainty: magic numbers, BOMs, the NUL-byte pattern of BOM-less UTF-16, strict UTF-8, then a statistical
guess, then cp1252 and latin-1, which decode anything.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile

from charset_normalizer import from_bytes


class FileRejected(Exception):
    """The file cannot be read at all; `code` is a FILE_* reason code and `detail` says why."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


_UNSUPPORTED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office file (.xls/.doc); save it as .xlsx or CSV"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x7fELF", "an executable"),
    (b"{\\rtf", "an RTF document"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32 first: its LE BOM starts with the UTF-16 LE BOM
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE_BYTES = 4096
_GUESS_WINDOW = 256 * 1024
_BINARY_SHARE = 0.10
_SURROGATE_FREE = frozenset({"utf-8", "utf-8-sig", "cp1252", "latin-1"})
_HIGH_BYTES = bytes(range(128, 256))
_SURROGATE = re.compile("[\ud800-\udfff]")


def sniff_container(data: bytes) -> str | None:
    """Recognise binary containers by their magic number.

    Args:
        data: the whole file.

    Returns:
        "xlsx" for an OOXML workbook, None for anything that may be text.

    Raises:
        FileRejected: FILE_UNSUPPORTED_FORMAT for known non-lead formats (PDF, images, other archives,
            legacy .xls, HTML pages saved as "Excel"), FILE_UNREADABLE for a damaged ZIP container.
    """
    for magic, what in _UNSUPPORTED_MAGIC:
        if data.startswith(magic):
            raise FileRejected("FILE_UNSUPPORTED_FORMAT", f"the file is {what}, not CSV, TSV, JSONL or XLSX")
    head = data[:64].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise FileRejected("FILE_UNSUPPORTED_FORMAT", "the file is an HTML page (some 'Excel' exports are "
                           "HTML tables); export CSV or XLSX")
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except Exception as exc:
        raise FileRejected("FILE_UNREADABLE", f"damaged ZIP/XLSX container: {exc}") from exc
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        what = "a binary Excel workbook (.xlsb); save it as .xlsx or CSV"
    elif "content.xml" in names:
        what = "an OpenDocument file (.ods); save it as .xlsx or CSV"
    else:
        what = "a ZIP archive that is not an XLSX workbook"
    raise FileRejected("FILE_UNSUPPORTED_FORMAT", f"the file is {what}")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text lead file without ever failing on a byte.

    Args:
        data: the whole file, already known not to be a binary container.

    Returns:
        (text without BOM, encoding name) where the name is a Python codec name such as "utf-8",
        "utf-8-sig", "utf-16", "utf-16-le", "cp1252" or the statistical guess ("cp1251", "shift_jis", ...).

    Raises:
        FileRejected: FILE_UNREADABLE when the decoded text is mostly control characters (binary data).
    """
    encoding = _detect(data)
    text = data.decode(encoding, errors="replace")
    if encoding not in _SURROGATE_FREE and _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)  # e.g. UTF-7 can encode lone surrogates; no database takes them
    text = text.removeprefix("\ufeff")
    sample = text[:65536]
    binary = sum(1 for ch in sample if _is_binary_char(ch))
    if sample and binary > _BINARY_SHARE * len(sample):
        raise FileRejected("FILE_UNREADABLE",
                           f"the file looks like binary data ({binary} non-text characters in the first "
                           f"{len(sample)} characters as {encoding})")
    return text, encoding


def _detect(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    utf16 = _bomless_utf16(data[:_SAMPLE_BYTES])
    if utf16:
        return utf16
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:
        return "utf-8"
    if _mostly_utf8(data):
        return "utf-8"
    for encoding in (_guess(data, first_bad), "cp1252"):
        if encoding:
            try:
                data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
            return encoding
    return "latin-1"


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes (files pasted together, a cut-off last character) stays UTF-8.

    Reading it as cp1252 instead would turn every correct "é" into "Ã©"; cp1252 text, in turn, almost
    never contains valid UTF-8 sequences, so at least as many good non-ASCII characters as bad spots
    is the line.
    """
    ascii_bytes = len(data.translate(None, _HIGH_BYTES))
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - ascii_bytes - bad  # correctly encoded non-ASCII characters
    return good >= max(1, bad)


def _bomless_utf16(sample: bytes) -> str | None:
    # ASCII-range text in UTF-16 has a NUL in every other byte; a UTF-8 file with stray NULs does not.
    pairs = len(sample) // 2
    if pairs == 0:
        return None
    even_nul = sample[0 : 2 * pairs : 2].count(0)
    odd_nul = sample[1 : 2 * pairs : 2].count(0)
    if odd_nul >= 0.3 * pairs and even_nul <= 0.05 * pairs:
        return "utf-16-le"
    if even_nul >= 0.3 * pairs and odd_nul <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _guess(data: bytes, first_bad: int) -> str | None:
    """Ask charset-normalizer, but only trust it for non-Latin scripts.

    For Western text it cannot tell cp1252 from cp1250 or mac_roman ("José" reads the same in all), and
    the Excel-on-Windows default is cp1252; for Cyrillic, Greek, CJK, ... its guess is reliable.
    """
    start = max(0, first_bad - 1024)
    window = data[start : start + _GUESS_WINDOW]
    best = from_bytes(window).best()
    if best is None:
        return None
    try:
        encoding = codecs.lookup(best.encoding).name
    except LookupError:
        return None
    non_ascii = [ch for ch in str(best)[:65536] if ord(ch) > 127]
    latin = sum(1 for ch in non_ascii if not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN"))
    if not non_ascii or latin >= 0.5 * len(non_ascii):
        return "cp1252"
    return encoding


def _is_binary_char(ch: str) -> bool:
    # Controls, replacement characters, and unassigned or private-use code points (what random bytes
    # read as UTF-16 turn into); real text in any script has almost none of them.
    code = ord(ch)
    if code < 0x7F:
        return code < 32 and ch not in "\t\n\r\x00\x0c"
    return code < 0xA0 or code == 0xFFFD or unicodedata.category(ch) in ("Cn", "Co")
