"""Bytes → NFC text: HTTP header, then <meta>, then detection.

A declared charset is believed only when the bytes agree with it: a page labelled ISO-8859-1 or
Windows-1258 that is valid multi-byte UTF-8 is UTF-8 (single-byte text almost never forms valid
UTF-8 sequences),
and a page labelled UTF-8 that does not decode falls through to <meta> and detection. That is
what keeps mislabelled Vietnamese pages from turning into mojibake. Windows-1258 writes most
tone marks as combining characters, so everything is NFC-normalised at the end.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
SNIFF_BYTES = 4096


def codec_name(label: str | None) -> str | None:
    """Python's name for a charset label, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().lower()
    if label in {"x-user-defined", "unicode"}:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def declared_charset(body: bytes) -> str | None:
    """The charset a document declares about itself (<meta> or the XML declaration)."""
    head = body[:SNIFF_BYTES]
    match = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _is_multibyte_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not body.isascii()


def _try(body: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    if not codec.startswith("utf") and _is_multibyte_utf8(body):
        return None  # labelled as a legacy charset but really UTF-8
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a response body; returns (NFC text, codec used). Never raises on bad bytes."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return unicodedata.normalize("NFC", body.decode(codec, "replace").lstrip("\ufeff")), codec
    for label in (header_charset(content_type), declared_charset(body)):
        codec = codec_name(label)
        text = _try(body, codec)
        if text is not None:
            return unicodedata.normalize("NFC", text), codec
    if _is_multibyte_utf8(body) or body.isascii():
        return unicodedata.normalize("NFC", body.decode("utf-8")), "utf-8"
    best = from_bytes(body[:200_000]).best()
    codec = codec_name(best.encoding) if best is not None else None
    text = _try(body, codec) if codec else None
    if text is None:
        codec, text = "utf-8", body.decode("utf-8", "replace")
    return unicodedata.normalize("NFC", text), codec
