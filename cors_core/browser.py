"""A model of the *browser's* side of CORS, after the WHATWG Fetch Standard.

Server tests use it to assert "a browser would allow this" instead of guessing header
strings, and the diagnostics CLI uses it to explain a failure the way Chromium's console
does, with a stable machine code for each outcome.

>>> from cors_core.browser import cors_check, needs_preflight
>>> needs_preflight("PUT")
True
>>> v = cors_check([("Access-Control-Allow-Origin", "*")], origin="https://a.example",
...                credentials=True)
>>> (bool(v), v.code)
(False, 'wildcard_with_credentials')

What is modelled (Fetch, "CORS protocol" and "CORS-preflight fetch"): method
normalization, forbidden methods and request headers (dropped, as a ``Headers`` object
does), CORS-safelisted methods and request-headers (128-byte values, the 1024-byte total,
MIME types, simple ranges), the CORS check, the preflight request and its checks
(``*`` without credentials, ``Authorization`` never covered by ``*``),
``Access-Control-Max-Age``, ``Access-Control-Expose-Headers``, and Private Network
Access preflights (``Access-Control-Allow-Private-Network``).

Headers are ``(name, value)`` pairs (any case; a name may repeat) or a mapping. Repeated
response headers are combined with ``", "`` as Fetch's "get" does, so two
``Access-Control-Allow-Origin`` lines read as ``"a, b"`` and fail the check.

Public constants: ``SAFELISTED_METHODS``, ``FORBIDDEN_METHODS``,
``FORBIDDEN_REQUEST_HEADERS``, ``SAFELISTED_RESPONSE_HEADERS`` and
``FORBIDDEN_RESPONSE_HEADERS`` (header names lowercase).

>>> "cookie" in FORBIDDEN_REQUEST_HEADERS, "set-cookie" in FORBIDDEN_RESPONSE_HEADERS
(True, True)

Not modelled: redirects (a 3xx actual response is taken as final; a redirected preflight
fails as in Chromium), the preflight cache (each :func:`simulate` is a fresh browser; see
:func:`preflight_max_age`), cookies and other credentials themselves (``credentials``
only changes the checks), request bodies (and the ``Content-Type`` a body implies),
headers the network layer adds later (``User-Agent``, ``Sec-Fetch-*``, ``Referer``,
``Accept-Language``), Chromium-only safelisted client hints, no-cors mode, and Local
Network Access permission prompts.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypedDict, Unpack

from cors_core._text import escape

__all__ = [
    "FORBIDDEN_METHODS",
    "FORBIDDEN_REQUEST_HEADERS",
    "FORBIDDEN_RESPONSE_HEADERS",
    "SAFELISTED_METHODS",
    "SAFELISTED_RESPONSE_HEADERS",
    "AsyncSend",
    "Exchange",
    "HeadersLike",
    "Response",
    "Send",
    "Trip",
    "TripOptions",
    "Verdict",
    "cors_check",
    "cors_unsafe_request_header_names",
    "exposed_response_headers",
    "is_cors_safelisted_method",
    "is_cors_safelisted_request_header",
    "is_forbidden_request_header",
    "needs_preflight",
    "normalize_method",
    "preflight_check",
    "preflight_max_age",
    "simulate",
    "simulate_async",
]

#: Header pairs ``[(name, value), ...]`` (names any case, repeats allowed) or a mapping.
HeadersLike = Sequence[tuple[str, str]] | Mapping[str, str]
#: What a ``send`` function returns: ``(status, response_headers, body)``.
Response = tuple[int, HeadersLike, bytes]
#: ``send(method, request_headers) -> (status, response_headers, body)``; the URL is bound.
Send = Callable[[str, Sequence[tuple[str, str]]], Response]
#: The ``async`` form of :data:`Send`.
AsyncSend = Callable[[str, Sequence[tuple[str, str]]], Awaitable[Response]]

SAFELISTED_METHODS: frozenset[str] = frozenset({"GET", "HEAD", "POST"})
FORBIDDEN_METHODS: frozenset[str] = frozenset({"CONNECT", "TRACE", "TRACK"})
FORBIDDEN_REQUEST_HEADERS: frozenset[str] = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
SAFELISTED_RESPONSE_HEADERS: frozenset[str] = frozenset(
    {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    }
)
FORBIDDEN_RESPONSE_HEADERS: frozenset[str] = frozenset({"set-cookie", "set-cookie2"})

_FORBIDDEN_PREFIXES = ("proxy-", "sec-")
_METHOD_OVERRIDE_HEADERS = frozenset(
    {"x-http-method", "x-http-method-override", "x-method-override"}
)
_NORMALIZED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})
_NON_WILDCARD_HEADER = "authorization"
_SAFELISTED_MIME_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
_SAFELISTED_VALUE_MAX = 128
_SAFELIST_TOTAL_MAX = 1024
_DEFAULT_MAX_AGE = 5
_CHROMIUM_MAX_AGE_CAP = 7200

_HTTP_WS = "\t\n\r "
_HTTP_TAB_OR_SPACE = "\t "
_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_UNSAFE_BYTE_RE = re.compile(r'[\x00-\x08\x0a-\x1f"():<>?@\[\\\]{}\x7f]')
_LANGUAGE_RE = re.compile(r"[0-9A-Za-z *,\-.;=]*")
_SIMPLE_RANGE_RE = re.compile(r"bytes=([0-9]+)-([0-9]*)")
_NOT_BYTE_RE = re.compile(r"[^\x00-\xff]")
_BAD_VALUE_RE = re.compile(r"[\x00\r\n]")
_URL_LIKE_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\s]+.*")
_SHOW_MAX = 200

_PREFLIGHT_PREFIX = "Response to preflight request doesn't pass access control check: "
_TO_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_TO_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


# --------------------------------------------------------------------------- small helpers


def _lower(text: str) -> str:
    """Fetch's byte-lowercase: ASCII only (``str.lower`` would fold e.g. KELVIN SIGN)."""
    return text.translate(_TO_LOWER)


