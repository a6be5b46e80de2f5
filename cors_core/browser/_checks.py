"""The response side: the CORS check and the preflight checks, with Chromium's messages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from cors_core._fetch import ascii_lower, ascii_upper, normalize_method
from cors_core.browser._classify import is_cors_safelisted_method
from cors_core.browser._headers import (
    HeaderList,
    HeadersLike,
    ListFailure,
    parse_token_list,
    show,
)

__all__ = [
    "FORBIDDEN_RESPONSE_HEADERS",
    "SAFELISTED_RESPONSE_HEADERS",
    "BrowserDifference",
    "Verdict",
    "cors_check",
    "exposed_response_headers",
    "preflight_check",
    "preflight_max_age",
]

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
_NON_WILDCARD_HEADER = "authorization"
_DEFAULT_MAX_AGE = 5
_CHROMIUM_MAX_AGE_CAP = 7200
_URL_LIKE_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\s]+.*")
_PREFLIGHT_PREFIX = "Response to preflight request doesn't pass access control check: "


def _and_join(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


@dataclass(frozen=True)
class BrowserDifference:
    """Browsers that decide otherwise than a :class:`Verdict`, which follows the Fetch standard.

    ``browsers`` decide ``allowed`` (the opposite of the verdict) because they do not
    apply the standard's rule ``rule`` yet; ``reason`` says why, as a clause that follows
    "because"; ``following_standard`` names the browsers known to decide as the standard
    does; ``fix`` is the server change after which every browser agrees.

    Rules: ``authorization_wildcard`` (``*`` in ``Access-Control-Allow-Headers`` never
    covers ``Authorization``; Chrome's CorsNonWildcardRequestHeadersSupport feature,
    which applies it, is off).

    >>> pf = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*"}
    >>> v = preflight_check(204, pf, origin="https://a.example", method="GET",
    ...                     request_headers=["authorization"])
    >>> (v.allowed, v.allowed_in("Chrome"), v.allowed_in("Firefox"))
    (False, True, False)
    >>> d = v.differences[0]
    >>> d.browsers, d.allowed, d.rule, d.following_standard
    (('Chrome',), True, 'authorization_wildcard', ('Firefox', 'Safari'))
    >>> d.summary.startswith("Chrome lets it through today because its CorsNonWildcard")
    True
    """

    browsers: tuple[str, ...]
    allowed: bool
    rule: str
    reason: str
    following_standard: tuple[str, ...] = ()
    fix: str = ""

    @property
    def outcome(self) -> str:
        """What they do: ``"Chrome lets it through today"``."""
        does = "lets it through" if self.allowed else "blocks it"
        return f"{_and_join(self.browsers)} {does} today"

    @property
    def summary(self) -> str:
        """One sentence: ``"Chrome lets it through today because ..."``."""
        return f"{self.outcome} because {self.reason}"


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

    The decision is the Fetch standard's. Where a shipping browser decides otherwise,
    ``differences`` says which one, what it decides and why (see
    :class:`BrowserDifference`); :meth:`allowed_in` answers for a named browser.

    >>> v = cors_check({}, origin="https://a.example", credentials=False)
    >>> bool(v), v.code, v.differences
    (False, 'missing_allow_origin', ())
    """

    allowed: bool
    code: str
    message: str
    differences: tuple[BrowserDifference, ...] = ()

    def __bool__(self) -> bool:
        """``bool(verdict) == verdict.allowed``."""
        return self.allowed

    def allowed_in(self, browser: str) -> bool:
        """What ``browser`` (``"Chrome"``, ``"Firefox"``, ...; any case) decides.

        ``allowed`` unless one of ``differences`` names that browser.

        >>> Verdict(True, "ok", "fine").allowed_in("Safari")
        True
        """
        name = browser.casefold()
        for difference in self.differences:
            if name in (b.casefold() for b in difference.browsers):
                return difference.allowed
        return self.allowed

    @property
    def deciders(self) -> str:
        """Who decides as ``allowed`` says: ``"the Fetch standard, Firefox and Safari"``
        when a browser differs, otherwise ``"the Fetch standard"``.

        >>> Verdict(True, "ok", "fine").deciders
        'the Fetch standard'
        """
        differing = {b for d in self.differences for b in d.browsers}
        agreeing = dict.fromkeys(
            b for d in self.differences for b in d.following_standard if b not in differing
        )
        return _and_join(["the Fetch standard", *agreeing])


class _Problem(NamedTuple):
    """A failed check (always truthy, unlike a denying :class:`Verdict`, so ``or`` chains)."""

    code: str
    message: str
    differences: tuple[BrowserDifference, ...] = ()


