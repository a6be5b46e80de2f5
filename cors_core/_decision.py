"""What the engine tells an adapter to do with one request."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum, StrEnum
from typing import Any, NamedTuple

from cors_core._text import escape, quote

__all__ = ["Action", "Decision", "Reason", "ReasonCode", "refused_actual", "refused_actual_lazily"]


class Action(IntEnum):
    """What the adapter does with the request."""

    #: Call the application and leave its response untouched.
    PASS = 0
    #: Call the application, then apply ``Decision.headers`` / ``vary_origin`` to its response.
    ACTUAL = 1
    #: Do not call the application: answer with ``status``, ``headers`` and ``body``.
    RESPOND = 2


class ReasonCode(StrEnum):
    """Stable, machine-readable codes for every outcome.

    Members are strings (``ReasonCode.OK == "ok"``), safe to log, compare and put in JSON.

    >>> ReasonCode("origin_not_allowed") is ReasonCode.ORIGIN_NOT_ALLOWED, str(ReasonCode.OK)
    (True, 'ok')
    """

    OK = "ok"
    #: Allowed by an origin hook (:meth:`CORSPolicy.with_origin_hook`) after the lists
    #: refused the origin; Django's ``check_request_enabled`` receivers, for instance.
    ORIGIN_ALLOWED_BY_HOOK = "origin_allowed_by_hook"
    NO_ORIGIN = "no_origin"
    NO_CORS_FOR_PATH = "no_cors_for_path"
    SAME_ORIGIN = "same_origin"
    ORIGIN_MALFORMED = "origin_malformed"
    ORIGIN_NULL = "origin_null_not_allowed"
    ORIGIN_NOT_ALLOWED = "origin_not_allowed"
    METHOD_MALFORMED = "method_malformed"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    HEADERS_MALFORMED = "request_headers_malformed"
    HEADERS_TOO_LONG = "request_headers_too_long"
    HEADER_NOT_ALLOWED = "header_not_allowed"
    PRIVATE_NETWORK = "private_network_not_allowed"
    WEBSOCKET_ORIGIN = "websocket_origin_not_allowed"


class Reason(NamedTuple):
    """Why the engine decided as it did: a stable ``code`` and a human ``message``.

    An immutable named tuple ``(code, value, detail, sentence)``; ``message`` is built on
    demand.

    Messages name the offending value (quoted so control characters are escaped)
    and the option that would allow it. A message is always one line of printable
    ASCII, whatever the request held (a test client may put any ``str`` in a WSGI
    environ): ``detail`` is escaped too, so the message is safe in a log line, a
    latin-1 ``X-CORS-Reason`` header and a terminal.

    Example::

        >>> decision = policy.decide("OPTIONS", "https://evil.example", "GET")
        >>> print(decision.reason.code)
        origin_not_allowed
        >>> print(decision.reason.message)
        origin 'https://evil.example' is not allowed: add it to allow_origins ...
    """

    code: ReasonCode
    value: str | None = None
    detail: str = ""
    #: The whole sentence, when the engine words its own (bucket rules name their
    #: entries, not CORSPolicy's options); empty: built from ``code``, ``value``, ``detail``.
    sentence: str = ""

    @property
    def message(self) -> str:
        """The human sentence for this reason (computed on demand, never on the hot path)."""
        text = self.sentence or _MESSAGES.get(self.code, "{detail}").format(
            v=quote(self.value), detail=self.detail
        )
        # ``v`` is quoted already; ``detail`` is the engine's text, which may repeat a
        # request value (e.g. a malformed request-header name): escape what is left.
        return escape(text, backslash=False)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


_MESSAGES = {
    ReasonCode.OK: "allowed",
    ReasonCode.ORIGIN_ALLOWED_BY_HOOK: (
        "origin {v} is not in the lists, but the origin hook allowed it "
        "(for Django: a check_request_enabled receiver)"
    ),
    ReasonCode.NO_ORIGIN: "no Origin header: not a CORS request",
    ReasonCode.NO_CORS_FOR_PATH: (
        "CORS is disabled for this path by the path rules (its rule maps to None / false): "
        "the app answers without CORS headers, so browsers block cross-origin reads; "
        "add a policy for this path if pages on other origins need it"
    ),
    ReasonCode.SAME_ORIGIN: "Origin {v} is the server's own origin (same-origin request)",
    ReasonCode.ORIGIN_MALFORMED: (
        "Origin {v} is not a serialized origin (scheme://host[:port], lowercase, no path, "
        "no default port, ASCII only); browsers never send that, so it is refused{detail}"
    ),
    ReasonCode.ORIGIN_NULL: (
        "origin 'null' (sandboxed iframe, file:// page or cross-origin redirect) is not allowed: "
        "add 'null' to allow_origins and set allow_null_origin=True if you really trust it"
    ),
    ReasonCode.ORIGIN_NOT_ALLOWED: (
        "origin {v} is not allowed: add it to allow_origins (or match it with a '*.' pattern, "
        "allow_origin_regex or allow_origin_predicate){detail}"
    ),
    ReasonCode.METHOD_MALFORMED: (
        "Access-Control-Request-Method {v} is not a valid method token (RFC 9110){detail}; "
        "browsers never send that, so the preflight is refused"
    ),
    ReasonCode.METHOD_NOT_ALLOWED: (
        "method {v} is not in allow_methods{detail}: add it to allow_methods "
        "(methods are case-sensitive)"
    ),
    ReasonCode.HEADERS_MALFORMED: (
        "Access-Control-Request-Headers {v} is not a comma-separated list of header names{detail}"
    ),
    ReasonCode.HEADERS_TOO_LONG: (
        "Access-Control-Request-Headers is too long or names too many headers{detail}; "
        "no browser sends that"
    ),
    ReasonCode.HEADER_NOT_ALLOWED: (
        "header {v} is not in allow_headers{detail}: add it to allow_headers "
        "(header names are case-insensitive)"
    ),
    ReasonCode.PRIVATE_NETWORK: (
        "the preflight asks for private network access "
        "(Access-Control-Request-Private-Network: true): set allow_private_network=True "
        "to grant it"
    ),
    ReasonCode.WEBSOCKET_ORIGIN: (
        "websocket handshake from origin {v} refused: the origin is not allowed "
        "(add it to allow_origins, or set websocket_origins=False to stop checking handshakes)"
    ),
}

HeaderPairs = tuple[tuple[str, str], ...]
RawHeaderPairs = tuple[tuple[bytes, bytes], ...]


_FIELDS = (
    "action",
    "allowed",
    "reason",
    "headers",
    "raw_headers",
    "vary_origin",
    "status",
    "body",
    "preflight",
    "modifies_response",
)


class _Fields:
    """:class:`Decision`'s slots, in a class whose ``__init__`` may assign them: the
    engine builds one and turns it into a ``Decision`` (same layout), which is three times
    cheaper than a frozen dataclass's ``__init__`` and keeps slot-speed attribute reads.

    Kept because it pays: measured with callgrind, :func:`refused_actual_lazily` costs about 5,300
    instructions where a frozen, slotted dataclass with the same fields costs about
    15,700; a never-seen origin builds one (the benchmark's ``fresh`` request, about
    26,000 instructions of its own through the WSGI adapter). ``Decision.build`` is the
    reference: ``tests/test_hot_path.py`` holds :func:`refused_actual` and
    :func:`refused_actual_lazily` to it."""

    __slots__ = _FIELDS

    action: Action
    allowed: bool
    reason: Reason
    headers: HeaderPairs
    raw_headers: RawHeaderPairs
    vary_origin: bool
    status: int
    body: bytes
    preflight: bool
    #: ``ACTUAL`` with something to add (headers or ``Vary``): the adapter must wrap the
    #: app's response; otherwise it calls the app untouched.
    modifies_response: bool

    def __init__(
        self,
        action: Action,
        allowed: bool,
        reason: Reason,
        headers: HeaderPairs,
        raw_headers: RawHeaderPairs,
        vary_origin: bool,
        status: int,
        body: bytes,
        preflight: bool,
        modifies_response: bool,
    ) -> None:
        self.action = action
        self.allowed = allowed
        self.reason = reason
        self.headers = headers
        self.raw_headers = raw_headers
        self.vary_origin = vary_origin
        self.status = status
        self.body = body
        self.preflight = preflight
        self.modifies_response = modifies_response


_set_class = object.__setattr__


class _RefusedActualFields(_Fields):
    """The answer to an actual request from a refused origin: only the reason varies
    (given, or to be worked out: see :func:`refused_actual_lazily`)."""

    __slots__ = ()

    def __init__(self, reason: object) -> None:  # the others are constants
        self.action = Action.ACTUAL
        self.allowed = False
        self.reason = reason  # type: ignore[assignment]  # or (explain, origin): see refused_actual_lazily()
        self.headers = ()
        self.raw_headers = ()
        self.vary_origin = True
        self.status = 200
        self.body = b""
        self.preflight = False
        self.modifies_response = True


def refused_actual(reason: Reason) -> Decision:
    """``Decision.build(ACTUAL, False, reason, vary_origin=True)``, built in one step (the
    engine's hot path for a never-seen, refused origin)."""
    made: Any = _RefusedActualFields(reason)
    _set_class(made, "__class__", Decision)
    return made  # type: ignore[no-any-return]


def refused_actual_lazily(explain: Callable[[str], Reason], origin: str) -> Decision:
    """:func:`refused_actual` for ``origin``, its reason worked out by ``explain(origin)`` the first
    time it is read: saying why (a malformed origin, or a well-formed one not allowed, and
    the near-miss hint) means parsing the origin, which costs as much as the rest of the
    answer, and an actual request's reason is read only to log it or to refuse a preflight.
    """
    made: Any = _RefusedActualFields((explain, origin))
    _set_class(made, "__class__", _LazilyRefused)
    return made  # type: ignore[no-any-return]


class Decision(_Fields):
    """The engine's answer for one request; adapters only apply it. Immutable.

    ``headers``/``raw_headers`` are the same pairs as ``str`` (WSGI) and ``bytes``
    (ASGI), prebuilt so adapters only append them. For :attr:`Action.ACTUAL` they
    are added to the app's response, after removing any CORS headers the app set;
    ``vary_origin`` asks for ``Origin`` to be merged into ``Vary``.
    For :attr:`Action.RESPOND` they form the whole answer with ``status`` and ``body``.
    ``modifies_response``: ``ACTUAL`` with something to add (headers or ``Vary``), so the
    adapter must wrap the app's response; otherwise it calls the app untouched.

    Example::

        >>> d = policy.decide("GET", "https://app.example.com")
        >>> d.action is Action.ACTUAL, d.allowed
        (True, True)
        >>> dict(d.headers)["Access-Control-Allow-Origin"]
        'https://app.example.com'
        >>> d.allowed = False
        Traceback (most recent call last):
        ...
        AttributeError: Decision is immutable: cannot set 'allowed'
    """

    __slots__ = ()
    __match_args__ = (
        "action",
        "allowed",
        "reason",
        "headers",
        "raw_headers",
        "vary_origin",
        "status",
        "body",
        "preflight",
        "modifies_response",
    )

    def __new__(
        cls,
        action: Action,
        allowed: bool,
        reason: Reason,
        headers: HeaderPairs = (),
        raw_headers: RawHeaderPairs = (),
        vary_origin: bool = False,
        status: int = 200,
        body: bytes = b"",
        preflight: bool = False,
        modifies_response: bool = False,
    ) -> Decision:
        made: Any = _Fields(
            action,
            allowed,
            reason,
            headers,
            raw_headers,
            vary_origin,
            status,
            body,
            preflight,
            modifies_response,
        )
        _set_class(made, "__class__", cls)  # the fields are set: now it is immutable
        return made  # type: ignore[no-any-return]

    def __init__(self, *args: object, **kwargs: object) -> None:
        """Nothing: ``__new__`` has set every field."""

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Decision is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Decision is immutable: cannot delete {name!r}")

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS)
        return f"Decision({fields})"

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (Decision, self._values())

    @classmethod
    def build(
        cls,
        action: Action,
        allowed: bool,
        reason: Reason,
        headers: HeaderPairs = (),
        *,
        vary_origin: bool = False,
        status: int = 200,
        body: bytes = b"",
        preflight: bool = False,
    ) -> Decision:
        """Make a decision, encoding ``headers`` once (latin-1, as HTTP/1.1 carries them)."""
        raw = tuple((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers)
        modifies = action is Action.ACTUAL and bool(headers or vary_origin)
        return cls(
            action, allowed, reason, headers, raw, vary_origin, status, body, preflight, modifies
        )


_REASON = _Fields.__dict__["reason"]  # the slot itself, read and set below Decision's guard


class _LazilyRefused(Decision):
    """A refused origin's answer (see :func:`refused_actual_lazily`): a Decision whose ``reason`` is
    worked out when first read, then kept.

    Kept because it pays: working the reason out (parsing the origin, the near-miss
    hint) costs about 10,400 instructions, on every never-seen origin (the benchmark's
    ``fresh`` request), while the reason is read only to log it (DEBUG) or to refuse a
    preflight. A test holds the lazy reason equal to the one worked out at once."""

    __slots__ = ()

    @property
    def reason(self) -> Reason:  # type: ignore[override]
        value = _REASON.__get__(self, _LazilyRefused)
        if type(value) is not Reason:
            explain, origin = value
            value = explain(origin)
            _REASON.__set__(self, value)
        return value  # type: ignore[no-any-return]