def _upper(text: str) -> str:
    return text.translate(_TO_UPPER)


def _is_token(text: str) -> bool:
    return _TOKEN_RE.fullmatch(text) is not None


def _show(value: str) -> str:
    """Quote a value for a message; control and non-ASCII characters are escaped."""
    text = escape(value[:_SHOW_MAX])
    return f"'{text}'" + ("..." if len(value) > _SHOW_MAX else "")


def _pairs(headers: HeadersLike) -> tuple[tuple[str, str], ...]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return tuple((str(name), str(value)) for name, value in items)


def _parse_token_list(value: str) -> list[str] | None:
    """Parse an ABNF ``#token`` list: empty items are skipped, anything else fails."""
    items = [item.strip(_HTTP_TAB_OR_SPACE) for item in value.split(",")]
    items = [item for item in items if item]
    return items if all(_is_token(item) for item in items) else None


def _split_and_decode(value: str) -> list[str]:
    """Fetch "getting, decoding, and splitting": commas inside quoted strings don't split."""
    items: list[str] = []
    current: list[str] = []
    quoted = False
    index = 0
    while index < len(value):
        char = value[index]
        if quoted and char == "\\" and index + 1 < len(value):
            current.append(value[index : index + 2])
            index += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current).strip(_HTTP_TAB_OR_SPACE))
            current = []
            index += 1
            continue
        current.append(char)
        index += 1
    items.append("".join(current).strip(_HTTP_TAB_OR_SPACE))
    return items


class _Failure(enum.Enum):
    FAILURE = "failure"


_FAILURE = _Failure.FAILURE
_ListResult = list[str] | None | _Failure


class _HeaderList:
    """A response header list as the browser's HTTP parser leaves it."""

    def __init__(self, headers: HeadersLike) -> None:
        pairs = _pairs(headers)
        self.invalid = next(
            (name for name, value in pairs if not _is_token(name) or _BAD_VALUE_RE.search(value)),
            None,
        )
        # HTTP parsing drops the whitespace around a field value.
        self.entries = [(_lower(name), value.strip(_HTTP_TAB_OR_SPACE)) for name, value in pairs]

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.entries if key == name]

    def get(self, name: str) -> str | None:
        """Fetch "get": all values of ``name`` combined with ``", "``, or None if absent."""
        values = self.values(name)
        return ", ".join(values) if values else None

    def names(self) -> list[str]:
        return list(dict.fromkeys(key for key, _ in self.entries))

    def extract_list(self, name: str) -> _ListResult:
        """Fetch "extract header list values" for a ``#token`` list header."""
        values = self.values(name)
        if not values:
            return None
        parsed = [_parse_token_list(value) for value in values]
        return _FAILURE if None in parsed else [item for items in parsed if items for item in items]


# ------------------------------------------------------------------------ request side


def normalize_method(method: str) -> str:
    """Fetch "normalize a method": upper-case DELETE, GET, HEAD, OPTIONS, POST and PUT.

    The match is ASCII case-insensitive; every other method is returned unchanged,
    so ``fetch(url, {method: "patch"})`` really sends ``patch``.

    >>> normalize_method("delete"), normalize_method("patch"), normalize_method("PATCH")
    ('DELETE', 'patch', 'PATCH')
    """
    upper = _upper(method)
    return upper if upper in _NORMALIZED_METHODS else method


def is_cors_safelisted_method(method: str) -> bool:
    """Whether ``method`` is exactly ``GET``, ``HEAD`` or ``POST`` (case-sensitive).

    ``fetch()`` normalizes ``"get"`` to ``"GET"`` first; see :func:`normalize_method`.

    >>> is_cors_safelisted_method("POST"), is_cors_safelisted_method("post")
    (True, False)
    """
    return method in SAFELISTED_METHODS


def is_forbidden_request_header(name: str, value: str | None = None) -> bool:
    """Whether a page can never set this request header (Fetch "forbidden request-header").

    Covers the fixed list, every ``proxy-*`` and ``sec-*`` name and, when ``value`` is
    given, ``X-HTTP-Method(-Override)``/``X-Method-Override`` naming a forbidden method.

    >>> is_forbidden_request_header("Sec-Fetch-Mode"), is_forbidden_request_header("X-Token")
    (True, False)
    >>> is_forbidden_request_header("X-HTTP-Method-Override", "TRACE")
    True
    """
    key = _lower(name)
    if key in FORBIDDEN_REQUEST_HEADERS or key.startswith(_FORBIDDEN_PREFIXES):
        return True
    if value is None or key not in _METHOD_OVERRIDE_HEADERS:
        return False
    return any(_upper(item) in FORBIDDEN_METHODS for item in _split_and_decode(value))