def _verdict(problem: _Problem | None, ok_message: str) -> Verdict:
    if problem is None:
        return Verdict(True, "ok", ok_message)
    return Verdict(False, problem.code, problem.message, problem.differences)


def _response_problem(headers: HeaderList) -> _Problem | None:
    if headers.invalid is None:
        return None
    return _Problem(
        "invalid_response_header",
        f"The response is invalid: header {show(headers.invalid)} has a malformed name or a "
        "value containing NUL, CR or LF, so the browser treats it as a network error. "
        "Never put CR, LF or NUL in a header.",
    )


def _mismatch_hint(value: str, origin: str) -> str:
    if value.rstrip("/") == origin:
        return " Remove the trailing '/': an origin has no path."
    if ascii_lower(value) == ascii_lower(origin):
        return " The comparison is case-sensitive: send the origin exactly as the browser sent it."
    if value.partition("://")[2] == origin.partition("://")[2]:
        return (
            " The scheme differs (http vs https): send the origin exactly as the browser sent it."
        )
    return f" Send the request's origin {show(origin)} (echo the Origin header when it is allowed)."


def _allow_origin_problem(
    allow_origin: str | None, origin: str, credentials: bool
) -> _Problem | None:
    """The ``Access-Control-Allow-Origin`` half of the CORS check, Chromium's diagnosis."""
    if allow_origin is None:
        return _Problem(
            "missing_allow_origin",
            "No 'Access-Control-Allow-Origin' header is present on the requested resource. "
            f"Have the server answer origin {show(origin)} with "
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
            f"request's origin {show(origin)} instead, with "
            "'Access-Control-Allow-Credentials: true' and 'Vary: Origin'.",
        )
    if " " in allow_origin or "," in allow_origin:
        return _Problem(
            "multiple_allow_origin",
            "The 'Access-Control-Allow-Origin' header contains multiple values "
            f"{show(allow_origin)}, but only one is allowed. Send exactly one header with one "
            "origin (is it added twice, e.g. by both a proxy and the app?).",
        )
    if allow_origin != "null" and not _URL_LIKE_RE.fullmatch(allow_origin):
        return _Problem(
            "invalid_allow_origin",
            "The 'Access-Control-Allow-Origin' header contains the invalid value "
            f"{show(allow_origin)}. Use '*' or a serialized origin such as {show(origin)}.",
        )
    return _Problem(
        "allow_origin_mismatch",
        f"The 'Access-Control-Allow-Origin' header has a value {show(allow_origin)} that is "
        f"not equal to the supplied origin {show(origin)}." + _mismatch_hint(allow_origin, origin),
    )


def _allow_credentials_problem(allow_credentials: str | None) -> _Problem | None:
    if allow_credentials == "true":
        return None
    return _Problem(
        "missing_allow_credentials" if allow_credentials is None else "invalid_allow_credentials",
        "The value of the 'Access-Control-Allow-Credentials' header in the response is "
        f"{show(allow_credentials or '')} which must be 'true' when the request's credentials "
        "mode is 'include'. Send exactly 'Access-Control-Allow-Credentials: true' (lowercase).",
    )


def _cors_problem(headers: HeaderList, origin: str, credentials: bool) -> _Problem | None:
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
    headers = HeaderList(response_headers)
    problem = _response_problem(headers) or _cors_problem(headers, origin, credentials)
    return _verdict(problem, f"CORS check passed for origin {show(origin)}.")


# ----------------------------------------------------------------------------- preflight


def _names_argument(request_headers: Iterable[str]) -> list[str]:
    if isinstance(request_headers, str):
        parsed = parse_token_list(request_headers)
        if parsed is None:
            raise ValueError(f"cannot parse request header list {show(request_headers)}")
        request_headers = parsed
    return sorted({ascii_lower(name) for name in request_headers})


def _preflighted(problem: _Problem) -> _Problem:
    return _Problem(problem.code, _PREFLIGHT_PREFIX + problem.message, problem.differences)


def _redirect_problem(status: int, headers: HeaderList) -> _Problem | None:
    location = headers.get("location")
    if not 300 <= status < 400 or location is None:
        return None
    return _Problem(
        "preflight_redirect",
        f"Redirect is not allowed for a preflight request. The preflight got {status} to "
        f"{show(location)}; answer OPTIONS at the requested URL itself (look for "
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


def _private_network_problem(headers: HeaderList) -> _Problem | None:
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
        f"private network request had a value of {show(value)}, not 'true'.",
    )


def _list_problem(name: str, code: str, headers: HeaderList) -> _Problem:
    return _Problem(
        code,
        f"Cannot parse {name} response header field in preflight response. Its value "
        f"{show(headers.get(ascii_lower(name)) or '')} must be a comma-separated list of tokens, "
        "e.g. 'GET, PUT' or 'content-type, x-token'.",
    )


