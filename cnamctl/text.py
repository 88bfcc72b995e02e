"""Making text from users and servers safe to print.

Everything cnamctl prints may carry text it did not write: manifest values and
file names, server answers, error excerpts. Two dangers, one helper each:

* ``inert``: terminal control sequences (``ESC ]0;`` retitles the window,
  ``ESC [2J`` clears it), bidirectional overrides and invisible characters would
  act on the reader's terminal or hide what is printed. They are replaced by
  visible escapes (``\\x1b``, ``\\u202e``), so what is shown is what is there.
* ``shorten``: a value can be megabytes long; a message quotes at most a short
  excerpt and says how long the whole is.

``quoted`` combines both for a value cited inside a message.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls (newline and tab are handled by ``keep_lines``), DEL, and
# Unicode format characters (bidi overrides, zero-width spaces, BOM): category Cf.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]|[^\x00-\x7f]")
_LINE_BREAKS = re.compile(r"[\n\t]")


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _replace(match: re.Match[str]) -> str:
    char = match.group(0)
    if ord(char) < 0xA0 or char in "\u2028\u2029":
        return _escape(char)
    # a non-ASCII character: printable letters and symbols stay, invisible ones go
    category = unicodedata.category(char)
    if category in ("Cf", "Cc", "Co", "Cs", "Cn", "Zl", "Zp"):
        return _escape(char)
    return char


def inert(text: str, *, keep_lines: bool = True) -> str:
    """``text`` with every character that could act on a terminal shown as an escape.

    With ``keep_lines`` (the default, for whole messages) newlines and tabs stay;
    without it (a single value) they are escaped too, so a value cannot forge an
    extra output line.
    """
    if text.isascii() and text.isprintable():
        return text
    out = _UNSAFE.sub(_replace, text)
    if not keep_lines:
        out = _LINE_BREAKS.sub(lambda m: _escape(m.group(0)), out)
    return out


def shorten(text: str, limit: int = 60) -> str:
    """At most ``limit`` characters of ``text``, and its full length when cut."""
    if len(text) <= limit:
        return text
    keep = max(limit - 1, 1)
    return f"{text[:keep]}… ({len(text):,} characters)"


def quoted(value: object, limit: int = 60) -> str:
    """A value cited in a message: shortened, made inert, in single quotes."""
    text = value if isinstance(value, str) else repr(value)
    return "'" + inert(shorten(text, limit), keep_lines=False) + "'"


def redact_url(url: str) -> str:
    """``url`` with any ``user:password@`` part replaced by ``***@``, for printing."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return url
    host = authority.rpartition("@")[2]
    return f"{scheme}://***@{host}{slash}{path}"