def _mime_essence(value: str) -> str | None:
    """The essence (``type/subtype``, lowercase) of a MIME type, per MIME Sniffing."""
    type_, slash, rest = value.strip(_HTTP_WS).partition("/")
    subtype = rest.partition(";")[0].rstrip(_HTTP_WS)
    if not slash or not _is_token(type_) or not _is_token(subtype):
        return None
    return _lower(f"{type_}/{subtype}")


def _is_simple_range(value: str) -> bool:
    """A single ``bytes=start-[end]`` range; suffix ranges (``bytes=-500``) are not safe."""
    match = _SIMPLE_RANGE_RE.fullmatch(value)
    return match is not None and (not match[2] or int(match[1]) <= int(match[2]))


def _no_unsafe_bytes(value: str) -> bool:
    return _UNSAFE_BYTE_RE.search(value) is None


_SAFELISTED_VALUE_CHECKS: dict[str, Callable[[str], bool]] = {
    "accept": _no_unsafe_bytes,
    "accept-language": lambda value: _LANGUAGE_RE.fullmatch(value) is not None,
    "content-language": lambda value: _LANGUAGE_RE.fullmatch(value) is not None,
    "content-type": lambda value: (
        _no_unsafe_bytes(value) and _mime_essence(value) in _SAFELISTED_MIME_TYPES
    ),
    "range": _is_simple_range,
}


def is_cors_safelisted_request_header(name: str, value: str) -> bool:
    """Whether ``(name, value)`` is a CORS-safelisted request-header (no preflight needed).

    ``Accept``, ``Accept-Language``, ``Content-Language``, ``Content-Type`` (only
    ``application/x-www-form-urlencoded``, ``multipart/form-data`` or ``text/plain``,
    parameters ignored) and ``Range`` (a single ``bytes=N-[M]``), each with a value of at
    most 128 bytes free of the bytes Fetch calls CORS-unsafe. ``value`` is taken as it
    is in the request's header list (``fetch()`` strips surrounding whitespace first).

    >>> is_cors_safelisted_request_header("Content-Type", "text/plain; charset=utf-8")
    True
    >>> is_cors_safelisted_request_header("Content-Type", "application/json")
    False
    >>> is_cors_safelisted_request_header("Range", "bytes=-500")
    False
    """
    if len(value) > _SAFELISTED_VALUE_MAX or _NOT_BYTE_RE.search(value):
        return False
    check = _SAFELISTED_VALUE_CHECKS.get(_lower(name))
    return check is not None and check(value)


@dataclass(frozen=True)
class _PageHeaders:
    kept: tuple[tuple[str, str], ...]
    dropped: tuple[str, ...]


def _page_headers(headers: HeadersLike) -> _PageHeaders:
    """What a ``Headers`` object keeps of the page's headers (fetch() throws on bad ones)."""
    kept: list[tuple[str, str]] = []
    dropped: list[str] = []
    for name, raw in _pairs(headers):
        value = raw.strip(_HTTP_WS)
        if not _is_token(name):
            raise ValueError(f"invalid header name {_show(name)}: fetch() would throw a TypeError")
        if _BAD_VALUE_RE.search(value) or _NOT_BYTE_RE.search(value):
            raise ValueError(
                f"invalid value {_show(value)} for header {name!r}: fetch() would throw a "
                "TypeError (NUL, CR, LF or a character above U+00FF)"
            )
        if is_forbidden_request_header(name, value):
            dropped.append(_lower(name))
        else:
            kept.append((name, value))
    return _PageHeaders(tuple(kept), tuple(dropped))


