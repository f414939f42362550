"""A CAP document as text and back, in the encoding its sender chose.

Pure. Messages are kept in the inbox as text (for audit, and to be mapped
again when an approver accepts them); read back, that text must give the
same words, whatever encoding the document declared.
"""
import codecs
import re

_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")
_DECLARED_TEXT = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*""")


def document_text(data: bytes) -> str:
    """The document as text, decoded as an XML parser reads it: by its BOM, else its declared
    encoding (ISO-8859-1, windows-1258 ...), else UTF-8. Kept as the message's XML, it reads back
    the same (`parse_xml` of a str ignores the declaration): decoded as UTF-8 whatever it declares,
    "verglaçante" would reach the boards as "verglaï¿½ante" once an approver accepts it."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    declared = _DECLARED.match(data)
    try:
        return data.decode(declared.group(1).decode() if declared else "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def utf8_document(text: str) -> bytes:
    """A message received as text (a JSON batch) as UTF-8 bytes, its declaration saying so."""
    return _DECLARED_TEXT.sub(r"\g<1>UTF-8", text.lstrip("\ufeff"), count=1).encode("utf-8")
