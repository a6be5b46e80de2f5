"""Reading CORS request metadata from the two server protocols, in one pass.

These helpers know ASGI scopes and WSGI environs (plain dicts defined by the
ASGI spec and PEP 3333), never a framework's request object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import Any, NamedTuple
from urllib.parse import quote

__all__ = ["RequestMeta", "asgi_path", "read_asgi", "read_environ", "wsgi_path"]

_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


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
_name = itemgetter(0)
_new_meta = tuple.__new__  # RequestMeta(...) goes through a Python-level __new__


_NOT_CORS = RequestMeta(None, None, None, False, None)


def read_asgi(headers: Iterable[tuple[bytes, bytes]], want_host: bool = True) -> RequestMeta:
    """Pick the CORS headers out of an ASGI header list in one pass.

    Repeated ``Origin`` values are joined with ``", "`` (so they are malformed and
    refused); repeated ``Access-Control-Request-Headers`` lines with ``","``.
    ``want_host=False`` skips decoding ``Host`` (``host`` is then ``None``): the
    engine needs it only to recognise same-origin requests for ``block_disallowed``.

    >>> read_asgi([(b"origin", b"https://a.com"), (b"host", b"api.a.com")]).origin
    'https://a.com'
    """
    if not want_host and type(headers) is list and _CORS_NAMES.isdisjoint(map(_name, headers)):
        return _NOT_CORS  # the common non-CORS request: one scan in C, nothing allocated
    origin = method = names = host = None
    pna = False
    wanted = _WANTED if want_host else _CORS_NAMES
    for name, value in headers:
        if name not in wanted:  # one set lookup for the common, uninteresting header
            continue
        if name == _ORIGIN:
            text = value.decode("latin-1")
            origin = text if origin is None else f"{origin}, {text}"
        elif name == _HOST:
            host = value.decode("latin-1")
        elif name == _ACRM:
            text = value.decode("latin-1")
            method = text if method is None else f"{method}, {text}"
        elif name == _ACRH:
            text = value.decode("latin-1")
            names = text if names is None else f"{names},{text}"
        else:
            pna = value.decode("latin-1").strip().lower() == "true"
    return _new_meta(RequestMeta, (origin, method, names, pna, host))


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
    """The raw (undecoded) request path of an ASGI scope, without the query string."""
    raw = scope.get("raw_path")
    if raw:
        return bytes(raw).decode("latin-1").split("?", 1)[0]
    path: str = scope.get("root_path", "") + scope.get("path", "/")
    return quote(path, safe=_PATH_SAFE)


def wsgi_path(environ: Mapping[str, Any]) -> str:
    """The raw request path of a WSGI environ (``RAW_URI``/``REQUEST_URI`` when the server
    provides one, else ``SCRIPT_NAME + PATH_INFO`` re-encoded)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return str(raw).split("?", 1)[0]
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return quote(path.encode("latin-1"), safe=_PATH_SAFE) or "/"
