"""A model of the *browser's* side of CORS, after the WHATWG Fetch Standard.

Server tests use it to assert "a browser would allow this" instead of guessing header
strings, and the diagnostics CLI uses it to explain a failure the way Chromium's console
does, with a stable machine code for each outcome.

>>> from cors_core.browser import cors_check, needs_preflight, preflight_check
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

Verdicts are the Fetch standard's. Where a shipping browser decides otherwise, the
verdict says so (:class:`BrowserDifference`): today one rule, Chrome letting ``*`` in
``Access-Control-Allow-Headers`` cover ``Authorization`` (its
CorsNonWildcardRequestHeadersSupport feature is off), where the standard, Firefox and
Safari refuse it.

>>> pf = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*"}
>>> v = preflight_check(204, pf, origin="https://a.example", method="GET",
...                     request_headers=["authorization"])
>>> bool(v), v.allowed_in("Chrome"), v.deciders
(False, True, 'the Fetch standard, Firefox and Safari')

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

import inspect

from cors_core._fetch import (
    FORBIDDEN_METHODS,
    FORBIDDEN_REQUEST_HEADERS,
    SAFELISTED_METHODS,
    is_forbidden_request_header,
    normalize_method,
)
from cors_core.browser._checks import (
    FORBIDDEN_RESPONSE_HEADERS,
    SAFELISTED_RESPONSE_HEADERS,
    BrowserDifference,
    Verdict,
    cors_check,
    exposed_response_headers,
    preflight_check,
    preflight_max_age,
)
from cors_core.browser._classify import (
    cors_unsafe_request_header_names,
    is_cors_safelisted_method,
    is_cors_safelisted_request_header,
    needs_preflight,
)
from cors_core.browser._headers import AsyncSend, HeadersLike, Response, Send
from cors_core.browser._simulate import (
    CredentialsMode,
    Exchange,
    Trip,
    TripOptions,
    simulate,
    simulate_async,
)

__all__ = [
    "FORBIDDEN_METHODS",
    "FORBIDDEN_REQUEST_HEADERS",
    "FORBIDDEN_RESPONSE_HEADERS",
    "SAFELISTED_METHODS",
    "SAFELISTED_RESPONSE_HEADERS",
    "AsyncSend",
    "BrowserDifference",
    "CredentialsMode",
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

#: Every public name's docstring examples, so ``doctest.testmod(cors_core.browser)`` runs
#: them although they are defined in the submodules.
__test__ = {
    name: value
    for name, value in sorted(globals().items())
    if name in __all__ and (inspect.isfunction(value) or inspect.isclass(value))
}
