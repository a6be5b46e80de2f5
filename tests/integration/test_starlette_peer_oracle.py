"""Migration never widens access: starlette's ``CORSMiddleware`` is the oracle.

Hypothesis writes configurations in starlette's own vocabulary, every keyword of its
``CORSMiddleware`` (``allow_origins``, ``allow_origin_regex``, ``allow_methods``,
``allow_headers``, ``allow_credentials``, ``expose_headers``, ``max_age``,
``allow_private_network``). The same app is wrapped twice, once by starlette's middleware
and once by ``adapters.asgi.CORSMiddleware`` with the same keywords, and a browser
(``cors_core.browser.simulate``) makes the same trips through both: listed, regex-matched
and foreign origins (subdomains, other schemes and ports, ``null``), every method,
safelisted and unsafe request headers, with and without credentials and Private Network
Access. A configuration ours refuses at start-up (``ConfigError``) is skipped: a refusal
never widens access.

The invariant, for every trip: if the request reached the app through ours, it did through
starlette; if the page could read the response through ours, it could through starlette;
every response header it could read through ours, it could read through starlette.

The native middleware reads a few starlette settings more broadly than starlette does
(``BROADER_READINGS``: origins not written as browsers send them, ``*.`` and ``:*``
patterns, header globs, lower-case method names), on purpose: those are its features. The
drop-in ``adapters.starlette.CORSMiddleware`` refuses them; a second oracle writes
configurations with them too, as real apps do, and holds the drop-in to the invariant
(and to the native middleware's answers for everything it accepts).

The tests after the oracle hold each sentence of ``docs/migrate-starlette.md`` about what
starlette does, by running starlette beside ours; the page names them.
"""

from __future__ import annotations

import inspect
import re
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.middleware import cors as starlette_cors
from starlette.middleware.cors import ALL_METHODS, SAFELISTED_HEADERS
from starlette.middleware.cors import CORSMiddleware as StarletteCORS

from adapters.asgi import CORSMiddleware as OurCORS
from adapters.starlette import STARLETTE_KEYWORDS
from adapters.starlette import CORSMiddleware as DropIn
from cors_core import ConfigError, CORSConfigWarning, CORSPolicy
from cors_core.browser import Trip, TripOptions, simulate
from tests.security.support import PREFLIGHT_VARY, call_asgi, drive
from tests.strength import example_count

pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")

PAGE = Path(__file__).resolve().parents[2] / "docs" / "migrate-starlette.md"
#: Whether the installed starlette has Private Network Access (a recent keyword).
HAS_PNA = "allow_private_network" in inspect.signature(StarletteCORS).parameters

# -- what starlette users write ------------------------------------------------------------

#: Origins as browsers send them, the way projects list them.
LISTED = (
    "https://app.example.org",
    "https://www.example.com",
    "http://localhost:3000",
    "http://localhost:8080",
    "http://127.0.0.1:8000",
    "https://partner.example",
)
#: Entries ours refuses at start-up (starlette never matches them, but for a listed null).
REFUSED_ENTRIES = (
    "https://app.example.org/",
    "https://app.example.org/api",
    "app.example.org",
    " https://app.example.org",
    "null",
)
REGEXES = (
    r"https://[a-z0-9-]+\.example\.org",
    r"https://.*\.example\.com",
    r"https://(www\.)?example\.com",
    r"http://localhost:\d+",
    r"https://\w+\.example\.org",
    r"^https://app\.example\.org$",
    r"https://[a-z]+\.example\.(com|org)",
    r"https://.*",
    r"https://APP\.example\.org",  # ours refuses it: browsers send lower case
)
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
HEADER_NAMES = (
    "x-token",
    "authorization",
    "content-type",
    "x-requested-with",
    "accept",
    "X-Token",
    "Authorization",
)
EXPOSE_LISTS: tuple[list[str], ...] = (
    [],
    ["X-Total-Count"],
    ["x-total-count", "x-secret"],
    ["Content-Type", "X-Secret"],
    ["*"],
)

# -- what pages send -----------------------------------------------------------------------

REQUEST_ORIGINS = (
    *LISTED,
    "https://shop.example.org",
    "https://app-1.example.org",
    "https://a.b.example.org",
    "https://example.org",
    "https://example.com",
    "https://api.example.com",
    "https://xn--bcher-kva.example.org",
    "http://app.example.org",
    "https://app.example.org:8443",
    "https://app.example.org.evil.net",
    "https://localhost:3000",
    "http://localhost:5173",
    "https://evil.example.net",
    "null",
    "http://localhost",
    "http://[::1]:8000",
)
#: The methods a page uses (those sent without a preflight are drawn more often).
SIMPLE_METHODS = ("GET", "POST", "HEAD")
TRIP_METHODS = (*METHODS, "QUERY", "PURGE", "patch")
REQUEST_HEADERS = {
    "Content-Type": ("application/json", "text/plain"),
    "X-Token": ("1",),
    "Authorization": ("Bearer t0ken",),
    "X-Requested-With": ("XMLHttpRequest",),
    "Accept-Language": ("en",),
    "Accept": ("application/json", "text/html; q=\x01"),
}


@st.composite
def configurations(draw: st.DrawFn) -> dict[str, Any]:
    """starlette keyword arguments, each one given or left to its default."""
    config: dict[str, Any] = {}
    given_ = st.integers(0, 2).map(bool)  # two chances in three
    if draw(st.integers(0, 3)):
        if draw(st.integers(0, 5)) == 0:
            config["allow_origins"] = ["*"]
        else:
            origins = draw(st.lists(st.sampled_from(LISTED), min_size=1, max_size=3, unique=True))
            if draw(st.integers(0, 5)) == 0:
                slip = draw(st.sampled_from((*REFUSED_ENTRIES, "*")))
                origins.insert(draw(st.integers(0, len(origins))), slip)
            config["allow_origins"] = draw(st.sampled_from((list, tuple)))(origins)
    if draw(st.integers(0, 2)) == 0:
        config["allow_origin_regex"] = draw(st.sampled_from(REGEXES))
    if draw(given_):
        if draw(st.integers(0, 4)) == 0:
            config["allow_methods"] = ["*"]
        else:
            methods = draw(st.lists(st.sampled_from(METHODS), max_size=5, unique=True))
            if draw(st.integers(0, 8)) == 0:
                methods.append(draw(st.sampled_from(("QUERY", "PURGE"))))
            config["allow_methods"] = methods
    if draw(given_):
        if draw(st.integers(0, 4)) == 0:
            config["allow_headers"] = draw(st.sampled_from((["*"], ["*", "authorization"])))
        else:
            names = draw(st.lists(st.sampled_from(HEADER_NAMES), max_size=4))
            config["allow_headers"] = list({n.lower(): n for n in names}.values())
    if draw(st.booleans()):
        config["allow_credentials"] = draw(st.booleans())
    if draw(st.integers(0, 2)) == 0:
        config["expose_headers"] = draw(st.sampled_from(EXPOSE_LISTS))
    if draw(st.integers(0, 3)) == 0:
        config["max_age"] = draw(st.sampled_from((0, 600, 86400, 100_000)))
    if HAS_PNA and draw(st.integers(0, 2)) == 0:
        config["allow_private_network"] = draw(st.booleans())
    return config


