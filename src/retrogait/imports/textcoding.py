"""Text saved again in another encoding: UTF-16 ("Unicode text", as Excel or Notepad save it) and a UTF-8
byte-order mark, turned into the plain UTF-8 every reader reads (EDGE-33)."""

from __future__ import annotations

#: The UTF-8 byte-order mark.
UTF8_BOM = b"\xef\xbb\xbf"
#: Bytes of a file's start looked at to tell UTF-16 text without a byte-order mark.
UTF16_PROBE_BYTES = 512


def utf16_encoding(data: bytes) -> str | None:
    """``utf-16`` when ``data`` starts with a UTF-16 byte-order mark, ``utf-16-le``/``-be`` when it has none
    but every second byte of its first hundreds is NUL (text of Latin letters and digits), else None."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = data[:UTF16_PROBE_BYTES]
    if len(head) < 16:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def as_utf8(data: bytes) -> bytes:
    """``data`` as UTF-8 without a byte-order mark: UTF-16 text decoded (an odd last byte of a file's first
    bytes left out, a byte pair that is no character replaced by U+FFFD), a UTF-8 BOM removed; anything else
    unchanged (the same object)."""
    encoding = utf16_encoding(data)
    if encoding is not None:
        even = data[: len(data) - len(data) % 2]
        return even.decode(encoding, errors="replace").lstrip("\ufeff").encode("utf-8")
    if data.startswith(UTF8_BOM):
        return data[len(UTF8_BOM) :]
    return data
