"""Migration never widens access: django-cors-headers is the oracle.

Hypothesis writes configurations in django-cors-headers' own settings, the way projects
write them (old names, tuples, its ``default_headers`` extended, a ``check_request_enabled``
receiver allowing some origins, and the usual slips: a trailing ``/``, ``"*"`` in a list,
``*.`` patterns, upper-case hosts). The same Django app is built twice, once with
``corsheaders.middleware.CorsMiddleware`` and once with ``adapters.django.CORSMiddleware``,
and both get the same requests: simple and preflighted ones, with and without
credentials, from listed, regex-matched, signal-allowed and foreign origins, inside and
outside ``CORS_URLS_REGEX``. The browser model judges every response.

The invariant: whatever a page can do through this adapter (read a response, read one of
its headers, pass a preflight) it could already do through django-cors-headers. A
configuration this adapter refuses at start-up (a ``ConfigError`` when the middleware
loads, or an error of ``manage.py check``) is skipped: a refusal never widens access.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import corsheaders.signals
import pytest
from corsheaders.defaults import default_headers, default_methods
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.django.checks import check_cors_settings
from adapters.django.signals import check_request_enabled
from cors_core import ConfigError
from cors_core.browser import cors_check, exposed_response_headers, preflight_check
from tests.integration.django_support import cors_settings
from tests.strength import example_count

pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")

PEER = "corsheaders.middleware.CorsMiddleware"
OURS = "adapters.django.CORSMiddleware"
PROJECT: dict[str, Any] = {
    "ROOT_URLCONF": "tests.integration.django_oracle_urls",
    "ALLOWED_HOSTS": ["testserver"],
    "DEBUG": False,
}

# -- what projects write ------------------------------------------------------------------

#: Origins as projects list them.
LISTED = (
    "https://app.example.com",
    "http://localhost:3000",
    "http://127.0.0.1:8000",
    "https://www.example.org",
    "https://partner.example",
)
#: Entries projects write by mistake, or in a form django-cors-headers never matches.
SLIPS = (
    "https://app.example.com/",
    "*",
    "https://*.example.com",
    "http://localhost:*",
    "https://App.Example.com",
    "https://app.example.com:443",
    "app.example.com",
    "null",
)
REGEXES: tuple[str | re.Pattern[str], ...] = (
    r"^https://\w+\.example\.com$",
    r"^https://(\w+\.)?example\.org$",
    r"^http://localhost:\d+$",
    r"^https://\w+\.example\.com",  # unanchored at the end
    r"https://.*\.example\.com",
    re.compile(r"^https://[a-z]+\.example\.com$"),
)
METHOD_LISTS: tuple[Sequence[str], ...] = (
    default_methods,
    (*default_methods, "POKE"),
    ("GET",),
    ("GET", "POST"),
    ["GET", "PUT", "DELETE"],
    ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"),
    ["get", "post", "put", "delete"],
    ["*"],
    "*",
)
HEADER_LISTS: tuple[Sequence[str], ...] = (
    default_headers,
    (*default_headers, "x-custom"),
    ("x-custom",),
    ["content-type", "authorization"],
    ["accept", "content-type", "origin", "x-requested-with"],
    ["x-*", "content-type"],
    ["*", "authorization"],
    ["*"],
    "*",
)
EXPOSE_LISTS: tuple[Sequence[str], ...] = (
    (),
    ["X-Total"],
    ("x-total", "x-secret"),
    ["*"],
)
URL_REGEXES: tuple[str | re.Pattern[str], ...] = (
    r"^.*$",
    r"^/api/.*$",
    r"^/(api|public)/",
    re.compile(r"^/api/"),
)
#: Origins a ``check_request_enabled`` receiver may allow.
SIGNAL_ORIGINS = ("https://partner.example", "https://tool.example", "https://app.example.com")

# -- what pages send -----------------------------------------------------------------------

REQUEST_ORIGINS = (
    *LISTED,
    "https://tool.example",
    "https://api.example.com",
    "https://example.org",
    "http://localhost:5173",
    "https://a.b.example.com",
    "https://app.example.com.evil.io",
    "http://app.example.com",
    "https://app.example.com:8443",
    "https://evil.example",
    "null",
)
PATHS = ("/api/items/", "/public/items/", "/admin/items/")
ACTUAL_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")
PREFLIGHT_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "POKE")
#: Request header names a page sets (that need a preflight), and a value for each.
HEADER_VALUES = {
    "content-type": "application/json",
    "authorization": "Bearer t0ken",
    "x-custom": "1",
    "x-requested-with": "XMLHttpRequest",
    "x-csrftoken": "abc",
    "accept": "application/json; q=\x01",  # an unsafe value: preflighted
}


@st.composite
def configurations(draw: st.DrawFn) -> dict[str, Any]:
    """django-cors-headers settings, each one present or not, old names included."""
    found: dict[str, Any] = {}

    def maybe(name: str | Sequence[str], values: st.SearchStrategy[Any], odds: int = 2) -> None:
        if draw(st.integers(1, odds)) > 1:
            chosen = name if isinstance(name, str) else draw(st.sampled_from(name))
            found[chosen] = draw(values)

    def mostly(usual: Sequence[Any], slips: Sequence[Any]) -> st.SearchStrategy[Any]:
        """One of the values projects usually write, or now and then a slip."""
        return (
            st.sampled_from(tuple(usual))
            if draw(st.integers(0, 5))
            else st.sampled_from(tuple(slips))
        )

    @st.composite
    def origins(draw: st.DrawFn) -> Sequence[str]:
        listed = draw(st.lists(st.sampled_from(LISTED), max_size=3, unique=True))
        if draw(st.integers(0, 3)) == 0:
            listed.insert(draw(st.integers(0, len(listed))), draw(st.sampled_from(SLIPS)))
        return draw(st.sampled_from((list, tuple)))(listed)  # type: ignore[no-any-return]

    maybe(("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST"), origins(), odds=4)
    regexes = st.lists(st.sampled_from(REGEXES), min_size=1, max_size=2, unique=True)
    maybe(("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST"), regexes)
    if draw(st.integers(0, 3)) == 0:
        name = draw(st.sampled_from(("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")))
        found[name] = draw(st.booleans())
    maybe("CORS_ALLOW_CREDENTIALS", st.booleans())
    maybe("CORS_ALLOW_METHODS", mostly(METHOD_LISTS[:6], METHOD_LISTS[6:]))
    maybe("CORS_ALLOW_HEADERS", mostly(HEADER_LISTS[:5], HEADER_LISTS[5:]))
    maybe("CORS_EXPOSE_HEADERS", st.sampled_from(EXPOSE_LISTS))
    maybe("CORS_PREFLIGHT_MAX_AGE", st.sampled_from((0, 600, 86400)))
    maybe("CORS_URLS_REGEX", st.sampled_from(URL_REGEXES))
    maybe("CORS_ALLOW_PRIVATE_NETWORK", st.booleans())
    return found


@dataclass(frozen=True)
class Probe:
    """One request a page makes (a preflight, or the request itself)."""

    preflight: bool
    path: str
    origin: str
    method: str
    names: tuple[str, ...]
    credentials: bool
    private_network: bool

    def headers(self) -> dict[str, str]:
        sent = {"Origin": self.origin}
        if not self.preflight:
            return {**sent, **{name: HEADER_VALUES[name] for name in self.names}}
        sent["Access-Control-Request-Method"] = self.method
        if self.names:
            sent["Access-Control-Request-Headers"] = ",".join(sorted(self.names))
        if self.private_network:
            sent["Access-Control-Request-Private-Network"] = "true"
        return sent


def _probe(preflight: bool, method: str, names: Sequence[str], **rest: Any) -> Probe:
    return Probe(preflight, method=method, names=tuple(sorted(names)), **rest)


def probes(config: Mapping[str, Any], allowed: frozenset[str] | None) -> st.SearchStrategy[Probe]:
    """Requests from any origin; from the configured ones (as browsers write them) and
    those the regexes or the receiver allow more often, mostly to the API."""
    regexes = [
        r
        for name in ("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST")
        for r in config.get(name, ())
    ]
    likely = [
        *(
            o.lower()
            for name in ("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST")
            for o in config.get(name, ())
            if "://" in o and "*" not in o
        ),
        *(o for o in REQUEST_ORIGINS if any(re.match(r, o) for r in regexes)),
        *(allowed or ()),
    ]
    origins = st.sampled_from(REQUEST_ORIGINS)
    if likely:
        origins = st.sampled_from(likely) | st.sampled_from(likely) | origins
    return st.builds(_probe, origin=origins, **_PROBE_PARTS)


#: What every probe draws the same way, built once (building them per example was slow).
_PROBE_PARTS: dict[str, st.SearchStrategy[Any]] = {
    "preflight": st.booleans(),
    "path": st.sampled_from((PATHS[0], *PATHS)),
    "method": st.sampled_from((*ACTUAL_METHODS, "POKE")),
    "names": st.lists(st.sampled_from(sorted(HEADER_VALUES)), max_size=2, unique=True),
    "credentials": st.booleans(),
    "private_network": st.sampled_from((False, False, False, True)),
}


@st.composite
def examples(draw: st.DrawFn) -> tuple[dict[str, Any], frozenset[str] | None, list[Probe]]:
    """A configuration, what a signal receiver allows, and the requests pages make."""
    config = draw(configurations())
    allowed = draw(st.none() | st.frozensets(st.sampled_from(SIGNAL_ORIGINS), min_size=1))
    return config, allowed, draw(st.lists(probes(config, allowed), min_size=6, max_size=16))


# -- the two apps --------------------------------------------------------------------------

Response = tuple[int, list[tuple[str, str]]]


class Refused(Exception):
    """This adapter refused the configuration at start-up."""


@contextmanager
def receiver_for(allowed: frozenset[str] | None, peer: bool) -> Iterator[None]:
    """A ``check_request_enabled`` receiver allowing ``allowed`` on the app's own signal."""
    if allowed is None:
        yield
        return
    signal = corsheaders.signals.check_request_enabled if peer else check_request_enabled

    def allow(sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
        return request.headers.get("Origin") in allowed

    signal.connect(allow, weak=False)
    try:
        yield
    finally:
        signal.disconnect(allow)


def serve(
    middleware: str,
    config: Mapping[str, Any],
    allowed: frozenset[str] | None,
    requests: Sequence[Probe],
) -> list[Response]:
    """Each request's response from the app with ``middleware`` and ``config``."""
    with cors_settings(PROJECT, MIDDLEWARE=[middleware], **config):
        if middleware == OURS and any(m.is_serious() for m in check_cors_settings()):
            raise Refused
        client = Client(raise_request_exception=True)
        answers = []
        with receiver_for(allowed, peer=middleware == PEER):
            for probe in requests:
                method = "OPTIONS" if probe.preflight else probe.method
                try:
                    r = client.generic(method, probe.path, headers=probe.headers())
                except (ConfigError, ImproperlyConfigured) as exc:
                    if middleware == OURS:
                        raise Refused from exc
                    raise
                answers.append((r.status_code, list(r.items())))
        return answers


# -- the browser's verdicts ----------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a page gets from one response: through or not (and why), what it can read."""

    allowed: bool
    code: str
    message: str
    readable: frozenset[str]


def what_a_page_gets(probe: Probe, response: Response) -> Outcome:
    status, headers = response
    if probe.preflight:
        verdict = preflight_check(
            status,
            headers,
            origin=probe.origin,
            method=probe.method,
            request_headers=probe.names,
            credentials=probe.credentials,
            private_network=probe.private_network,
        )
        return Outcome(verdict.allowed, verdict.code, verdict.message, frozenset())
    verdict = cors_check(headers, origin=probe.origin, credentials=probe.credentials)
    readable = (
        exposed_response_headers(headers, credentials=probe.credentials)
        if verdict.allowed
        else frozenset()
    )
    return Outcome(verdict.allowed, verdict.code, verdict.message, readable)


#: The CORS-safelisted request-header names: an engine that adds them to every
#: allow_headers lets pages send them where django-cors-headers' list does not.
SAFELISTED_NAMES = frozenset({"accept", "accept-language", "content-language", "content-type"})


def diagnosis(probe: Probe, peer: Outcome) -> str:
    """A hint at the cause of a widening, when a known one fits."""
    if peer.code == "header_not_allowed":
        refused = {name for name in probe.names if f" field {name} " in peer.message}
        if refused and refused <= SAFELISTED_NAMES:
            return "; only CORS-safelisted names: does the engine add them to allow_headers?"
    return ""


def widenings(
    requests: Sequence[Probe], ours: Sequence[Response], peer: Sequence[Response]
) -> list[str]:
    """What a page gets through this adapter and not through django-cors-headers."""
    found = []
    for probe, mine, theirs in zip(requests, ours, peer, strict=True):
        here, there = what_a_page_gets(probe, mine), what_a_page_gets(probe, theirs)
        if here.allowed and not there.allowed:
            found.append(
                f"{probe} passes here, not there ({there.code}{diagnosis(probe, there)}):\n"
                f"  here:  {mine}\n  there: {theirs}"
            )
        elif here.allowed and not here.readable <= there.readable:
            found.append(f"{probe} reads {sorted(here.readable - there.readable)} only here")
    return found


def test_migrating_never_widens_access() -> None:
    seen: Counter[str] = Counter()

    @settings(
        max_examples=example_count(600, local=250),
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(examples())
    def check(example: tuple[dict[str, Any], frozenset[str] | None, list[Probe]]) -> None:
        config, allowed, requests = example
        try:
            ours = serve(OURS, config, allowed, requests)
        except Refused:
            seen["refused"] += 1
            return
        peer = serve(PEER, config, allowed, requests)
        seen["compared"] += 1
        seen["through"] += sum(what_a_page_gets(p, r).allowed for p, r in zip(requests, ours))
        found = widenings(requests, ours, peer)
        assert not found, f"settings {config}, signal allows {allowed}:\n" + "\n".join(found)

    check()
    # Not vacuous: most configurations are accepted, and pages get through.
    assert seen["compared"] > 2 * seen["refused"], seen
    assert seen["through"] > 300, seen