def likely_origins(config: dict[str, Any]) -> list[str]:
    """The request origins the configuration names or its regex matches."""
    listed = [o for o in config.get("allow_origins", ()) if o in REQUEST_ORIGINS]
    regex = config.get("allow_origin_regex")
    matched = [o for o in REQUEST_ORIGINS if regex and re.fullmatch(regex, o)]
    return [*listed, *matched]


#: The strategies a trip draws from, built once (building them per draw dominated the run).
_ANY_ORIGIN = st.sampled_from(REQUEST_ORIGINS)
_HEADER_NAMES = st.lists(st.sampled_from(sorted(REQUEST_HEADERS)), max_size=2, unique=True)
_HEADER_VALUES = {name: st.sampled_from(values) for name, values in REQUEST_HEADERS.items()}
_TRIP_METHOD = st.sampled_from(TRIP_METHODS)
_SIMPLE_METHOD = st.sampled_from(SIMPLE_METHODS)
_CREDENTIALS = st.sampled_from((False, False, True))
_ONE_IN_FOUR = st.integers(0, 3)
_ONE_IN_SIX = st.integers(0, 5)


@st.composite
def trips(draw: st.DrawFn, config: dict[str, Any]) -> tuple[str, TripOptions]:
    """One ``fetch()``: mostly from an origin the configuration names, often not."""
    likely = likely_origins(config)
    use_likely = bool(likely) and draw(_ONE_IN_FOUR) > 0  # three times in four
    origin = draw(st.sampled_from(likely) if use_likely else _ANY_ORIGIN)
    names = draw(_HEADER_NAMES)
    if draw(st.booleans()):
        names = []  # most fetch() calls set no header
    options: TripOptions = {
        "method": draw(_TRIP_METHOD if draw(st.booleans()) else _SIMPLE_METHOD),
        "headers": {name: draw(_HEADER_VALUES[name]) for name in names},
        "credentials": draw(_CREDENTIALS),
        "private_network": HAS_PNA and draw(_ONE_IN_SIX) == 0,
    }
    return origin, options


@st.composite
def examples(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[str, TripOptions]]]:
    config = draw(configurations())
    return config, draw(st.lists(trips(config), min_size=4, max_size=12))


# -- the two apps --------------------------------------------------------------------------


async def counting_app(scope: Any, receive: Any, send: Any) -> None:
    """An app whose responses carry headers only ``expose_headers`` makes readable."""
    headers = [
        (b"content-type", b"application/json"),
        (b"x-total-count", b"3"),
        (b"x-secret", b"s"),
        (b"vary", b"Accept-Encoding"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"[]"})


def sender(middleware: Any, path: str = "/items") -> Callable[..., Any]:
    def send(method: str, headers: list[tuple[str, str]]) -> Any:
        return call_asgi(middleware, method, path, headers)

    return send


def trip(middleware: Any, origin: str, **options: Any) -> Trip:
    return simulate(sender(middleware), origin=origin, **options)


def widening(ours: Trip, theirs: Trip) -> str | None:
    """What a page gets through ours and not through starlette, if anything."""
    if ours.actual is not None and theirs.actual is None:
        return "the request reaches the app only through ours"
    if ours.verdict.allowed and not theirs.verdict.allowed:
        return f"readable only through ours (starlette: {theirs.verdict.code})"
    if not ours.readable_headers <= theirs.readable_headers:
        return f"reads {sorted(ours.readable_headers - theirs.readable_headers)} only through ours"
    return None


