"""Small text helpers shared by the engine: token checks and log-safe quoting."""

from __future__ import annotations

import re

# RFC 9110 token (method names, header field names).
TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

_UNSAFE = re.compile(r"[^\x20-\x7e]|\\")
_MAX_QUOTED = 200


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    if ch == "\\":
        return "\\\\"
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def quote(value: str | None) -> str:
    """Quote a request-supplied value for logs and messages.

    Control characters, CR/LF, DEL and non-ASCII become escapes, so a value can
    never forge a log line (flask-cors CVE-2024-1681); long values are cut.

    >>> quote("a\\r\\nb")
    "'a\\\\x0d\\\\x0ab'"
    """
    if value is None:
        return "(none)"
    cut = len(value) > _MAX_QUOTED
    text = _UNSAFE.sub(_escape_char, value[:_MAX_QUOTED])
    return f"'{text}'" + (f"... ({len(value)} chars)" if cut else "")


def is_token(value: str) -> bool:
    """Whether ``value`` is an RFC 9110 token (a valid method or header name)."""
    return TOKEN_RE.fullmatch(value) is not None
