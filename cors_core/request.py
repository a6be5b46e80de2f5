"""Reading CORS request metadata from the two server protocols, in one pass.

These helpers know ASGI scopes and WSGI environs (plain dicts defined by the
ASGI spec and PEP 3333), never a framework's request object.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from cors_core.headers import MAX_REQUEST_HEADERS_LENGTH

__all__ = [
    "ASGI_NAMES",
    "CORS_REQUEST_NAMES",
    "MAX_METHOD_LENGTH",
    "RequestMeta",
    "asgi_path",
    "read_asgi",
    "read_environ",
    "scan_asgi",
    "wsgi_path",
]


class RequestMeta(NamedTuple):
    """The request values the engine decides from (``None`` when a header is absent)."""

    origin: str | None
    request_method: str | None
    request_headers: str | None
    private_network: bool
    host: str | None


_ORIGIN = b"origin"
_HOST = b"host"
_ACRM = b"access-control-request-method"
_ACRH = b"access-control-request-headers"
_ACRPN = b"access-control-request-private-network"
_WANTED = frozenset({_ORIGIN, _HOST, _ACRM, _ACRH, _ACRPN})
_CORS_NAMES = _WANTED - {_HOST}
#: The request headers that make a request a CORS one (lowercase ``bytes``).
CORS_REQUEST_NAMES = _CORS_NAMES
#: Those and ``host``: everything :func:`read_asgi` reads.
ASGI_NAMES = _WANTED
_new_meta = tuple.__new__  # RequestMeta(...) goes through a Python-level __new__
#: Longest ``Access-Control-Request-Method`` considered: the longest registered method
#: (``UPDATEREDIRECTREF``) has 17 characters; longer values are refused, never cached.
MAX_METHOD_LENGTH = 64


def read_asgi(headers: Iterable[tuple[bytes, bytes]], want_host: bool = True) -> RequestMeta:
    """Pick the CORS headers out of an ASGI header list in one pass.

    A repeated ``Origin`` or ``Access-Control-Request-Method`` line makes the value
    malformed: the first two are joined with ``", "`` (so it is refused) and the rest are
    skipped. Repeated ``Access-Control-Request-Headers`` lines are joined with ``","``
    until the value is longer than any accepted one. Time is linear in the header list.
    ``want_host=False`` skips decoding ``Host`` (``host`` is then ``None``): the
    engine needs it only to recognise same-origin requests for ``block_disallowed``.

    >>> read_asgi([(b"origin", b"https://a.com"), (b"host", b"api.a.com")]).origin
    'https://a.com'
    """
    return _new_meta(RequestMeta, scan_asgi(headers, _WANTED if want_host else _CORS_NAMES))


def scan_asgi(
    headers: Iterable[tuple[bytes, bytes]], wanted: frozenset[bytes] = _WANTED
) -> tuple[str | None, str | None, str | None, bool, str | None]:
    """:func:`read_asgi` as a plain tuple, for adapters that unpack it at once.

    ``wanted`` is :data:`ASGI_NAMES` (``Host`` too) or :data:`CORS_REQUEST_NAMES`
    (``Host`` skipped). One tight Python loop over the headers: with 3.11's
    specialised bytecode it beats any C-level pre-scan (``map``/``itemgetter``) here,
    with or without a CORS header, and nothing is allocated for a non-CORS request.

    >>> scan_asgi([(b"origin", b"https://a.com"), (b"host", b"a.com")])
    ('https://a.com', None, None, False, 'a.com')
    """
    origin = method = names = host = None
    pna = origin_twice = method_twice = False
    for name, value in headers:
        if name not in wanted:  # one set lookup for the common, uninteresting header
            continue
        if name == _ORIGIN:
            if origin is None:
                origin = value.decode("latin-1")
            elif not origin_twice:  # already malformed: join two, skip the rest (linear time)
                origin, origin_twice = f"{origin}, {value.decode('latin-1')}", True
        elif name == _HOST:
            host = value.decode("latin-1")
        elif name == _ACRM:
            if method is None:  # past the bound it is refused: never decode more than that
                method = value[: MAX_METHOD_LENGTH + 1].decode("latin-1")
            elif not method_twice:
                method, method_twice = f"{method}, {value.decode('latin-1')}", True
        elif name == _ACRH:
            text = value.decode("latin-1")
            if names is None:
                names = text
            elif len(names) <= MAX_REQUEST_HEADERS_LENGTH:  # past that it is refused anyway
                names = f"{names},{text}"
        else:
            pna = value.decode("latin-1").strip().lower() == "true"
    return (origin, method, names, pna, host)


def read_environ(environ: Mapping[str, Any], want_host: bool = True) -> RequestMeta:
    """Pick the CORS values out of a WSGI environ (or Django's ``request.META``).

    ``want_host=False`` leaves ``host`` as ``None`` (see :func:`read_asgi`).

    >>> read_environ({"HTTP_ORIGIN": "https://a.com"}).origin
    'https://a.com'
    """
    get = environ.get
    pna = get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK")
    return _new_meta(
        RequestMeta,
        (
            get("HTTP_ORIGIN"),
            get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
            get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
            pna is not None and pna.strip().lower() == "true",
            get("HTTP_HOST") if want_host else None,
        ),
    )


def asgi_path(scope: Mapping[str, Any]) -> str:
    """The path the application routes: ``scope["path"]`` (percent-decoded by the server),
    with the mount point (``root_path``) in front, never the raw request line.

    Starlette, FastAPI and Django route this decoded path, so per-path rules judge it
    too: ``/api/%69nternal`` is ``/api/internal`` here as it is for the router.

    >>> asgi_path({"path": "/api/internal", "raw_path": b"/api/%69nternal"})
    '/api/internal'
    """
    path: str = scope.get("path") or "/"
    root: str = scope.get("root_path") or ""
    if root and not path.startswith(root):  # servers that leave the mount point out of path
        path = root + path
    return path


def wsgi_path(environ: Mapping[str, Any]) -> str:
    """The path the application routes: ``SCRIPT_NAME + PATH_INFO``, decoded as routers do.

    PEP 3333 servers put the percent-decoded bytes in ``PATH_INFO`` as latin-1 text;
    they are read as UTF-8 (invalid bytes become U+FFFD, as werkzeug reads them). The
    raw request line (``RAW_URI``, ``REQUEST_URI``) is never used: the app does not
    route it, so a rule matched on it could be skipped with ``%69`` for ``i``.

    >>> wsgi_path({"PATH_INFO": "/api/internal", "RAW_URI": "/api/%69nternal"})
    '/api/internal'
    >>> wsgi_path({"SCRIPT_NAME": "/app", "PATH_INFO": "/caf\xc3\xa9"})
    '/app/café'
    """
    path: str = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    if not path.isascii():
        # (A str beyond latin-1 is already text: a test client put it there.)
        with contextlib.suppress(UnicodeEncodeError):
            path = path.encode("latin-1").decode("utf-8", "replace")
    return path or "/"