def test_migrating_never_widens_access() -> None:
    seen: Counter[str] = Counter()

    @settings(
        max_examples=example_count(1200, local=600),
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(examples())
    def check(example: tuple[dict[str, Any], list[tuple[str, TripOptions]]]) -> None:
        config, pages = example
        seen["examples"] += 1
        try:
            ours = OurCORS(counting_app, **config)
        except ConfigError:
            seen["refused"] += 1
            return
        theirs = StarletteCORS(counting_app, **config)
        found = []
        for origin, options in pages:
            here, there = trip(ours, origin, **options), trip(theirs, origin, **options)
            seen["trips"] += 1
            seen["through ours"] += here.verdict.allowed
            seen["stricter"] += there.verdict.allowed and not here.verdict.allowed
            problem = widening(here, there)
            if problem:
                found.append(f"{origin} {options}: {problem}\n  ours: {here.steps}")
        assert not found, f"CORSMiddleware(app, **{config!r}):\n" + "\n".join(found)

    check()
    # Not vacuous: most configurations are accepted, and pages get through.
    assert 0 < seen["refused"] < seen["examples"] // 2, seen
    assert seen["through ours"] > seen["trips"] // 6, seen


# -- where ours reads a starlette setting more broadly (found by the oracle's vocabulary) --


class Broader(NamedTuple):
    """A setting starlette never matches and the native middleware reads more broadly."""

    config: dict[str, Any]  #: the setting, in starlette's keywords
    origin: str  #: a page's origin ...
    options: TripOptions  #: ... and its fetch() options, allowed only by the broad reading
    option: str  #: the option the drop-in's refusal names
    fix: str  #: the fix it gives
    fixed: dict[str, Any]  #: the setting that fix makes: the page gets through in both


_APP_ONLY = {"allow_origins": ["https://app.example.org"]}
_KEEP = "or keep the pattern by importing CORSMiddleware from adapters.asgi"
_HEADERS_FIX = f"list the header names pages send: allow_headers=['x-token', ...]; {_KEEP}"

#: Settings starlette compares as written (so they never match what a browser sends) and
#: the native middleware reads as what they evidently mean, silently: access a one-import
#: migration to ``adapters.asgi`` widens. ``adapters.starlette`` refuses each.
BROADER_READINGS: dict[str, Broader] = {
    "origin-upper-case": Broader(
        {"allow_origins": ["https://App.Example.org"]},
        "https://app.example.org",
        {},
        "allow_origins",
        "write 'https://app.example.org'",
        _APP_ONLY,
    ),
    "origin-upper-case-scheme": Broader(
        {"allow_origins": ["HTTPS://app.example.org"]},
        "https://app.example.org",
        {},
        "allow_origins",
        "write 'https://app.example.org'",
        _APP_ONLY,
    ),
    "origin-default-port": Broader(
        {"allow_origins": ["https://app.example.org:443"]},
        "https://app.example.org",
        {},
        "allow_origins",
        "write 'https://app.example.org'",
        _APP_ONLY,
    ),
    "origin-unicode-host": Broader(
        {"allow_origins": ["https://bücher.example.org"]},
        "https://xn--bcher-kva.example.org",
        {},
        "allow_origins",
        "write 'https://xn--bcher-kva.example.org'",
        {"allow_origins": ["https://xn--bcher-kva.example.org"]},
    ),
    "origin-ipv6-uncompressed": Broader(
        {"allow_origins": ["http://[0:0:0:0:0:0:0:1]:8000"]},
        "http://[::1]:8000",
        {},
        "allow_origins",
        "write 'http://[::1]:8000'",
        {"allow_origins": ["http://[::1]:8000"]},
    ),
    "origin-subdomain-pattern": Broader(
        {"allow_origins": ["https://*.example.org"]},
        "https://shop.example.org",
        {},
        "allow_origins",
        "list the origins pages are served from, or write a regex: "
        rf"allow_origin_regex=r'https://(?:[a-z0-9-]+\.)+example\.org'; {_KEEP}",
        {"allow_origin_regex": r"https://(?:[a-z0-9-]+\.)+example\.org"},
    ),
    "origin-any-port-pattern": Broader(
        {"allow_origins": ["http://localhost:*"]},
        "http://localhost:5173",
        {},
        "allow_origins",
        "list the origins pages are served from, or write a regex: "
        f"allow_origin_regex=r'http://localhost(?::[0-9]+)?'; {_KEEP}",
        {"allow_origin_regex": r"http://localhost(?::[0-9]+)?"},
    ),
    "origin-subdomain-and-port-pattern": Broader(
        {"allow_origins": ["https://*.example.org:*"]},
        "https://shop.example.org:8443",
        {},
        "allow_origins",
        "list the origins pages are served from, or write a regex: allow_origin_regex="
        rf"r'https://(?:[a-z0-9-]+\.)+example\.org(?::[0-9]+)?'; {_KEEP}",
        {"allow_origin_regex": r"https://(?:[a-z0-9-]+\.)+example\.org(?::[0-9]+)?"},
    ),
    "header-glob": Broader(
        {**_APP_ONLY, "allow_headers": ["x-*"]},
        "https://app.example.org",
        {"headers": {"X-Token": "1"}},
        "allow_headers",
        _HEADERS_FIX,
        {**_APP_ONLY, "allow_headers": ["x-token"]},
    ),
    "header-regex-glob": Broader(
        {**_APP_ONLY, "allow_headers": ["X-Requested-.*"]},
        "https://app.example.org",
        {"headers": {"X-Requested-With": "XMLHttpRequest"}},
        "allow_headers",
        _HEADERS_FIX,
        {**_APP_ONLY, "allow_headers": ["X-Requested-With"]},
    ),
    "method-lower-case-delete": Broader(
        {**_APP_ONLY, "allow_methods": ["delete"]},
        "https://app.example.org",
        {"method": "DELETE"},
        "allow_methods",
        "write 'DELETE'",
        {**_APP_ONLY, "allow_methods": ["DELETE"]},
    ),
    "method-lower-case-options": Broader(
        {**_APP_ONLY, "allow_methods": ["options"]},
        "https://app.example.org",
        {"method": "OPTIONS"},
        "allow_methods",
        "write 'OPTIONS'",
        {**_APP_ONLY, "allow_methods": ["OPTIONS"]},
    ),
    "method-lower-case-put": Broader(
        {**_APP_ONLY, "allow_methods": ["put"]},
        "https://app.example.org",
        {"method": "PUT"},
        "allow_methods",
        "write 'PUT'",
        {**_APP_ONLY, "allow_methods": ["PUT"]},
    ),
    "method-mixed-case-delete": Broader(
        {**_APP_ONLY, "allow_methods": ["GET", "Delete"]},
        "https://app.example.org",
        {"method": "DELETE"},
        "allow_methods",
        "write 'DELETE'",
        {**_APP_ONLY, "allow_methods": ["GET", "DELETE"]},
    ),
}


def _the_entry(reading: Broader) -> str:
    """The one entry of ``reading.config`` that starlette never matches."""
    value = reading.config[reading.option]
    return repr(value[-1])


@pytest.mark.parametrize("name", sorted(BROADER_READINGS))
def test_starlette_never_matches_these_settings(name: str) -> None:
    reading = BROADER_READINGS[name]
    theirs = StarletteCORS(counting_app, **reading.config)
    assert not trip(theirs, reading.origin, **reading.options).verdict.allowed


@pytest.mark.parametrize("name", sorted(BROADER_READINGS))
def test_the_native_middleware_reads_these_settings_more_broadly(name: str) -> None:
    """The documented difference of ``adapters.asgi``: its patterns and normalisation are
    features, accepted without a warning."""
    reading = BROADER_READINGS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = OurCORS(counting_app, **reading.config)
    assert trip(ours, reading.origin, **reading.options).verdict.allowed


@pytest.mark.parametrize("name", sorted(BROADER_READINGS))
def test_a_setting_starlette_never_matches_does_not_widen_access(name: str) -> None:
    """``adapters.starlette`` refuses it at construction: one problem, naming starlette's
    option and the entry, with the fix in starlette's keywords."""
    reading = BROADER_READINGS[name]
    with pytest.raises(ConfigError) as info:
        DropIn(counting_app, **reading.config)
    (problem,) = info.value.problems
    assert (problem.option, problem.entry, problem.fix) == (
        reading.option,
        _the_entry(reading),
        reading.fix,
    )
    assert "starlette" in problem.problem and "widen access" in problem.problem


@pytest.mark.parametrize("name", sorted(BROADER_READINGS))
def test_the_fix_of_each_refusal_works_in_starlette_and_in_the_drop_in(name: str) -> None:
    """Written as the refusal says, the setting lets the page through in both, with the
    same verdict as the native middleware given the same keywords."""
    reading = BROADER_READINGS[name]
    theirs = StarletteCORS(counting_app, **reading.fixed)
    ours = DropIn(counting_app, **reading.fixed)
    native = OurCORS(counting_app, **reading.fixed)
    assert trip(theirs, reading.origin, **reading.options).verdict.allowed
    here = trip(ours, reading.origin, **reading.options)
    assert here.verdict.allowed
    assert here == trip(native, reading.origin, **reading.options)


def test_every_refusal_is_listed_at_once_in_starlettes_keywords() -> None:
    """Every problem of one configuration in one ``ConfigError``: the keywords starlette
    does not have, the settings it never matched, then the engine's own refusals (and
    none of its warnings, such as the one for 'patch': the configuration is refused)."""
    with pytest.raises(ConfigError) as info, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        DropIn(
            counting_app,
            allow_origins=["https://App.Example.org", "https://ok.example.org", "null"],
            allow_methods=["GET", "delete", "patch"],
            allow_headers=["x-*", "content-type"],
            allow_origin_regex=[r"https://a\.example\.org", r"https://b\.example\.org"],
            expose_headers=["set-cookie"],
            debug=True,  # type: ignore[arg-type]
            allow_origin=["https://app.example.org"],  # type: ignore[arg-type]
        )
    asgi = "import CORSMiddleware from adapters.asgi"
    assert [(p.option, p.entry, p.fix) for p in info.value.problems] == [
        ("debug", "", f"{asgi} to use debug="),
        ("allow_origin", "", "did you mean 'allow_origins'?"),
        ("allow_origins", "'https://App.Example.org'", "write 'https://app.example.org'"),
        ("allow_methods", "'delete'", "write 'DELETE'"),
        ("allow_headers", "'x-*'", _HEADERS_FIX),
        (
            "allow_origin_regex",
            repr([r"https://a\.example\.org", r"https://b\.example\.org"]),
            r"join them in one: allow_origin_regex="
            r"r'(?:https://a\.example\.org)|(?:https://b\.example\.org)'; "
            f"or {asgi}, which takes a list",
        ),
        (
            "allow_origins",
            "'null'",
            "remove it, or confirm with allow_null_origin=True (allow_null_origin is an "
            f"option of adapters.asgi.CORSMiddleware: {asgi} for it)",
        ),
        (
            "expose_headers",
            "'set-cookie'",
            "remove it (cookies are sent with credentials, not read from headers)",
        ),
    ]
    assert "is an option of adapters.asgi.CORSMiddleware" in info.value.problems[0].problem
    assert caught == []


def test_wildcard_with_credentials_is_refused_in_starlettes_keywords() -> None:
    """starlette reflects every origin then; the drop-in's fix lists origins (its refusal
    of patterns would make the native fix, "patterns are accepted", wrong here)."""
    with pytest.raises(ConfigError) as info:
        DropIn(counting_app, allow_origins=["*", "https://*.example.org"], allow_credentials=True)
    assert [(p.option, p.entry) for p in info.value.problems] == [
        ("allow_origins", "'https://*.example.org'"),
        ("allow_origins", "'*'"),
    ]
    assert info.value.problems[1].fix == (
        "list the trusted origins: allow_origins=['https://app.example.com', ...]; or, if "
        "pages send no cookies (a token API needs none), set allow_credentials=False"
    )
    assert "starlette then reflects" in info.value.problems[1].problem


def test_star_keeps_the_other_entries_unread_as_in_starlette() -> None:
    """With ``"*"`` (no credentials) every origin is allowed, in both: a pattern or an
    upper-case entry next to it widens nothing, and is not refused."""
    config = {"allow_origins": ["*", "https://*.example.org", "https://App.Example.org"]}
    theirs, ours = StarletteCORS(counting_app, **config), DropIn(counting_app, **config)
    for origin in ("https://shop.example.org", "https://evil.example.net"):
        assert trip(theirs, origin).verdict.allowed and trip(ours, origin).verdict.allowed
    # "*" in allow_methods or allow_headers: every name in both, a glob or "delete" beside it too.
    config = {
        "allow_origins": [APP],
        "allow_methods": ["*", "delete"],
        "allow_headers": ["*", "x-*"],
    }
    ours = DropIn(counting_app, **config)
    assert trip(ours, APP, method="DELETE", headers={"X-Token": "1"}).verdict.allowed
    assert trip(StarletteCORS(counting_app, **config), APP, method="DELETE").verdict.allowed


def test_what_starlette_matches_as_written_is_accepted() -> None:
    """Entries the engine reads as written are no refusal: a lower-case extension method
    (sent as written by fetch(); the engine warns), a trailing-dot host, header names in
    any case."""
    config = {
        "allow_origins": ["https://example.com.", "http://[::1]:8000"],
        "allow_methods": ["patch", "PURGE"],
        "allow_headers": ["X-Token", "AUTHORIZATION"],
    }
    with pytest.warns(CORSConfigWarning, match="'patch' is not uppercase"):
        ours = DropIn(counting_app, **config)
    theirs = StarletteCORS(counting_app, **config)
    for origin, options in (
        ("https://example.com.", {"method": "patch", "headers": {"X-Token": "1"}}),
        ("http://[::1]:8000", {"method": "PURGE", "headers": {"Authorization": "t"}}),
    ):
        assert trip(ours, origin, **options).verdict.allowed, origin
        assert trip(theirs, origin, **options).verdict.allowed, origin


def test_the_drop_in_has_starlettes_signature() -> None:
    """The same parameters, in the same order, with the same defaults and kinds (so
    positional arguments land where they did), and nothing else but a catch for misspelt
    names."""
    theirs = list(inspect.signature(StarletteCORS).parameters.values())
    ours = list(inspect.signature(DropIn).parameters.values())
    assert ours[-1].kind is inspect.Parameter.VAR_KEYWORD
    assert [(p.name, p.default, p.kind) for p in ours[:-1]] == [
        (p.name, p.default, p.kind) for p in theirs
    ]
    assert tuple(p.name for p in theirs[1:]) == STARLETTE_KEYWORDS
    assert issubclass(DropIn, OurCORS)
    # Positional, in starlette's order: allow_origins, allow_methods, allow_headers.
    ours_positional = DropIn(counting_app, [APP], ["GET", "PUT"], ["x-token"])
    assert trip(ours_positional, APP, method="PUT", headers={"X-Token": "1"}).verdict.allowed


def test_starlettes_default_allow_headers_allows_the_safelisted_names() -> None:
    """starlette's default (and any empty list) allows the CORS-safelisted names: so does
    the drop-in, as the native middleware's default does. A list you write allows what it
    names, as in the native middleware (stricter than starlette, which adds them)."""
    json_put = {"method": "PUT", "headers": {"Content-Type": "application/json"}}
    for headers in ((), []):
        config = {"allow_origins": [APP], "allow_methods": ["PUT"], "allow_headers": headers}
        assert trip(StarletteCORS(counting_app, **config), APP, **json_put).verdict.allowed
        assert trip(DropIn(counting_app, **config), APP, **json_put).verdict.allowed
    assert trip(DropIn(counting_app, allow_origins=[APP], allow_methods=["PUT"]), APP, **json_put)
    listed = DropIn(counting_app, allow_origins=[APP], allow_methods=["PUT"], allow_headers=["x-a"])
    refused = trip(listed, APP, **json_put)
    assert refused.preflight is not None and refused.preflight.status == 403
    assert not trip(listed, APP, **json_put).verdict.allowed


def test_a_subclass_of_the_drop_in_overriding_a_hook_is_refused() -> None:
    class Narrowed(DropIn):
        def is_allowed_origin(self, origin: str) -> bool:
            return origin != "https://old.example.org"

    with pytest.raises(ConfigError) as info:
        Narrowed(counting_app, **NARROWED)
    (problem,) = info.value.problems
    assert problem.option == "Narrowed.is_allowed_origin"
    assert problem.fix == (
        "use allow_origin_predicate=callable(origin) -> bool instead (allow_origin_predicate "
        "is an option of adapters.asgi.CORSMiddleware: import CORSMiddleware from "
        "adapters.asgi for it)"
    )


# -- the drop-in's oracle: starlette's vocabulary as apps write it, broad readings included --

#: allow_origins entries starlette never matches, and the origins the engine would read
#: each as allowing (the pages the oracle sends most: where a widening would show).
UNMATCHED_ORIGINS: dict[str, tuple[str, ...]] = {
    "https://App.Example.org": ("https://app.example.org",),
    "HTTPS://www.example.com": ("https://www.example.com",),
    "https://app.example.org:443": ("https://app.example.org",),
    "http://localhost:80": ("http://localhost",),
    "https://bücher.example.org": ("https://xn--bcher-kva.example.org",),
    "http://[0:0::1]:8000": ("http://[::1]:8000",),
    "https://*.example.org": ("https://shop.example.org", "https://a.b.example.org"),
    "https://*.example.com": ("https://api.example.com", "https://www.example.com"),
    "http://localhost:*": ("http://localhost:5173", "http://localhost"),
    "https://*.example.org:*": ("https://app.example.org:8443", "https://app-1.example.org"),
}
#: Method names starlette compares as written and fetch() sends upper-cased; and ``patch``,
#: which fetch() sends as written (read as written by the engine too).
UNMATCHED_METHODS = ("delete", "put", "options", "Delete", "pUT", "post", "patch")
#: Header-name globs starlette compares as written, and a request header each covers.
HEADER_GLOBS: dict[str, tuple[str, str]] = {
    "x-*": ("X-Token", "1"),
    "X-*": ("X-Requested-With", "XMLHttpRequest"),
    "x-tok*": ("X-Token", "1"),
    "*-with": ("X-Requested-With", "XMLHttpRequest"),
    "x-requested-.*": ("X-Requested-With", "XMLHttpRequest"),
}


@st.composite
def wide_configurations(draw: st.DrawFn) -> dict[str, Any]:
    """starlette keywords as real apps write them, broad readings included."""
    config = draw(configurations())
    origins = config.get("allow_origins")
    if origins != ["*"] and draw(st.integers(0, 2)) == 0:
        extra = draw(st.lists(st.sampled_from(sorted(UNMATCHED_ORIGINS)), min_size=1, max_size=2))
        config["allow_origins"] = [*(origins or ()), *extra]
    methods = config.get("allow_methods")
    if methods != ["*"] and draw(st.integers(0, 3)) == 0:
        extra = draw(st.lists(st.sampled_from(UNMATCHED_METHODS), min_size=1, max_size=2))
        config["allow_methods"] = [*(methods if methods is not None else ("GET",)), *extra]
    headers = config.get("allow_headers")
    if draw(st.integers(0, 3)) == 0:
        glob = draw(st.sampled_from([*HEADER_GLOBS, "*"]))  # "*": every name, in both
        config["allow_headers"] = [*(headers or ()), glob]
    return config


@st.composite
def wide_examples(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[str, TripOptions]]]:
    """A configuration and pages; among them, one for each broad reading it holds (where
    the native middleware would let the page through and starlette would not)."""
    config = draw(wide_configurations())
    pages = draw(st.lists(trips(config), min_size=4, max_size=8))
    broad = [o for e in config.get("allow_origins", ()) for o in UNMATCHED_ORIGINS.get(e, ())]
    pages += [(origin, {}) for origin in broad]
    likely = likely_origins(config) + broad or ["https://app.example.org"]
    for method in config.get("allow_methods", ()):
        if method in UNMATCHED_METHODS:
            # POST is preflighted only with an unsafe header: a JSON body.
            json = {"Content-Type": "application/json"} if method.upper() == "POST" else {}
            options: TripOptions = {"method": method.upper(), "headers": json}
            pages.append((draw(st.sampled_from(likely)), options))
    for glob in config.get("allow_headers", ()):
        if glob in HEADER_GLOBS:
            name, value = HEADER_GLOBS[glob]
            pages.append((draw(st.sampled_from(likely)), {"headers": {name: value}}))
    return config, pages


