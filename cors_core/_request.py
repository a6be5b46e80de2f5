"""Reading CORS request metadata from the two server protocols, in one pass.

These helpers know ASGI scopes and WSGI environs (plain dicts defined by the
ASGI spec and PEP 3333) and plain ``(name, value)`` pairs, never a framework's
request object; :func:`is_preflight` says which requests are preflights.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, AnyStr, Generic, NamedTuple

from cors_core._headers import MAX_REQUEST_HEADERS_LENGTH

__all__ = [
    "ASGI_NAMES",
    "CORS_REQUEST_NAMES",
    "MAX_METHOD_LENGTH",
    "RequestMeta",
    "asgi_path",
    "asgi_scheme",
    "asks_private_network",
    "is_preflight",
    "read_asgi",
    "read_environ",
    "read_pairs",
    "scan_asgi",
    "wsgi_path",
    "wsgi_scheme",
]


class RequestMeta(NamedTuple):
    """The request values the engine decides from (``None`` when a header is absent)."""

    origin: str | None
    request_method: str | None
    request_headers: str | None
    private_network: bool
    host: str | None


class _Names(NamedTuple, Generic[AnyStr]):
    """The request-header names the engine reads, as ``bytes`` (ASGI) or ``str``."""

    origin: AnyStr
    host: AnyStr
    method: AnyStr  # Access-Control-Request-Method
    headers: AnyStr  # Access-Control-Request-Headers
    private_network: AnyStr  # Access-Control-Request-Private-Network


_RAW = _Names(
    b"origin",
    b"host",
    b"access-control-request-method",
    b"access-control-request-headers",
    b"access-control-request-private-network",
)
_TEXT = _Names(*(name.decode("ascii") for name in _RAW))
_WANTED = frozenset(_RAW)
_CORS_NAMES = _WANTED - {_RAW.host}
#: The request headers that make a request a CORS one (lowercase ``bytes``).
CORS_REQUEST_NAMES = _CORS_NAMES
#: Those and ``host``: everything :func:`read_asgi` reads.
ASGI_NAMES = _WANTED
_TEXT_WANTED = frozenset(_TEXT)
#: Longest ``Access-Control-Request-Method`` considered: the longest registered method
#: (``UPDATEREDIRECTREF``) has 17 characters; longer values are refused, never cached.
MAX_METHOD_LENGTH = 64
_Meta = tuple[str | None, str | None, str | None, bool, str | None]


def is_preflight(method: str, origin: str | None, request_method: str | None) -> bool:
    """Whether a request is a CORS preflight: ``OPTIONS`` with ``Origin`` and
    ``Access-Control-Request-Method`` (Fetch). Any other ``OPTIONS`` is an ordinary request.

    >>> is_preflight("OPTIONS", "https://a.example", "PUT"), is_preflight("OPTIONS", None, "PUT")
    (True, False)
    """
    return method == "OPTIONS" and origin is not None and request_method is not None


def read_asgi(
    headers: Iterable[tuple[bytes, bytes]], want_host: bool = True, *, method: str | None = None
) -> RequestMeta:
    """Pick the CORS headers out of an ASGI header list in one pass.

    A repeated ``Origin`` or ``Access-Control-Request-Method`` line makes the value
    malformed: the first two are joined with ``", "`` (so it is refused) and the rest are
    skipped. Repeated ``Access-Control-Request-Headers`` lines are joined with ``","``
    until the value is longer than any accepted one, and no line is read past that
    length (such a value is refused whatever follows). Time is linear in the header list.
    ``want_host=False`` skips decoding ``Host`` (``host`` is then ``None``): the
    engine needs it only to recognise same-origin requests for ``block_disallowed``.

    ``method`` is the request's method when known: a request that cannot be a preflight
    (any method but ``OPTIONS``) and needs no ``Host`` stops reading at a second
    ``Origin`` line, since nothing after it can change its answer (a malformed origin is
    refused whatever else the request holds).

    >>> read_asgi([(b"origin", b"https://a.com"), (b"host", b"api.a.com")]).origin
    'https://a.com'
    >>> twice = [(b"origin", b"https://a.com")] * 2 + [(b"access-control-request-method", b"PUT")]
    >>> read_asgi(twice, False, method="GET")[:2], read_asgi(twice, False, method="OPTIONS")[:2]
    (('https://a.com, https://a.com', None), ('https://a.com, https://a.com', 'PUT'))
    """
    stop = method is not None and method != "OPTIONS" and not want_host
    wanted = _WANTED if want_host else _CORS_NAMES
    return RequestMeta(*_scan(headers, wanted, _RAW, _latin1, stop))


def scan_asgi(
    headers: Iterable[tuple[bytes, bytes]],
    wanted: frozenset[bytes] = _WANTED,
    stop_at_second_origin: bool = False,
) -> _Meta:
    """:func:`read_asgi` as a plain tuple, for adapters that unpack it at once.

    ``wanted`` is :data:`ASGI_NAMES` (``Host`` too) or :data:`CORS_REQUEST_NAMES`
    (``Host`` skipped). One tight Python loop over the headers, and nothing is allocated
    for a non-CORS request. ``stop_at_second_origin``: read no further than a second
    ``Origin`` line (for a request that cannot be a preflight and needs no ``Host``).

    >>> scan_asgi([(b"origin", b"https://a.com"), (b"host", b"a.com")])
    ('https://a.com', None, None, False, 'a.com')
    """
    return _scan(headers, wanted, _RAW, _latin1, stop_at_second_origin)


def read_pairs(headers: Iterable[tuple[str, str]]) -> RequestMeta:
    """:func:`read_asgi` for ``(name, value)`` text pairs (names in any case), e.g. the
    request a test client or :mod:`cors_core.browser` builds: the same joining rules.

    >>> read_pairs([("Origin", "https://a.com"), ("Origin", "https://b.com")]).origin
    'https://a.com, https://b.com'
    """
    lowered = ((name.lower(), value) for name, value in headers)
    return RequestMeta(*_scan(lowered, _TEXT_WANTED, _TEXT, str))


def _latin1(value: bytes) -> str:
    return value.decode("latin-1")


def _scan(
    headers: Iterable[tuple[AnyStr, AnyStr]],
    wanted: frozenset[AnyStr],
    names: _Names[AnyStr],
    text: Callable[[AnyStr], str],
    stop_at_second_origin: bool = False,
) -> _Meta:
    """The one reading rule (the ASGI adapter inlines it for ``bytes``; a test ties them)."""
    origin_name, host_name, method_name, names_name, _ = names
    origin = method = request_headers = host = None
    pna = origin_twice = method_twice = False
    for name, value in headers:
        if name not in wanted:  # one set lookup for the common, uninteresting header
            continue
        if name == origin_name:
            if origin is None:
                origin = text(value)
            elif not origin_twice:  # already malformed: join two, skip the rest (linear time)
                origin, origin_twice = f"{origin}, {text(value)}", True
                if stop_at_second_origin:  # nothing after this changes the answer
                    break
        elif name == host_name:
            host = text(value)
        elif name == method_name:
            if method is None:  # past the bound it is refused: never decode more than that
                method = text(value[: MAX_METHOD_LENGTH + 1])
            elif not method_twice:
                method, method_twice = f"{method}, {text(value)}", True
        elif name == names_name:  # past the bound it is refused: never decode more than that
            value_text = text(value[: MAX_REQUEST_HEADERS_LENGTH + 1])
            if request_headers is None:
                request_headers = value_text
            elif len(request_headers) <= MAX_REQUEST_HEADERS_LENGTH:  # refused past that anyway
                request_headers = f"{request_headers},{value_text}"
        else:
            pna = asks_private_network(text(value))
    return (origin, method, request_headers, pna, host)


def asks_private_network(value: str) -> bool:
    """Whether an ``Access-Control-Request-Private-Network`` value asks for access.

    >>> asks_private_network(" TRUE "), asks_private_network("1")
    (True, False)
    """
    return value.strip().lower() == "true"


def read_environ(environ: Mapping[str, Any], want_host: bool = True) -> RequestMeta:
    """Pick the CORS values out of a WSGI environ (or Django's ``request.META``).

    ``want_host=False`` leaves ``host`` as ``None`` (see :func:`read_asgi`).

    >>> read_environ({"HTTP_ORIGIN": "https://a.com"}).origin
    'https://a.com'
    """
    get = environ.get
    pna = get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK")
    return RequestMeta(
        get("HTTP_ORIGIN"),
        get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
        get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
        pna is not None and asks_private_network(pna),
        get("HTTP_HOST") if want_host else None,
    )


def asgi_path(scope: Mapping[str, Any]) -> str:
    """The path the application routes: ``scope["path"]`` (percent-decoded by the server)
    below the mount point, never the raw request line.

    Starlette, FastAPI and Django route ``path`` with ``root_path`` taken off its front
    (Starlette's ``get_route_path``, Django's ``path_info``), so per-path rules are written
    for, and judge, that path: ``/api/%69nternal`` is ``/api/internal`` here as it is for
    the router, and an app mounted at ``/v1`` judges ``/v1/users`` as ``/users``.

    >>> asgi_path({"path": "/api/internal", "raw_path": b"/api/%69nternal"})
    '/api/internal'
    >>> asgi_path({"path": "/v1/users", "root_path": "/v1"})
    '/users'
    """
    path: str = scope.get("path") or "/"
    root: str = scope.get("root_path") or ""
    if root and path.startswith(root):  # servers that leave it out of path: routed as is
        rest = path[len(root) :]
        if not rest:
            return "/"
        if rest[0] == "/":
            return rest
    return path


def asgi_scheme(scope: Mapping[str, Any]) -> str:
    """The request's scheme: ``scope["scheme"]``, ``"http"`` when absent.

    >>> asgi_scheme({"scheme": "https"}), asgi_scheme({})
    ('https', 'http')
    """
    scheme: str = scope.get("scheme", "http")
    return scheme


def wsgi_scheme(environ: Mapping[str, Any]) -> str:
    """The request's scheme: ``wsgi.url_scheme``, ``"http"`` when absent.

    >>> wsgi_scheme({"wsgi.url_scheme": "https"})
    'https'
    """
    scheme: str = environ.get("wsgi.url_scheme", "http")
    return scheme


def wsgi_path(environ: Mapping[str, Any]) -> str:
    """The path the application routes: ``PATH_INFO``, decoded as routers do.

    PEP 3333 servers put the percent-decoded bytes in ``PATH_INFO`` as latin-1 text;
    they are read as UTF-8 (invalid bytes become U+FFFD, as werkzeug reads them). The
    mount point (``SCRIPT_NAME``) is not part of it: Flask and Django route ``PATH_INFO``
    alone, and some servers take ``SCRIPT_NAME`` from a request header. The raw request
    line (``RAW_URI``, ``REQUEST_URI``) is never used: the app does not route it, so a
    rule matched on it could be skipped with ``%69`` for ``i``.

    >>> wsgi_path({"PATH_INFO": "/api/internal", "RAW_URI": "/api/%69nternal"})
    '/api/internal'
    >>> wsgi_path({"SCRIPT_NAME": "/app", "PATH_INFO": "/caf\xc3\xa9"})
    '/café'

    A ``PATH_INFO`` without its leading ``/`` (``GET api/x`` to some servers, a test
    client's relative path) is routed by werkzeug and Bottle as ``/api/x``, and so judged:

    >>> wsgi_path({"PATH_INFO": "api/x"})
    '/api/x'
    """
    path: str = environ.get("PATH_INFO", "")
    if not path.isascii():
        # (A str beyond latin-1 is already text: a test client put it there.)
        with contextlib.suppress(UnicodeEncodeError):
            path = path.encode("latin-1").decode("utf-8", "replace")
    return path if path.startswith("/") else "/" + path