def _with_default_accept(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Fetch adds ``Accept: */*`` before deciding on a preflight when the page set none."""
    if any(_lower(name) == "accept" for name, _ in pairs):
        return pairs
    return (*pairs, ("Accept", "*/*"))


def _unsafe_names(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """Fetch "CORS-unsafe request-header names" of a request's header list."""
    unsafe: set[str] = set()
    potentially_unsafe: set[str] = set()
    safelist_value_size = 0
    for name, value in pairs:
        if is_cors_safelisted_request_header(name, value):
            potentially_unsafe.add(_lower(name))
            safelist_value_size += len(value)
        else:
            unsafe.add(_lower(name))
    if safelist_value_size > _SAFELIST_TOTAL_MAX:
        unsafe |= potentially_unsafe
    return sorted(unsafe)


def cors_unsafe_request_header_names(headers: HeadersLike) -> list[str]:
    """The header names a preflight must get approved: lowercase, sorted, deduplicated.

    ``headers`` are what the page passes to ``fetch()``: forbidden ones are ignored (the
    browser drops them) and values are whitespace-trimmed. Safelisted headers count as
    unsafe too once their values exceed 1024 bytes together.

    >>> cors_unsafe_request_header_names([("X-B", "1"), ("x-a", "2"), ("Accept", "*/*")])
    ['x-a', 'x-b']
    >>> len(cors_unsafe_request_header_names([("Accept-Language", "a" * 128)] * 9))
    1

    Raises ValueError for a header ``fetch()`` would reject (bad name, NUL/CR/LF).
    """
    return _unsafe_names(_page_headers(headers).kept)


def _checked_method(method: str) -> str:
    normalized = normalize_method(method)
    if not _is_token(normalized):
        raise ValueError(f"invalid method {_show(method)}: fetch() would throw a TypeError")
    if _upper(normalized) in FORBIDDEN_METHODS:
        raise ValueError(f"method {normalized} is forbidden: fetch() would throw a TypeError")
    return normalized


def _preflight_reasons(
    method: str, pairs: tuple[tuple[str, str], ...], *, private_network: bool, forced: bool
) -> list[str]:
    """Why a browser sends a preflight for this request; empty when it does not."""
    reasons: list[str] = []
    if forced:
        reasons.append("the request forces one (use-CORS-preflight flag)")
    if not is_cors_safelisted_method(method):
        reasons.append(f"method {method} is not CORS-safelisted (only GET, HEAD and POST are)")
    unsafe = _unsafe_names(pairs)
    if unsafe:
        values = {_lower(name): value for name, value in pairs}
        shown = [
            f"{name}: {_show(values[name])}" if name in _SAFELISTED_VALUE_CHECKS else name
            for name in unsafe
        ]
        reasons.append("request header(s) not CORS-safelisted: " + ", ".join(shown))
    if private_network:
        reasons.append("it targets a more private network (Private Network Access)")
    return reasons


def needs_preflight(
    method: str, headers: HeadersLike = (), *, private_network: bool = False
) -> bool:
    """Whether ``fetch(url, {method, headers, mode: "cors"})`` starts with a preflight.

    ``method`` is normalized as ``fetch()`` does; forbidden headers are ignored.

    >>> needs_preflight("get"), needs_preflight("POST", {"Content-Type": "application/json"})
    (False, True)
    >>> needs_preflight("GET", private_network=True)
    True

    Raises ValueError for what ``fetch()`` rejects (a forbidden or malformed method or
    header).
    """
    pairs = _with_default_accept(_page_headers(headers).kept)
    reasons = _preflight_reasons(
        _checked_method(method), pairs, private_network=private_network, forced=False
    )
    return bool(reasons)


# ------------------------------------------------------------------------------ verdicts


@dataclass(frozen=True)
class Verdict:
    """A browser's decision: ``allowed``, a stable ``code`` and a console-like ``message``.

    Truthy exactly when allowed. Codes: ``ok``, ``invalid_response_header``,
    ``missing_allow_origin``, ``multiple_allow_origin``, ``invalid_allow_origin``,
    ``allow_origin_mismatch``, ``wildcard_with_credentials``,
    ``missing_allow_credentials``, ``invalid_allow_credentials``, ``preflight_redirect``,
    ``preflight_status``, ``private_network_not_allowed``,
    ``invalid_allow_private_network``, ``invalid_allow_methods``,
    ``invalid_allow_headers``, ``method_not_allowed``, ``header_not_allowed``.

    >>> v = cors_check({}, origin="https://a.example", credentials=False)
    >>> bool(v), v.code
    (False, 'missing_allow_origin')
    """

    allowed: bool
    code: str
    message: str

    def __bool__(self) -> bool:
        """``bool(verdict) == verdict.allowed``."""
        return self.allowed


class _Problem(NamedTuple):
    """A failed check (always truthy, unlike a denying :class:`Verdict`, so ``or`` chains)."""

    code: str
    message: str


def _verdict(problem: _Problem | None, ok_message: str) -> Verdict:
    if problem is None:
        return Verdict(True, "ok", ok_message)
    return Verdict(False, problem.code, problem.message)


def _response_problem(headers: _HeaderList) -> _Problem | None:
    if headers.invalid is None:
        return None
    return _Problem(
        "invalid_response_header",
        f"The response is invalid: header {_show(headers.invalid)} has a malformed name or a "
        "value containing NUL, CR or LF, so the browser treats it as a network error. "
        "Never put CR, LF or NUL in a header.",
    )


def _mismatch_hint(value: str, origin: str) -> str:
    if value.rstrip("/") == origin:
        return " Remove the trailing '/': an origin has no path."
    if _lower(value) == _lower(origin):
        return " The comparison is case-sensitive: send the origin exactly as the browser sent it."
    if value.partition("://")[2] == origin.partition("://")[2]:
        return (
            " The scheme differs (http vs https): send the origin exactly as the browser sent it."
        )
    return (
        f" Send the request's origin {_show(origin)} (echo the Origin header when it is allowed)."
    )


def _allow_origin_problem(
    allow_origin: str | None, origin: str, credentials: bool
) -> _Problem | None:
    """The ``Access-Control-Allow-Origin`` half of the CORS check, Chromium's diagnosis."""
    if allow_origin is None:
        return _Problem(
            "missing_allow_origin",
            "No 'Access-Control-Allow-Origin' header is present on the requested resource. "
            f"Have the server answer origin {_show(origin)} with "
            f"'Access-Control-Allow-Origin: {origin}'"
            + ("." if credentials else " (or '*' for a public resource)."),
        )
    if (allow_origin == "*" and not credentials) or allow_origin == origin:
        return None
    if allow_origin == "*":
        return _Problem(
            "wildcard_with_credentials",
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be "
            "the wildcard '*' when the request's credentials mode is 'include'. Echo the "
            f"request's origin {_show(origin)} instead, with "
            "'Access-Control-Allow-Credentials: true' and 'Vary: Origin'.",
        )
    if " " in allow_origin or "," in allow_origin:
        return _Problem(
            "multiple_allow_origin",
            "The 'Access-Control-Allow-Origin' header contains multiple values "
            f"{_show(allow_origin)}, but only one is allowed. Send exactly one header with one "
            "origin (is it added twice, e.g. by both a proxy and the app?).",
        )
    if allow_origin != "null" and not _URL_LIKE_RE.fullmatch(allow_origin):
        return _Problem(
            "invalid_allow_origin",
            "The 'Access-Control-Allow-Origin' header contains the invalid value "
            f"{_show(allow_origin)}. Use '*' or a serialized origin such as {_show(origin)}.",
        )
    return _Problem(
        "allow_origin_mismatch",
        f"The 'Access-Control-Allow-Origin' header has a value {_show(allow_origin)} that is "
        f"not equal to the supplied origin {_show(origin)}." + _mismatch_hint(allow_origin, origin),
    )


def _allow_credentials_problem(allow_credentials: str | None) -> _Problem | None:
    if allow_credentials == "true":
        return None
    return _Problem(
        "missing_allow_credentials" if allow_credentials is None else "invalid_allow_credentials",
        "The value of the 'Access-Control-Allow-Credentials' header in the response is "
        f"{_show(allow_credentials or '')} which must be 'true' when the request's credentials "
        "mode is 'include'. Send exactly 'Access-Control-Allow-Credentials: true' (lowercase).",
    )


def _cors_problem(headers: _HeaderList, origin: str, credentials: bool) -> _Problem | None:
    """Fetch "CORS check"; None on success."""
    problem = _allow_origin_problem(headers.get("access-control-allow-origin"), origin, credentials)
    if problem is None and credentials:
        problem = _allow_credentials_problem(headers.get("access-control-allow-credentials"))
    return problem


def cors_check(response_headers: HeadersLike, *, origin: str, credentials: bool) -> Verdict:
    """Fetch's "CORS check" of a response to a request from ``origin``.

    ``Access-Control-Allow-Origin`` must be ``*`` (only without credentials) or exactly
    ``origin``; with credentials ``Access-Control-Allow-Credentials`` must be exactly
    ``true``. Repeated headers are combined, so duplicates fail.

    >>> ok = [("Access-Control-Allow-Origin", "https://a.example"),
    ...       ("Access-Control-Allow-Credentials", "true")]
    >>> cors_check(ok, origin="https://a.example", credentials=True).code
    'ok'
    >>> cors_check(ok * 2, origin="https://a.example", credentials=True).code
    'multiple_allow_origin'
    """
    headers = _HeaderList(response_headers)
    problem = _response_problem(headers) or _cors_problem(headers, origin, credentials)
    return _verdict(problem, f"CORS check passed for origin {_show(origin)}.")


# ----------------------------------------------------------------------------- preflight


def _names_argument(request_headers: Iterable[str]) -> list[str]:
    if isinstance(request_headers, str):
        parsed = _parse_token_list(request_headers)
        if parsed is None:
            raise ValueError(f"cannot parse request header list {_show(request_headers)}")
        request_headers = parsed
    return sorted({_lower(name) for name in request_headers})


def _preflighted(problem: _Problem) -> _Problem:
    return _Problem(problem.code, _PREFLIGHT_PREFIX + problem.message)


def _redirect_problem(status: int, headers: _HeaderList) -> _Problem | None:
    location = headers.get("location")
    if not 300 <= status < 400 or location is None:
        return None
    return _Problem(
        "preflight_redirect",
        f"Redirect is not allowed for a preflight request. The preflight got {status} to "
        f"{_show(location)}; answer OPTIONS at the requested URL itself (look for "
        "trailing-slash and http->https redirects).",
    )


def _status_problem(status: int) -> _Problem | None:
    if 200 <= status <= 299:
        return None
    return _Problem(
        "preflight_status",
        f"It does not have HTTP ok status. The preflight got {status}; answer CORS preflights "
        "with a 2xx status (204 is usual), before routing and authentication run.",
    )


def _private_network_problem(headers: _HeaderList) -> _Problem | None:
    value = headers.get("access-control-allow-private-network")
    if value == "true":
        return None
    if value is None:
        return _Problem(
            "private_network_not_allowed",
            "No 'Access-Control-Allow-Private-Network' header was present in the preflight "
            "response for this private network request. Answer a preflight carrying "
            "'Access-Control-Request-Private-Network: true' with "
            "'Access-Control-Allow-Private-Network: true'.",
        )
    return _Problem(
        "invalid_allow_private_network",
        "The 'Access-Control-Allow-Private-Network' header in the preflight response for this "
        f"private network request had a value of {_show(value)}, not 'true'.",
    )


def _list_problem(name: str, code: str, headers: _HeaderList) -> _Problem:
    return _Problem(
        code,
        f"Cannot parse {name} response header field in preflight response. Its value "
        f"{_show(headers.get(_lower(name)) or '')} must be a comma-separated list of tokens, "
        "e.g. 'GET, PUT' or 'content-type, x-token'.",
    )


def _method_problem(method: str, methods: list[str], credentials: bool) -> _Problem | None:
    if method in methods or is_cors_safelisted_method(method):
        return None
    if "*" in methods and not credentials:
        return None
    detail = f" Add {method} to Access-Control-Allow-Methods"
    detail += (
        f" (it lists {_show(', '.join(methods))})." if methods else " (it is absent or empty)."
    )
    near = [item for item in methods if _upper(item) == _upper(method)]
    if "*" in methods:
        detail = f" The wildcard '*' counts only without credentials: list {method} explicitly."
    elif near:
        detail = (
            f" Method names are case-sensitive: the header lists {near[0]}, the request uses "
            f"{method}. fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT, so "
            "spell the method the same way in the page and on the server (PATCH, usually)."
        )
    return _Problem(
        "method_not_allowed",
        f"Method {method} is not allowed by Access-Control-Allow-Methods in preflight "
        f"response.{detail}",
    )


def _header_allowed(name: str, allowed: set[str], credentials: bool) -> bool:
    if name in allowed:
        return True
    return "*" in allowed and not credentials and name != _NON_WILDCARD_HEADER


def _header_problem(names: list[str], allowed: set[str], credentials: bool) -> _Problem | None:
    # Fetch checks the non-wildcard name (Authorization) first, then the rest in order.
    refused = sorted(
        (name for name in names if not _header_allowed(name, allowed, credentials)),
        key=lambda name: (name != _NON_WILDCARD_HEADER, name),
    )
    if not refused:
        return None
    first = refused[0]
    detail = f" Add {first} to Access-Control-Allow-Headers."
    if "*" in allowed and first == _NON_WILDCARD_HEADER:
        detail = " The wildcard '*' never covers Authorization: list it explicitly."
    elif "*" in allowed:
        detail = f" The wildcard '*' counts only without credentials: list {first} explicitly."
    if len(refused) > 1:
        detail += " Also not allowed: " + ", ".join(refused[1:]) + "."
    return _Problem(
        "header_not_allowed",
        f"Request header field {first} is not allowed by Access-Control-Allow-Headers in "
        f"preflight response.{detail}",
    )


def _preflight_gate(
    status: int, headers: _HeaderList, origin: str, credentials: bool, private_network: bool
) -> _Problem | None:
    """The checks before the allow lists, with Chromium's preflight message prefix."""
    problem = (
        _redirect_problem(status, headers)
        or _cors_problem(headers, origin, credentials)
        or _status_problem(status)
        or (_private_network_problem(headers) if private_network else None)
    )
    return _preflighted(problem) if problem is not None else None


def _allowance_problem(
    headers: _HeaderList, method: str, names: list[str], credentials: bool, forced: bool
) -> _Problem | None:
    """Parse the allow lists, then check the method and the request header names."""
    methods = headers.extract_list("access-control-allow-methods")
    if isinstance(methods, _Failure):
        return _list_problem("Access-Control-Allow-Methods", "invalid_allow_methods", headers)
    allowed = headers.extract_list("access-control-allow-headers")
    if isinstance(allowed, _Failure):
        return _list_problem("Access-Control-Allow-Headers", "invalid_allow_headers", headers)
    if methods is None and forced:
        methods = [method]
    allowed_names = {_lower(name) for name in allowed or ()}
    return _method_problem(method, methods or [], credentials) or _header_problem(
        names, allowed_names, credentials
    )


def preflight_check(
    status: int,
    response_headers: HeadersLike,
    *,
    origin: str,
    method: str,
    request_headers: Iterable[str] = (),
    credentials: bool = False,
    private_network: bool = False,
    use_cors_preflight: bool = False,
) -> Verdict:
    """Whether a preflight response lets the actual request go (Fetch "CORS-preflight fetch").

    In order: no redirect, the CORS check (with the *actual* request's credentials mode),
    a 2xx status, ``Access-Control-Allow-Private-Network: true`` when ``private_network``,
    parsable ``Access-Control-Allow-Methods``/``-Headers``, then the method (safelisted
    methods always pass; ``*`` only without credentials; otherwise an exact,
    case-sensitive match) and each name of ``request_headers`` (case-insensitive; ``*``
    only without credentials, never for ``authorization``). ``request_headers`` are the
    names the browser puts in ``Access-Control-Request-Headers`` (see
    :func:`cors_unsafe_request_header_names`); a str is parsed as that header's value.
    ``use_cors_preflight`` models Fetch's flag of that name: an absent
    ``Access-Control-Allow-Methods`` then allows ``method``.

    >>> pf = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*"}
    >>> preflight_check(204, pf, origin="https://a.example", method="GET",
    ...                 request_headers=["x-token"]).code
    'ok'
    >>> v = preflight_check(204, pf, origin="https://a.example", method="GET",
    ...                     request_headers="authorization")
    >>> v.code, "never covers Authorization" in v.message
    ('header_not_allowed', True)
    """
    headers = _HeaderList(response_headers)
    method = normalize_method(method)
    names = _names_argument(request_headers)
    problem = (
        _response_problem(headers)
        or _preflight_gate(status, headers, origin, credentials, private_network)
        or _allowance_problem(headers, method, names, credentials, use_cors_preflight)
    )
    return _verdict(problem, f"Preflight passed for {method} from {_show(origin)}.")


def preflight_max_age(response_headers: HeadersLike, *, cap: int = _CHROMIUM_MAX_AGE_CAP) -> int:
    """Seconds a browser may cache this preflight: ``Access-Control-Max-Age``, capped.

    Absent, repeated or not plain digits: the Fetch default of 5 seconds. ``cap`` is the
    browser's limit (Chromium 7200, Firefox 86400). Chromium reads a negative value as
    0 where Fetch uses the default; this follows Fetch.

    >>> preflight_max_age({"Access-Control-Max-Age": "600"}), preflight_max_age({})
    (600, 5)
    >>> preflight_max_age({"Access-Control-Max-Age": "86400"})
    7200
    """
    if cap < 0:
        raise ValueError(f"cap must be >= 0, not {cap}")
    values = _HeaderList(response_headers).values("access-control-max-age")
    if len(values) != 1 or not values[0].isascii() or not values[0].isdigit():
        return min(_DEFAULT_MAX_AGE, cap)
    digits = values[0].lstrip("0") or "0"
    return cap if len(digits) > len(str(cap)) else min(int(digits), cap)


def exposed_response_headers(response_headers: HeadersLike, *, credentials: bool) -> frozenset[str]:
    """Names (lowercase) of the headers in this response that page JavaScript can read.

    The CORS-safelisted response-header names plus ``Access-Control-Expose-Headers``
    entries; its ``*`` exposes every name, but only without credentials. ``Set-Cookie``
    and ``Set-Cookie2`` are never readable. Only names present in the response are
    returned. Assumes the CORS check passed (otherwise nothing is readable).

    >>> h = [("Content-Type", "text/plain"), ("X-Total", "3"), ("Set-Cookie", "a=b"),
    ...      ("Access-Control-Expose-Headers", "*")]
    >>> sorted(exposed_response_headers(h, credentials=False))
    ['access-control-expose-headers', 'content-type', 'x-total']
    >>> sorted(exposed_response_headers(h, credentials=True))
    ['content-type']
    """
    headers = _HeaderList(response_headers)
    listed = headers.extract_list("access-control-expose-headers")
    exposed = set(SAFELISTED_RESPONSE_HEADERS)
    if isinstance(listed, list):
        names = {_lower(name) for name in listed}
        exposed |= set(headers.names()) if "*" in names and not credentials else names
    return (
        frozenset(name for name in headers.names() if name in exposed) - FORBIDDEN_RESPONSE_HEADERS
    )


# ---------------------------------------------------------------------------- full trips


@dataclass(frozen=True)
class Exchange:
    """One HTTP round trip as the browser saw it.

    >>> Exchange("GET", (("Origin", "https://a.example"),), 200, (), b"").status
    200
    """

    method: str
    headers: tuple[tuple[str, str], ...]
    status: int
    response_headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Trip:
    """The outcome of :func:`simulate`: what the browser sent, saw, decided and logged.

    ``preflight`` is None when none was needed; ``actual`` is None when the preflight
    failed (the browser never sends the request); ``readable_headers`` is empty when the
    trip is blocked.

    >>> trip = simulate(lambda m, h: (200, [("Access-Control-Allow-Origin", "*")], b"hi"),
    ...                 origin="https://a.example")
    >>> bool(trip.verdict), trip.preflight, trip.actual.body if trip.actual else None
    (True, None, b'hi')
    """

    verdict: Verdict
    preflight: Exchange | None
    actual: Exchange | None
    readable_headers: frozenset[str]
    steps: tuple[str, ...]


def _describe(pairs: Iterable[tuple[str, str]]) -> str:
    return "; ".join(f"{name}: {_show(value)}" for name, value in pairs) or "(no headers)"


def _preflight_request(
    origin: str, method: str, unsafe: list[str], private_network: bool
) -> tuple[tuple[str, str], ...]:
    headers = [("Origin", origin), ("Accept", "*/*"), ("Access-Control-Request-Method", method)]
    if unsafe:
        headers.append(("Access-Control-Request-Headers", ",".join(unsafe)))
    if private_network:
        headers.append(("Access-Control-Request-Private-Network", "true"))
    return tuple(headers)


@dataclass(frozen=True)
class _Request:
    """One trip's request as the page made it, already validated like ``fetch()`` does."""

    origin: str
    method: str
    headers: tuple[tuple[str, str], ...]
    credentials: bool
    private_network: bool
    forced: bool


_Outgoing = tuple[str, tuple[tuple[str, str], ...]]
_Stage = Generator[_Outgoing, Response, tuple[Exchange, Verdict]]


def _preflight_stage(request: _Request, steps: list[str]) -> _Stage:
    unsafe = _unsafe_names(request.headers)
    sent = _preflight_request(request.origin, request.method, unsafe, request.private_network)
    steps.append(f"Sent preflight OPTIONS with {_describe(sent)}.")
    status, response_headers, body = yield ("OPTIONS", sent)
    verdict = preflight_check(
        status,
        response_headers,
        origin=request.origin,
        method=request.method,
        request_headers=unsafe,
        credentials=request.credentials,
        private_network=request.private_network,
        use_cors_preflight=request.forced,
    )
    if verdict:
        age = preflight_max_age(response_headers)
        steps.append(f"Preflight got {status}: passed (cacheable for {age} s in Chromium).")
    else:
        steps.append(f"Preflight got {status}: blocked [{verdict.code}] {verdict.message}")
        steps.append(f"The {request.method} request was not sent.")
    return Exchange("OPTIONS", sent, status, _pairs(response_headers), body), verdict


def _actual_stage(request: _Request, steps: list[str]) -> _Stage:
    sent = (("Origin", request.origin), *request.headers)
    steps.append(f"Sent {request.method} with {_describe(sent)}.")
    status, response_headers, body = yield (request.method, sent)
    if 300 <= status < 400:
        steps.append(f"Got {status}: redirects are not followed by this model (taken as final).")
    verdict = cors_check(response_headers, origin=request.origin, credentials=request.credentials)
    if verdict:
        steps.append(f"Response {status}: CORS check passed.")
    else:
        steps.append(f"Response {status}: blocked [{verdict.code}] {verdict.message}")
    return Exchange(request.method, sent, status, _pairs(response_headers), body), verdict


def _start(
    origin: str, method: str, headers: HeadersLike, flags: tuple[bool, bool, bool]
) -> tuple[_Request, list[str]]:
    """Validate the page's call as ``fetch()`` does and open the step log."""
    method = _checked_method(method)
    if _BAD_VALUE_RE.search(origin):
        raise ValueError(f"invalid origin {_show(origin)}")
    page = _page_headers(headers)
    request = _Request(origin, method, _with_default_accept(page.kept), *flags)
    mode = "include" if request.credentials else "same-origin"
    steps = [f"fetch {method} from origin {_show(origin)}, mode 'cors', credentials '{mode}'."]
    if page.dropped:
        steps.append("Dropped forbidden header(s) a page cannot set: " + ", ".join(page.dropped))
    return request, steps


class TripOptions(TypedDict, total=False):
    """What the page's ``fetch()`` asks for; every key is optional.

    ``method`` (default ``"GET"``), ``headers`` the page sets, ``credentials`` for
    ``credentials: "include"``, ``private_network`` when the target is on a more private
    network, ``force_preflight`` for Fetch's use-CORS-preflight flag (an upload listener).
    """

    method: str
    headers: HeadersLike
    credentials: bool
    private_network: bool
    force_preflight: bool


def _trip_machine(origin: str, options: TripOptions) -> Generator[_Outgoing, Response, Trip]:
    """Every decision of a trip; yields each request and is sent back its response."""
    flags = (
        options.get("credentials", False),
        options.get("private_network", False),
        options.get("force_preflight", False),
    )
    request, steps = _start(origin, options.get("method", "GET"), options.get("headers", ()), flags)
    reasons = _preflight_reasons(
        request.method,
        request.headers,
        private_network=request.private_network,
        forced=request.forced,
    )
    preflight = None
    if reasons:
        steps.append("Preflight needed: " + "; ".join(reasons) + ".")
        preflight, verdict = yield from _preflight_stage(request, steps)
        if not verdict:
            return Trip(verdict, preflight, None, frozenset(), tuple(steps))
    else:
        steps.append("No preflight: the method and all headers are CORS-safelisted.")
    actual, verdict = yield from _actual_stage(request, steps)
    readable = frozenset[str]()
    if verdict:
        readable = exposed_response_headers(
            actual.response_headers, credentials=request.credentials
        )
        shown = ", ".join(sorted(readable)) or "no response headers"
        steps.append(f"JS can read the body and {shown}.")
    return Trip(verdict, preflight, actual, readable, tuple(steps))


def simulate(send: Send, *, origin: str, **options: Unpack[TripOptions]) -> Trip:
    """Do what a browser does for ``fetch(url, {method, headers, credentials, mode: "cors"})``.

    Decides whether a preflight is needed; if so sends ``OPTIONS`` with ``Origin``,
    ``Accept: */*``, ``Access-Control-Request-Method``, ``Access-Control-Request-Headers``
    (CORS-unsafe names, lowercase, sorted, ``,``-joined; omitted when none) and, with
    ``private_network``, ``Access-Control-Request-Private-Network: true``, then checks the
    answer. If that passes (or none was needed) it sends the actual request with
    ``Origin`` and the page's headers (forbidden ones dropped, ``Accept: */*`` added when
    absent) and runs the CORS check. ``credentials=True`` is ``credentials: "include"``.
    ``force_preflight`` is Fetch's use-CORS-preflight flag (e.g. an upload listener).

    >>> def send(method, headers):
    ...     if method == "OPTIONS":
    ...         return 204, [("Access-Control-Allow-Origin", "https://a.example")], b""
    ...     return 200, [("Access-Control-Allow-Origin", "https://a.example")], b"{}"
    >>> trip = simulate(send, origin="https://a.example", method="DELETE")
    >>> trip.verdict.code, trip.actual is None
    ('method_not_allowed', True)

    Raises ValueError for what ``fetch()`` itself rejects (forbidden or malformed method,
    malformed header).
    """
    machine = _trip_machine(origin, options)
    request = next(machine)
    while True:
        try:
            request = machine.send(send(*request))
        except StopIteration as done:
            trip: Trip = done.value
            return trip


async def simulate_async(send: AsyncSend, *, origin: str, **options: Unpack[TripOptions]) -> Trip:
    """:func:`simulate` for an ``async`` send function (e.g. one driving an ASGI app).

    >>> import asyncio
    >>> async def send(method, headers):
    ...     return 200, {"Access-Control-Allow-Origin": "*"}, b""
    >>> asyncio.run(simulate_async(send, origin="https://a.example")).verdict.code
    'ok'
    """
    machine = _trip_machine(origin, options)
    request = next(machine)
    while True:
        response = await send(*request)
        try:
            request = machine.send(response)
        except StopIteration as done:
            trip: Trip = done.value
            return trip