def _native_config(config: dict[str, Any]) -> dict[str, Any]:
    """The native middleware's keywords for what the drop-in accepted: the same, but an
    empty ``allow_headers``, which starlette (and the drop-in) reads as its default."""
    return {k: v for k, v in config.items() if not (k == "allow_headers" and not v)}


def test_the_starlette_entry_point_never_widens_access() -> None:
    """The drop-in, given starlette's vocabulary as apps write it (upper-case and
    default-port origins, ``*.`` and ``:*`` pieces, header globs, lower-case methods),
    either refuses the configuration or answers no page more permissively than starlette;
    and what it accepts it answers exactly as the native middleware does."""
    seen: Counter[str] = Counter()

    @settings(
        max_examples=example_count(500, local=250),
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(wide_examples())
    def check(example: tuple[dict[str, Any], list[tuple[str, TripOptions]]]) -> None:
        config, pages = example
        seen["examples"] += 1
        theirs = StarletteCORS(counting_app, **config)
        try:
            ours = DropIn(counting_app, **config)
        except ConfigError:
            seen["refused"] += 1
            try:
                native = OurCORS(counting_app, **config)
            except ConfigError:
                return
            # Refused where the native middleware is not: the broad readings. Does the
            # native middleware widen access for a page? (It is why the drop-in refuses.)
            seen["refused, native accepts"] += 1
            seen["native widens"] += any(
                widening(trip(native, o, **opts), trip(theirs, o, **opts)) for o, opts in pages
            )
            return
        native = OurCORS(counting_app, **_native_config(config))
        found = []
        for origin, options in pages:
            here, there = trip(ours, origin, **options), trip(theirs, origin, **options)
            seen["trips"] += 1
            seen["through ours"] += here.verdict.allowed
            problem = widening(here, there)
            if problem:
                found.append(f"{origin} {options}: {problem}\n  ours: {here.steps}")
            assert here == trip(native, origin, **options), (config, origin, options)
        assert not found, f"CORSMiddleware(app, **{config!r}):\n" + "\n".join(found)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        check()
    # Not vacuous: the broad readings are drawn often, and refused; when they are, the
    # native middleware would have widened access for a page in most cases; the rest is
    # accepted and pages get through.
    assert seen["refused, native accepts"] > seen["examples"] // 3, seen
    assert seen["native widens"] > seen["refused, native accepts"] // 2, seen
    assert seen["examples"] - seen["refused"] > seen["examples"] // 5, seen
    assert seen["through ours"] > seen["trips"] // 6, seen


def test_the_drop_in_refuses_only_what_the_native_middleware_refuses_or_reads_broadly() -> None:
    """Over the first oracle's configurations (written as browsers send, no pattern, no
    glob, upper-case methods), the drop-in accepts exactly what the native middleware
    accepts, and builds the same policy."""
    seen: Counter[str] = Counter()

    @settings(
        max_examples=example_count(400, local=100), derandomize=True, deadline=None, database=None
    )
    @given(configurations())
    def check(config: dict[str, Any]) -> None:
        try:
            native = OurCORS(counting_app, **_native_config(config))
        except ConfigError as exc:
            seen["refused"] += 1
            with pytest.raises(ConfigError) as info:
                DropIn(counting_app, **config)
            # The same entries (a '*' with credentials in starlette's words: see above).
            assert sorted((p.option, p.entry) for p in info.value.problems) == sorted(
                (p.option, p.entry) for p in exc.problems
            )
            return
        ours = DropIn(counting_app, **config)
        assert isinstance(ours.policy, CORSPolicy) and isinstance(native.policy, CORSPolicy)
        assert dict(ours.policy.options) == dict(native.policy.options)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        check()
    assert 0 < seen["refused"] < 200, seen


class _NarrowedStarlette(StarletteCORS):
    def is_allowed_origin(self, origin: str) -> bool:
        return origin != "https://old.example.org" and super().is_allowed_origin(origin)


class _NarrowedOurs(OurCORS):
    """The same subclass with its base switched: the override is never called."""

    def is_allowed_origin(self, origin: str) -> bool:
        return origin != "https://old.example.org"


NARROWED: dict[str, Any] = {
    "allow_origin_regex": r"https://[a-z]+\.example\.org",
    "allow_methods": ["GET", "PUT"],
}


def test_starlette_calls_a_subclass_is_allowed_origin() -> None:
    middleware = _NarrowedStarlette(counting_app, **NARROWED)
    for method in ("GET", "PUT"):  # the actual request and the preflight ask it
        assert trip(middleware, "https://new.example.org", method=method).verdict.allowed
        assert not trip(middleware, "https://old.example.org", method=method).verdict.allowed


def test_a_subclass_narrowing_is_allowed_origin_is_refused_or_kept() -> None:
    """A subclass's starlette hook is never called here: refused at start-up, naming the
    option that does its job, never silently dropped."""
    with pytest.raises(ConfigError) as info:
        _NarrowedOurs(counting_app, **NARROWED)
    (problem,) = info.value.problems
    assert problem.option.endswith(".is_allowed_origin")
    assert "allow_origin_predicate" in problem.fix


# -- what the migration page says starlette does -------------------------------------------

APP = "https://app.example.org"
ACAO = "access-control-allow-origin"


def _headers(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in pairs:
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def _get(middleware: Any, *pairs: tuple[str, str]) -> dict[str, str]:
    return _headers(call_asgi(middleware, "GET", "/items", pairs)[1])


def _preflight(middleware: Any, origin: str, method: str, *more: tuple[str, str]) -> Any:
    pairs = [("origin", origin), ("access-control-request-method", method), *more]
    status, headers, body = call_asgi(middleware, "OPTIONS", "/items", pairs)
    return status, _headers(headers), body


def both(**config: Any) -> tuple[Any, Any]:
    """(starlette's middleware, ours) around the same app with the same keywords."""
    return StarletteCORS(counting_app, **config), OurCORS(counting_app, **config)


def test_starlette_varies_on_origin_on_every_response() -> None:
    """starlette adds ``Vary: Origin`` to every response that is not a preflight answer,
    with or without ``Origin``, even under ``"*"``; ours where the answer depends on it."""
    for config in ({"allow_origins": [APP]}, {"allow_origins": ["*"]}):
        theirs, ours = both(**config)
        for request in ((), (("origin", APP),), (("origin", "https://evil.example.net"),)):
            assert _get(theirs, *request)["vary"] == "Accept-Encoding, Origin", (config, request)
    theirs, ours = both(allow_origins=[APP])
    for request in ((), (("origin", APP),), (("origin", "https://evil.example.net"),)):
        assert _get(ours, *request)["vary"] == "Accept-Encoding, Origin", request
    _, ours = both(allow_origins=["*"])
    for request in ((), (("origin", APP),), (("origin", "https://evil.example.net"),)):
        assert _get(ours, *request)["vary"] == "Accept-Encoding", request


def test_a_wildcard_policy_answers_requests_without_origin() -> None:
    """Ours sends ``Access-Control-Allow-Origin: *`` on every response, Origin or not;
    starlette only when the request has an ``Origin``."""
    theirs, ours = both(allow_origins=["*"])
    assert _get(ours)[ACAO] == "*"
    assert ACAO not in _get(theirs)
    assert _get(ours, ("origin", APP))[ACAO] == _get(theirs, ("origin", APP))[ACAO] == "*"
    # A listed-origin policy answers neither.
    theirs, ours = both(allow_origins=[APP])
    assert ACAO not in _get(ours) and ACAO not in _get(theirs)


def _messages(middleware: Any, scope: dict[str, Any], first: dict[str, Any]) -> list[Any]:
    """What ``middleware`` sends for ``scope``, its first received message ``first``."""
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return first

    async def send(message: Any) -> None:
        sent.append(message)

    drive(middleware(scope, receive, send))
    return sent


async def _app_with_vary(scope: Any, receive: Any, send: Any) -> None:
    headers = [(b"vary", value.encode()) for value in scope["state"]["vary"]]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def test_starlette_appends_origin_to_the_apps_vary() -> None:
    """starlette joins the app's ``Vary`` lines and appends ``Origin`` whatever they say
    (``Origin, Origin``, ``*, Origin``); ours never repeats it nor adds it after ``*``."""
    expected = {
        ("Origin",): ("Origin, Origin", "Origin"),
        ("*",): ("*, Origin", "*"),
        ("Accept-Encoding", "Cookie"): ("Accept-Encoding, Cookie, Origin",) * 2,
    }
    request = {"type": "http.request", "body": b""}
    for lines, (in_theirs, in_ours) in expected.items():
        scope = {
            "type": "http",
            "method": "GET",
            "path": "/",
            "headers": [(b"origin", APP.encode())],
            "state": {"vary": lines},
        }
        for middleware, want in (
            (StarletteCORS(_app_with_vary, allow_origins=[APP]), in_theirs),
            (OurCORS(_app_with_vary, allow_origins=[APP]), in_ours),
        ):
            start = _messages(middleware, scope, request)[0]
            varies = [v.decode() for n, v in start["headers"] if n == b"vary"]
            assert varies == [want], (type(middleware), lines)


def test_starlette_answers_preflights_200_ok_and_refusals_400_with_its_headers() -> None:
    theirs, ours = both(allow_origins=[APP], allow_methods=["GET", "PUT"])
    status, headers, body = _preflight(theirs, APP, "PUT")
    assert (status, body) == (200, b"OK")
    assert headers["vary"] == PREFLIGHT_VARY
    status, headers, body = _preflight(ours, APP, "PUT")
    assert (status, body) == (204, b"")
    assert headers["vary"] == PREFLIGHT_VARY
    refusals = {
        (APP, "DELETE", ()): b"Disallowed CORS method",
        ("https://evil.example.net", "GET", ()): b"Disallowed CORS origin",
        (APP, "GET", (("access-control-request-headers", "x-token"),)): b"Disallowed CORS headers",
        (APP, "GET", (("access-control-request-private-network", "true"),)): (
            b"Disallowed CORS private-network"
        ),
    }
    for (origin, method, more), text in refusals.items():
        status, headers, body = _preflight(theirs, origin, method, *more)
        assert (status, body) == (400, text)
        assert {"access-control-allow-methods", "access-control-max-age"} <= set(headers)
        status, headers, body = _preflight(ours, origin, method, *more)
        assert status == 403 and body.startswith(b"CORS preflight rejected (")
        assert not any(name.startswith("access-control-") for name in headers), headers


def test_starlette_sends_header_names_as_written_and_adds_the_safelisted_ones() -> None:
    config = {"allow_origins": [APP], "allow_headers": ["X-Token"], "expose_headers": ["X-Total"]}
    theirs, ours = both(**config)
    _, headers, _ = _preflight(theirs, APP, "GET", ("access-control-request-headers", "x-token"))
    assert headers["access-control-allow-headers"] == (
        "Accept, Accept-Language, Content-Language, Content-Type, X-Token"
    )
    _, headers, _ = _preflight(ours, APP, "GET", ("access-control-request-headers", "x-token"))
    assert headers["access-control-allow-headers"] == "X-Token"
    for middleware in (theirs, ours):
        assert _get(middleware, ("origin", APP))["access-control-expose-headers"] == "X-Total"
    # The safelisted names starlette adds let a JSON body through a list without them.
    json_put = {"method": "PUT", "headers": {"Content-Type": "application/json"}}
    config = {"allow_origins": [APP], "allow_methods": ["PUT"], "allow_headers": ["x-token"]}
    theirs, ours = both(**config)
    assert trip(theirs, APP, **json_put).verdict.allowed
    refused = trip(ours, APP, **json_put).preflight
    assert refused is not None and refused.status == 403
    assert b"header_not_allowed" in refused.body


def test_starlette_never_matches_entries_ours_refuses() -> None:
    for entry in (
        "https://app.example.org/",
        "https://app.example.org/api",
        "app.example.org",
        " https://app.example.org",
    ):
        assert not trip(StarletteCORS(counting_app, allow_origins=[entry]), APP).verdict.allowed
        with pytest.raises(ConfigError, match=re.escape(repr(entry))):
            OurCORS(counting_app, allow_origins=[entry])


def test_starlette_allows_a_listed_null_ours_asks_for_the_opt_in() -> None:
    assert trip(StarletteCORS(counting_app, allow_origins=["null"]), "null").verdict.allowed
    with pytest.raises(ConfigError, match="allow_null_origin"):
        OurCORS(counting_app, allow_origins=["null"])
    ours = OurCORS(counting_app, allow_origins=["null"], allow_null_origin=True)
    assert trip(ours, "null").verdict.allowed


def test_starlette_reads_a_string_of_origins_as_text() -> None:
    """A string is searched as text: a piece of it matches, and a ``*`` in it allows all."""
    one = StarletteCORS(counting_app, allow_origins="https://app.example.org")
    assert trip(one, "https://app.example.or").verdict.allowed
    star = StarletteCORS(counting_app, allow_origins="https://*.example.org")
    assert trip(star, "https://evil.example.net").verdict.allowed
    for text in ("https://app.example.org", "https://*.example.org"):
        with pytest.raises(ConfigError, match="a string where a list is expected"):
            OurCORS(counting_app, allow_origins=text)


def test_both_match_the_regex_with_fullmatch() -> None:
    theirs, ours = both(allow_origin_regex=r"https://[a-z]+\.example\.org")
    for origin, allowed in (
        ("https://shop.example.org", True),
        ("https://shop.example.org.evil.net", False),
        ("https://a.shop.example.org", False),
    ):
        assert trip(theirs, origin).verdict.allowed is allowed, origin
        assert trip(ours, origin).verdict.allowed is allowed, origin


def test_star_methods_cover_starlettes_all_methods_but_query() -> None:
    assert ALL_METHODS == ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
    theirs, ours = both(allow_origins=[APP], allow_methods=["*"])
    for method in ALL_METHODS:
        assert trip(theirs, APP, method=method).verdict.allowed, method
        assert trip(ours, APP, method=method).verdict.allowed is (method != "QUERY"), method
    _, headers, _ = _preflight(theirs, APP, "PUT")
    assert headers["access-control-allow-methods"] == ", ".join(ALL_METHODS)
    _, headers, _ = _preflight(ours, APP, "PUT")
    assert headers["access-control-allow-methods"] == "PUT"
    _, with_credentials = both(allow_origins=[APP], allow_methods=["*"], allow_credentials=True)
    _, headers, _ = _preflight(with_credentials, APP, "DELETE")
    assert headers["access-control-allow-methods"] == "DELETE"
    # An extension method needs its name, in both.
    assert not trip(theirs, APP, method="PURGE").verdict.allowed
    assert not trip(ours, APP, method="PURGE").verdict.allowed
    # Listed by name, they are allowed: starlette's ALL_METHODS itself, or an extension.
    _, ours = both(allow_origins=[APP], allow_methods=[*ALL_METHODS, "PURGE"])
    for method in (*ALL_METHODS, "PURGE"):
        assert trip(ours, APP, method=method).verdict.allowed, method


def test_starlette_compares_methods_as_written() -> None:
    theirs = StarletteCORS(counting_app, allow_origins=[APP], allow_methods=["put"])
    assert not trip(theirs, APP, method="PUT").verdict.allowed  # fetch() sends put as PUT


def test_star_headers_echo_the_request_in_both() -> None:
    asked = ("access-control-request-headers", "authorization,x-token")
    theirs, ours = both(allow_origins=[APP], allow_headers=["*"], allow_credentials=True)
    for middleware in (theirs, ours):
        _, headers, _ = _preflight(middleware, APP, "GET", asked)
        echoed = headers["access-control-allow-headers"].replace(" ", "").split(",")
        assert echoed == ["authorization", "x-token"], type(middleware)


def test_wildcard_with_credentials_reflects_in_starlette_and_is_refused_by_ours() -> None:
    theirs = StarletteCORS(counting_app, allow_origins=["*"], allow_credentials=True)
    reflected = trip(theirs, "https://evil.example.net", credentials=True)
    assert reflected.verdict.allowed
    with pytest.raises(ConfigError):
        OurCORS(counting_app, allow_origins=["*"], allow_credentials=True)


def test_starlette_reads_the_whole_request_headers_value() -> None:
    """A 200 KB ``Access-Control-Request-Headers`` is read (and echoed) whole by starlette;
    ours refuses it past 4 KiB without reading on."""
    flood = ("access-control-request-headers", "," * 200_000)
    theirs, ours = both(allow_origins=[APP], allow_headers=["*"])
    status, headers, _ = _preflight(theirs, APP, "GET", flood)
    assert status == 200 and len(headers["access-control-allow-headers"]) == 200_000
    status, headers, body = _preflight(ours, APP, "GET", flood)
    assert status == 403 and b"request_headers_too_long" in body


def test_starlette_passes_websockets_through() -> None:
    reached: list[str] = []

    async def ws_app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["type"])

    scope = {
        "type": "websocket",
        "path": "/ws",
        "scheme": "ws",
        "headers": [(b"origin", b"https://evil.example.net"), (b"host", b"api.example.org")],
    }
    connect = {"type": "websocket.connect"}
    assert _messages(StarletteCORS(ws_app, allow_origins=[APP]), scope, connect) == []
    assert reached == ["websocket"]
    ours = OurCORS(ws_app, allow_origins=[APP], websocket_origins=True)
    assert _messages(ours, scope, connect) == [{"type": "websocket.close", "code": 1008}]
    assert reached == ["websocket"]


@pytest.mark.skipif(not HAS_PNA, reason="this starlette has no allow_private_network")
def test_private_network_preflights_in_both() -> None:
    pna = {"private_network": True}
    for allowed in (True, False):
        theirs, ours = both(allow_origins=[APP], allow_private_network=allowed)
        assert trip(theirs, APP, **pna).verdict.allowed is allowed
        assert trip(ours, APP, **pna).verdict.allowed is allowed
        for middleware in (theirs, ours):
            assert "access-control-allow-private-network" not in _get(middleware, ("origin", APP))


def test_max_age_defaults_to_600_in_both() -> None:
    for middleware in both(allow_origins=[APP]):
        assert _preflight(middleware, APP, "GET")[1]["access-control-max-age"] == "600"


# -- starlette's public names and their equivalents ----------------------------------------


def test_starlettes_public_names() -> None:
    """What user code imports from starlette's CORS module, and the hooks it overrides."""
    public = {
        name
        for name, value in vars(starlette_cors).items()
        if not name.startswith("_") and getattr(value, "__module__", "") == starlette_cors.__name__
    }
    assert public == {"CORSMiddleware"}
    assert {"ALL_METHODS", "SAFELISTED_HEADERS"} <= set(vars(starlette_cors))
    hooks = {n for n, v in vars(StarletteCORS).items() if not n.startswith("_") and callable(v)}
    assert hooks == {
        "is_allowed_origin",
        "preflight_response",
        "simple_response",
        "send",
        "allow_explicit_origin",
    }


def test_the_equivalents_of_starlettes_names() -> None:
    # CORSMiddleware: the same keywords.
    from adapters.asgi import CORSMiddleware

    keywords = set(inspect.signature(StarletteCORS).parameters) - {"app"}
    assert keywords <= set(inspect.signature(CORSPolicy).parameters)
    policy = CORSPolicy(allow_origins=[APP])
    middleware = CORSMiddleware(counting_app, policy=policy)
    assert middleware.policy is policy
    # ALL_METHODS: allow_methods=["*"] covers them but QUERY (see the test above).
    # SAFELISTED_HEADERS: ours' default allow_headers, lower-case.
    default = inspect.signature(CORSPolicy).parameters["allow_headers"].default
    assert tuple(default) == tuple(sorted(h.lower() for h in SAFELISTED_HEADERS))
    # is_allowed_origin: allow_origin_predicate adds origins; policy.decide asks.
    partners = CORSPolicy(
        allow_origins=[APP], allow_origin_predicate=lambda o: o.endswith(".partner.example")
    )
    assert partners.decide("GET", "https://eu.partner.example").allowed
    assert partners.decide("GET", APP).allowed
    assert not partners.decide("GET", "https://evil.example.net").allowed
    # preflight_response: policy.preflight answers one; preflight_status and debug shape it.
    answer = policy.preflight(APP, "GET")
    assert answer.status == 204 and answer.allowed
    assert CORSPolicy(allow_origins=[APP], preflight_status=200).preflight(APP, "GET").status == 200
    refused = CORSPolicy(allow_origins=[APP], debug=True).preflight(APP, "PUT")
    assert refused.status == 403 and "X-CORS-Reason" in dict(refused.headers)
    # simple_response / send: the headers an actual response gets.
    assert dict(policy.decide("GET", APP).headers) == {"Access-Control-Allow-Origin": APP}
    # The attributes (allow_origins, allow_credentials, ...): policy.options.
    assert policy.options["allow_origins"] == [APP]
    assert policy.allow_credentials is False


def test_the_page_names_only_tests_that_exist() -> None:
    page = PAGE.read_text(encoding="utf-8")
    cited = set(re.findall(r"`(test_\w+)`", page))
    here = {name for name in globals() if name.startswith("test_")}
    from tests.integration import test_starlette_peer_examples as examples_module

    there = {name for name in vars(examples_module) if name.startswith("test_")}
    assert cited, "the page names the tests that hold it"
    assert cited <= here | there, cited - here - there
