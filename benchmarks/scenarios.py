"""The shared policy and requests every middleware is benchmarked with."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

ALLOWED = "https://app.example.com"
DENIED = "https://evil.example.net"
METHODS = ["GET", "POST", "PUT"]
HEADERS = ["content-type", "authorization"]
EXPOSE = ["x-total-count"]
MAX_AGE = 600


def origins(n: int) -> list[str]:
    """``n`` exact origins, the allowed one last (the worst case for a linear scan)."""
    return [f"https://app{i}.example.org" for i in range(n - 1)] + [ALLOWED]


def patterns(n: int) -> list[str]:
    """``n`` subdomain patterns; only the last one (``https://*.example.com``) matches."""
    return [f"https://*.t{i}.example.org" for i in range(n - 1)] + ["https://*.example.com"]


def ours_options(allow: Sequence[str], **extra: Any) -> dict[str, Any]:
    """Keyword options for our middlewares (starlette's names)."""
    return {
        "allow_origins": list(allow),
        "allow_methods": METHODS,
        "allow_headers": HEADERS,
        "expose_headers": EXPOSE,
        "allow_credentials": True,
        "max_age": MAX_AGE,
        **extra,
    }


@dataclass(frozen=True)
class Request:
    """One benchmarked request and what a correct middleware must answer."""

    name: str
    method: str
    headers: tuple[tuple[str, str], ...]
    expect_acao: str | None  # the Access-Control-Allow-Origin a correct answer carries
    preflight: bool = False


NO_ORIGIN = Request("GET, no Origin", "GET", (), None)
ALLOWED_GET = Request("GET, allowed", "GET", (("origin", ALLOWED),), ALLOWED)
DENIED_GET = Request("GET, denied", "GET", (("origin", DENIED),), None)
PREFLIGHT = Request(
    "preflight, allowed",
    "OPTIONS",
    (
        ("origin", ALLOWED),
        ("access-control-request-method", "PUT"),
        ("access-control-request-headers", "authorization,content-type"),
    ),
    ALLOWED,
    preflight=True,
)
REQUESTS = (NO_ORIGIN, ALLOWED_GET, DENIED_GET, PREFLIGHT)

FLOOD_VALUE = "," * (200 * 1024 - len("content-type")) + "content-type"
FLOOD = Request(
    "preflight, 200 KB comma flood",
    "OPTIONS",
    (
        ("origin", ALLOWED),
        ("access-control-request-method", "PUT"),
        ("access-control-request-headers", FLOOD_VALUE),
    ),
    None,
    preflight=True,
)


def check(name: str, request: Request, status: int, headers: Sequence[tuple[Any, Any]]) -> None:
    """Refuse to time a contestant that answers wrongly (a fast wrong answer proves nothing)."""
    norm = {_s(k).lower(): _s(v) for k, v in headers}
    acao = norm.get("access-control-allow-origin")
    ok = acao == request.expect_acao
    if request.preflight and request.expect_acao is not None:
        ok = ok and 200 <= status < 300
    if not ok:
        raise AssertionError(
            f"{name} answered {request.name!r} wrongly: status {status}, ACAO {acao!r}"
        )


def _s(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes | bytearray) else str(value)


Check = Callable[[str, Request, int, Sequence[tuple[Any, Any]]], None]
