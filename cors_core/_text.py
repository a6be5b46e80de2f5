"""Small text helpers shared by the engine: token checks and the one escaping rule.

Every piece of text that came from outside (request values, a server's answer to
``cors-core check``, configuration entries) goes through :func:`escape` (or
:func:`quote`, which adds quotes and a length limit) before it reaches a log line,
a response header, a message or a terminal. There is one rule and one function.
"""

from __future__ import annotations

import re

__all__ = ["TOKEN_RE", "escape", "is_token", "quote"]

# RFC 9110 token (method names, header field names).
TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

# Everything but printable ASCII (space to tilde), with or without the backslash.
_UNSAFE = re.compile(r"[^\x20-\x5b\x5d-\x7e]")
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")
_MAX_QUOTED = 200


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x5C:
        return "\\\\"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape(text: str, *, backslash: bool = True) -> str:
    """``text`` as printable ASCII on one line: every other character becomes an escape.

    The rule is deliberately "printable ASCII or escaped", not a list of dangerous
    categories: it covers C0 controls (CR, LF, ESC, ...), DEL, C1 controls (NEL
    U+0085, CSI U+009B, ...), Unicode format and bidi characters (category Cf:
    U+200B, U+202E, U+2066-U+2069, the U+E00xx tags), the line and paragraph
    separators U+2028/U+2029, lone surrogates and every other non-ASCII character,
    whatever the Unicode version and the terminal or log viewer. So a value can
    never forge a log line (flask-cors CVE-2024-1681), drive a terminal, reorder
    what is shown, or make a response header that is not latin-1. Escapes are
    Python's: ``\\xNN``, ``\\uNNNN``, ``\\UNNNNNNNN``.

    ``backslash=True`` (the default) also doubles ``\\``, so the result is
    unambiguous; pass ``backslash=False`` for text that already holds escapes
    made by this function (a :class:`~cors_core.decision.Reason` message, a
    ``cors_core`` server's ``X-CORS-Reason``): it is then left as it is, and
    ``escape(escape(t), backslash=False) == escape(t)``.

    >>> escape("a\\r\\n\\u202eb\\\\")
    'a\\\\x0d\\\\x0a\\\\u202eb\\\\\\\\'
    """
    pattern = _UNSAFE if backslash else _UNPRINTABLE
    return pattern.sub(_escape_char, text)


def quote(value: str | None) -> str:
    """Quote a request-supplied value for logs and messages (see :func:`escape`).

    The value is cut to 200 characters, escaped and put in single quotes;
    ``None`` (header absent) reads ``(none)``.

    >>> quote("a\\r\\nb")
    "'a\\\\x0d\\\\x0ab'"
    """
    if value is None:
        return "(none)"
    cut = len(value) > _MAX_QUOTED
    text = escape(value[:_MAX_QUOTED])
    return f"'{text}'" + (f"... ({len(value)} chars)" if cut else "")


def is_token(value: str) -> bool:
    """Whether ``value`` is an RFC 9110 token (a valid method or header name)."""
    return TOKEN_RE.fullmatch(value) is not None
