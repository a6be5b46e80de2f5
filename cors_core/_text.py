"""Small text helpers shared by the engine: the one escaping rule, and "did you mean".

Every piece of text that came from outside (request values, a server's answer to
``cors-core check``, configuration entries) goes through :func:`escape` (or
:func:`quote`, which adds quotes and a length limit) before it reaches a log line,
a response header, a message or a terminal. There is one rule and one function.

:func:`suggest` is the one "did you mean" rule for misspelt option and setting names
(re-exported by :mod:`cors_core.integration` for adapters).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

__all__ = ["escape", "quote", "suggest"]

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
    made by this function (a :class:`~cors_core._decision.Reason` message, a
    ``cors_core`` server's ``X-CORS-Reason``): it is then left as it is, and
    ``escape(escape(t), backslash=False) == escape(t)``.

    >>> escape("a\\r\\n\\u202eb\\\\")
    'a\\\\x0d\\\\x0a\\\\u202eb\\\\\\\\'
    """
    pattern = _UNSAFE if backslash else _UNPRINTABLE
    return pattern.sub(_escape_char, text)


def quote(value: str | None, *, count: bool = True) -> str:
    """Quote a request-supplied value for logs and messages (see :func:`escape`).

    The value is cut to 200 characters, escaped and put in single quotes, followed by
    ``...`` and (with ``count``) its length when it was cut; ``None`` (header absent)
    reads ``(none)``.

    >>> quote("a\\r\\nb")
    "'a\\\\x0d\\\\x0ab'"
    >>> quote("x" * 201)[-15:], quote("x" * 201, count=False)[-5:]
    ('... (201 chars)', "x'...")
    """
    if value is None:
        return "(none)"
    text = f"'{escape(value[:_MAX_QUOTED])}'"
    if len(value) <= _MAX_QUOTED:
        return text
    return text + (f"... ({len(value)} chars)" if count else "...")


def suggest(name: str, choices: Iterable[str], otherwise: str = "") -> str:
    """``"did you mean '<closest>'?"`` for the choice closest to a misspelt ``name``.

    ``otherwise`` (e.g. the list of valid names, or ``"remove it"``) when no choice is
    close enough. The one rule behind every unknown-option and unknown-setting hint.

    >>> suggest("allow_orgins", ["allow_origins", "max_age"])
    "did you mean 'allow_origins'?"
    >>> suggest("colour", ["allow_origins"], "remove it")
    'remove it'
    """
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"did you mean {close[0]!r}?" if close else otherwise