def _method_problem(method: str, methods: list[str], credentials: bool) -> _Problem | None:
    if method in methods or is_cors_safelisted_method(method):
        return None
    if "*" in methods and not credentials:
        return None
    detail = f" Add {method} to Access-Control-Allow-Methods"
    detail += f" (it lists {show(', '.join(methods))})." if methods else " (it is absent or empty)."
    near = [item for item in methods if ascii_upper(item) == ascii_upper(method)]
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


def _header_allowed(name: str, allowed: set[str], credentials: bool, *, chrome: bool) -> bool:
    """Fetch's rule; with ``chrome``, Chrome's today (``*`` covers Authorization too)."""
    if name in allowed:
        return True
    if "*" not in allowed or credentials:
        return False
    return chrome or name != _NON_WILDCARD_HEADER


#: Chrome's CorsNonWildcardRequestHeadersSupport feature is off: for Chrome, ``*`` in
#: Access-Control-Allow-Headers still covers Authorization (checked in real Chromium by
#: tests/e2e/test_chromium_browser_differences.py).
AUTHORIZATION_WILDCARD = BrowserDifference(
    browsers=("Chrome",),
    allowed=True,
    rule="authorization_wildcard",
    reason="its CorsNonWildcardRequestHeadersSupport feature is off, so '*' in "
    "Access-Control-Allow-Headers still covers Authorization there",
    following_standard=("Firefox", "Safari"),
    fix="list Authorization in allow_headers (by hand: "
    "'Access-Control-Allow-Headers: *, Authorization')",
)


def _header_problem(names: list[str], allowed: set[str], credentials: bool) -> _Problem | None:
    # Fetch checks the non-wildcard name (Authorization) first, then the rest in order.
    refused = sorted(
        (name for name in names if not _header_allowed(name, allowed, credentials, chrome=False)),
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
    chrome_passes = all(_header_allowed(n, allowed, credentials, chrome=True) for n in refused)
    return _Problem(
        "header_not_allowed",
        f"Request header field {first} is not allowed by Access-Control-Allow-Headers in "
        f"preflight response.{detail}",
        (AUTHORIZATION_WILDCARD,) if chrome_passes else (),
    )


def _preflight_gate(
    status: int, headers: HeaderList, origin: str, credentials: bool, private_network: bool
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
    headers: HeaderList, method: str, names: list[str], credentials: bool, forced: bool
) -> _Problem | None:
    """Parse the allow lists, then check the method and the request header names."""
    methods = headers.extract_list("access-control-allow-methods")
    if isinstance(methods, ListFailure):
        return _list_problem("Access-Control-Allow-Methods", "invalid_allow_methods", headers)
    allowed = headers.extract_list("access-control-allow-headers")
    if isinstance(allowed, ListFailure):
        return _list_problem("Access-Control-Allow-Headers", "invalid_allow_headers", headers)
    if methods is None and forced:
        methods = [method]
    allowed_names = {ascii_lower(name) for name in allowed or ()}
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

    Chrome still lets ``*`` cover ``authorization``: when that is the only reason the
    verdict refuses, ``differences`` holds the ``authorization_wildcard``
    :class:`BrowserDifference` and ``allowed_in("Chrome")`` is True.

    >>> pf = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*"}
    >>> preflight_check(204, pf, origin="https://a.example", method="GET",
    ...                 request_headers=["x-token"]).code
    'ok'
    >>> v = preflight_check(204, pf, origin="https://a.example", method="GET",
    ...                     request_headers="authorization")
    >>> v.code, "never covers Authorization" in v.message, v.allowed_in("Chrome")
    ('header_not_allowed', True, True)
    """
    headers = HeaderList(response_headers)
    method = normalize_method(method)
    names = _names_argument(request_headers)
    problem = (
        _response_problem(headers)
        or _preflight_gate(status, headers, origin, credentials, private_network)
        or _allowance_problem(headers, method, names, credentials, use_cors_preflight)
    )
    return _verdict(problem, f"Preflight passed for {method} from {show(origin)}.")


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
    values = HeaderList(response_headers).values("access-control-max-age")
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
    headers = HeaderList(response_headers)
    listed = headers.extract_list("access-control-expose-headers")
    exposed = set(SAFELISTED_RESPONSE_HEADERS)
    if isinstance(listed, list):
        names = {ascii_lower(name) for name in listed}
        exposed |= set(headers.names()) if "*" in names and not credentials else names
    return (
        frozenset(name for name in headers.names() if name in exposed) - FORBIDDEN_RESPONSE_HEADERS
    )
