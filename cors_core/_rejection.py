"""What a refusal says: the 403 answer (one body format, and its parser) and the hints
that make a :class:`~cors_core.Reason` precise.

A refused preflight (or a request refused by ``block_disallowed`` or a websocket check)
is answered with a short ``text/plain`` body:

- ``CORS preflight rejected (origin_not_allowed)``: the reason code only (the default);
- ``CORS preflight rejected: <message>`` with ``debug=True``, which also sends the
  ``X-CORS-Reason: <code>: <message>`` header.

:func:`parse_rejection` and :func:`parse_reason_header` read those back (``cors-core
check`` does, to explain a refusal from a cors_core server).
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from cors_core._decision import Action, Decision, HeaderPairs, Reason, ReasonCode
from cors_core._headers import RequestHeadersError
from cors_core._origins import MAX_ORIGIN_LENGTH
from cors_core._request import MAX_METHOD_LENGTH
from cors_core._text import quote

__all__ = [
    "PREFLIGHT_VARY",
    "REASON_HEADER",
    "Rejection",
    "header_refusal",
    "method_refusal",
    "method_too_long",
    "near_miss_hint",
    "origin_hint",
    "parse_reason_header",
    "parse_rejection",
    "reject",
    "rejection_body",
    "request_headers_refusal",
]

#: The header a ``debug=True`` policy explains its refusals in: ``<code>: <message>``.
REASON_HEADER = "X-CORS-Reason"
#: ``Vary`` of every preflight answer, allowed or refused.
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)
_PREFIX = "CORS "
_REJECTED = " rejected"
_KINDS: tuple[Literal["preflight", "request"], ...] = ("preflight", "request")
_CODE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz_")
_TEXT = ("Content-Type", "text/plain; charset=utf-8")
_NOSNIFF = ("X-Content-Type-Options", "nosniff")
_UNPRINTABLE = re.compile(r"[^\x21-\x7e]")


class Rejection(NamedTuple):
    """A refusal body read back: what was refused, and the code or the debug message."""

    kind: Literal["preflight", "request"]
    code: str | None  # the reason code (default bodies)
    message: str | None  # the human sentence (debug bodies)


def rejection_body(kind: Literal["preflight", "request"], reason: Reason, debug: bool) -> bytes:
    """The body of a refusal: the code, or with ``debug`` the whole sentence.

    >>> rejection_body("preflight", Reason(ReasonCode.PRIVATE_NETWORK), debug=False)
    b'CORS preflight rejected (private_network_not_allowed)\\n'
    """
    if debug:
        return f"{_PREFIX}{kind}{_REJECTED}: {reason.message}\n".encode()
    return f"{_PREFIX}{kind}{_REJECTED} ({reason.code})\n".encode()


def parse_rejection(body: bytes) -> Rejection | None:
    """Read a cors_core refusal body back (``None`` when it is not one).

    >>> parse_rejection(b"CORS preflight rejected (origin_not_allowed)\\n")
    Rejection(kind='preflight', code='origin_not_allowed', message=None)
    >>> parse_rejection(b"CORS request rejected: origin 'x' is not allowed\\n").message
    "origin 'x' is not allowed"
    >>> parse_rejection(b"Forbidden") is None
    True
    """
    text = body.decode("latin-1")
    for kind in _KINDS:
        head = f"{_PREFIX}{kind}{_REJECTED}"
        if not text.startswith(head):
            continue
        rest = text[len(head) :]
        if rest.startswith(": "):
            return Rejection(kind, None, rest[2:].rstrip("\n"))
        code, close, _ = rest[2:].partition(")")
        if rest.startswith(" (") and close and code and _CODE_CHARS.issuperset(code):
            return Rejection(kind, code, None)
    return None


def parse_reason_header(value: str) -> tuple[str, str]:
    """``(code, message)`` of an ``X-CORS-Reason`` value (``("", value)`` if it has no code).

    >>> parse_reason_header("method_not_allowed: method 'PATCH' is not in allow_methods")
    ('method_not_allowed', "method 'PATCH' is not in allow_methods")
    """
    code, sep, message = value.partition(": ")
    return (code, message) if sep else ("", value)


def reject(reason: Reason, *, debug: bool, status: int = 403, preflight: bool = True) -> Decision:
    """The answer to a refused preflight or request: no CORS headers, the reason in the
    body (and in :data:`REASON_HEADER` with ``debug``).

    >>> reject(Reason(ReasonCode.PRIVATE_NETWORK), debug=False).status
    403
    """
    if not debug:  # the answer depends on the code only: built once per code, then reused
        key = (reason.code, status, preflight)
        same = _ANSWERS.get(key)
        if same is None:
            same = _ANSWERS[key] = _build_refusal(reason, False, status, preflight)
        return Decision(
            _RESPOND,
            False,
            reason,
            same.headers,
            same.raw_headers,
            same.vary_origin,
            status,
            same.body,
            preflight,
            False,
        )
    return _build_refusal(reason, True, status, preflight)


#: Prebuilt non-debug refusals by (code, status, preflight): a handful of entries.
_ANSWERS: dict[tuple[str, int, bool], Decision] = {}
_RESPOND = Action.RESPOND


def _build_refusal(reason: Reason, debug: bool, status: int, preflight: bool) -> Decision:
    raw = rejection_body("preflight" if preflight else "request", reason, debug)
    headers: HeaderPairs = (
        _TEXT,
        ("Content-Length", str(len(raw))),
        _NOSNIFF,
        ("Vary", PREFLIGHT_VARY if preflight else "Origin"),
    )
    if debug:
        headers += ((REASON_HEADER, f"{reason.code}: {reason.message}"),)
    return Decision.build(
        Action.RESPOND, False, reason, headers, status=status, body=raw, preflight=preflight
    )


# -------------------------------------------------------------------------------- hints


def origin_hint(origin: str) -> str:
    """Why a request's ``Origin`` is malformed, when one look tells.

    >>> origin_hint("https://app.example.com/")
    " (it ends with '/')"
    """
    if "," in origin:
        return " (several Origin values)"
    if len(origin) > MAX_ORIGIN_LENGTH:  # refused by its length: no scan of the whole value
        return f" ({len(origin)} characters: longer than any serialized origin)"
    if _UNPRINTABLE.search(origin) is not None:  # one C-level scan: origins may be huge
        return " (it holds whitespace, control or non-ASCII characters)"
    if origin.endswith("/"):
        return " (it ends with '/')"
    if origin != origin.lower():
        return " (it has uppercase letters)"
    return ""


def near_miss_hint(allowed: str | None) -> str:
    """The hint for an origin whose host is allowed with another scheme or port.

    >>> near_miss_hint("https://app.example.com")
    "; 'https://app.example.com' is allowed (scheme and port must match exactly)"
    """
    if not allowed:
        return ""
    return f"; {allowed!r} is allowed (scheme and port must match exactly)"


def method_too_long(method: str) -> Reason:
    """The reason for an ``Access-Control-Request-Method`` longer than any method."""
    detail = f" (longer than {MAX_METHOD_LENGTH} characters, and no method is)"
    return Reason(ReasonCode.METHOD_MALFORMED, method, detail)


def method_refusal(method: str, allowed_value: str, allowed: frozenset[str]) -> Reason:
    """The reason for a method the policy does not allow, noting a case mismatch.

    >>> print(method_refusal("put", "PUT, GET", frozenset({"PUT", "GET"})).detail)
     (it allows PUT, GET); note the case: 'PUT' is allowed
    """
    hint = f" (it allows {allowed_value})"
    if method.upper() in allowed:
        hint += f"; note the case: {method.upper()!r} is allowed"
    return Reason(ReasonCode.METHOD_NOT_ALLOWED, method, hint)


def header_refusal(refused: list[str]) -> Reason:
    """The reason for request headers the policy does not allow (the first one named)."""
    more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
    return Reason(ReasonCode.HEADER_NOT_ALLOWED, refused[0], more)


def request_headers_refusal(error: RequestHeadersError, value: str) -> Reason:
    """The reason for an ``Access-Control-Request-Headers`` value that cannot be parsed."""
    if error.kind == "too_long":
        return Reason(ReasonCode.HEADERS_TOO_LONG, None, f" ({error.detail})")
    return Reason(ReasonCode.HEADERS_MALFORMED, value, f" ({quote(error.detail)})")
