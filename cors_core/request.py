"""Reading CORS request metadata from the two server protocols, in one pass.

These helpers know ASGI scopes and WSGI environs (plain dicts defined by the
ASGI spec and PEP 3333), never a framework's request object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


def read_asgi(headers: Iterable[tuple[bytes, bytes]]) -> RequestMeta:
    """Pick the CORS headers out of an ASGI header list in one pass.

    Repeated ``Origin`` values are joined with ``", "`` (so they are malformed and
    refused); repeated ``Access-Control-Request-Headers`` lines with ``","``.

    >>> read_asgi([(b"origin", b"https://a.com"), (b"host", b"api.a.com")]).origin
    'https://a.com'
    """
    origin = method = names = host = None
    pna = False
    for name, value in headers:
        if name == b"origin":
            text = value.decode("latin-1")
            origin = text if origin is None else f"{origin}, {text}"
        elif name == b"host":
            host = value.decode("latin-1")
        elif name.startswith(b"access-control-request-"):
            text = value.decode("latin-1")
            kind = name[23:]
            if kind == b"method":
                method = text if method is None else f"{method}, {text}"
            elif kind == b"headers":
                names = text if names is None else f"{names},{text}"
            elif kind == b"private-network":
                pna = text.strip().lower() == "true"
    return RequestMeta(origin, method, names, pna, host)


def read_environ(environ: Mapping[str, Any]) -> RequestMeta:
    """Pick the CORS values out of a WSGI environ (or Django's ``request.META``).

    >>> read_environ({"HTTP_ORIGIN": "https://a.com"}).origin
    'https://a.com'
    """
    pna = environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK")
    return RequestMeta(
        environ.get("HTTP_ORIGIN"),
        environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
        environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
        pna is not None and pna.strip().lower() == "true",
        environ.get("HTTP_HOST"),
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
