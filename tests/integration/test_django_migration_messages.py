"""Migrating from django-cors-headers: what a project meets, in its own words.

- every error when the middleware loads names the ``CORS_*`` setting the project wrote,
  and its fix is written in settings (``CORS_ALLOWED_ORIGINS = [...]``), as
  ``manage.py check`` says it;
- values django-cors-headers reads more narrowly are refused at start-up, with what to
  write instead (migrating never widens access);
- each django-cors-headers check id has its equivalent here, and a
  ``SILENCED_SYSTEM_CHECKS`` entry naming one gets a warning naming ours;
- every public name a project imports from django-cors-headers has an equivalent;
- a view's mark takes effect whichever project a process served before.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import corsheaders.checks
import corsheaders.middleware
import pytest
from corsheaders.defaults import default_headers, default_methods
from django.core.checks import Error, Warning, run_checks
from django.test import Client

from adapters.django import CORSMiddleware
from adapters.django.checks import PEER_CHECK_IDS, check_cors_settings
from cors_core import ConfigError
from tests.integration.conftest import ROOT
from tests.integration.django_support import cors_settings

pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")

APP = "https://app.example.com"
PROJECT: dict[str, Any] = {
    "ROOT_URLCONF": "tests.integration.django_oracle_urls",
    "ALLOWED_HOSTS": ["testserver"],
    "MIDDLEWARE": ["adapters.django.CORSMiddleware"],
    "DEBUG": False,
}
TRUSTED = 'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]'
HEADERS_EXAMPLE = 'CORS_ALLOW_HEADERS = [*DEFAULT_HEADERS, "x-my-header"]'


def refusal(**changes: Any) -> list[str]:
    """Each problem of the ConfigError the middleware raises when it loads."""
    with cors_settings(PROJECT, **changes), pytest.raises(ConfigError) as refused:
        Client().get("/api/items/", headers={"Origin": APP})
    return [str(problem) for problem in refused.value.problems]


def check_messages(**changes: Any) -> list[tuple[str, str, str | None]]:
    with cors_settings(PROJECT, **changes):
        found = run_checks()
    return [(m.id, m.msg, m.hint) for m in found if m.id.startswith("cors_core")]


# -- errors at load time, in the settings' words --------------------------------------------

STAR_WITH_CREDENTIALS = (
    "{name}: True allows every origin together with CORS_ALLOW_CREDENTIALS = True, so any "
    "website can read your users' authenticated responses; fix: list the trusted origins "
    f"instead of {{name}}: {TRUSTED}; or, if pages send no cookies (a token API needs "
    "none), set CORS_ALLOW_CREDENTIALS = False"
)

LOAD_ERRORS = [
    pytest.param(
        {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True},
        STAR_WITH_CREDENTIALS.format(name="CORS_ALLOW_ALL_ORIGINS"),
        id="every origin with credentials",
    ),
    pytest.param(
        {"CORS_ORIGIN_ALLOW_ALL": True, "CORS_ALLOW_CREDENTIALS": True},
        STAR_WITH_CREDENTIALS.format(name="CORS_ORIGIN_ALLOW_ALL"),
        id="every origin with credentials, old name",
    ),
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": [APP], "CORS_PREFLIGHT_MAX_AGE": 100000},
        "CORS_PREFLIGHT_MAX_AGE: 100000 is absurd: browsers cap it (Chromium at 7200 s, "
        "Firefox at 86400 s); fix: write CORS_PREFLIGHT_MAX_AGE = 86400 or less (the "
        "default; Chromium caches a preflight for 7200 s at most, Firefox for 86400 s)",
        id="max age",
    ),
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": [f"{APP}/"]},
        f"CORS_ALLOWED_ORIGINS: '{APP}/' has a trailing slash; fix: write '{APP}' (browsers "
        "send origins without any path)",
        id="trailing slash",
    ),
    pytest.param(
        {"CORS_ORIGIN_WHITELIST": [APP, "null"]},
        "CORS_ORIGIN_WHITELIST: 'null' allows the opaque origin sent by sandboxed iframes, "
        "file:// pages and redirects: any site can produce it; fix: remove it, or confirm "
        "with CORS_OPTIONS = {'allow_null_origin': True}",
        id="null origin",
    ),
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": APP},
        f"CORS_ALLOWED_ORIGINS: '{APP}' is a string where a list is expected (a string is "
        f"matched character by character); fix: write CORS_ALLOWED_ORIGINS = ['{APP}'] (or "
        "CORS_ALLOW_ALL_ORIGINS = True)",
        id="a string of origins",
    ),
    pytest.param(
        {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_PRIVATE_NETWORK": True},
        "CORS_ALLOW_PRIVATE_NETWORK: True is set together with CORS_ALLOW_ALL_ORIGINS = True: "
        "every public website could then reach this private-network server (router, "
        "intranet, localhost service) from its visitors' browsers and read the responses; "
        "fix: list the origins allowed to reach it instead of CORS_ALLOW_ALL_ORIGINS: "
        f"{TRUSTED}; or set CORS_ALLOW_PRIVATE_NETWORK = False",
        id="private network with every origin",
    ),
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": [APP], "CORS_ALLOW_CREDENTIALS": "yes"},
        "CORS_ALLOW_CREDENTIALS: 'yes' is not a bool; fix: write CORS_ALLOW_CREDENTIALS = True "
        "or False",
        id="credentials not a bool",
    ),
]


@pytest.mark.parametrize(("changes", "text"), LOAD_ERRORS)
def test_load_errors_speak_in_settings(changes: dict[str, Any], text: str) -> None:
    assert refusal(**changes) == [text]
    setting, _, rest = text.partition(": ")
    message, _, hint = rest.partition("; fix: ")
    said = [(m, h) for _, m, h in check_messages(**changes)]
    assert said == [(f"{setting}: {message}", hint)], "manage.py check says the same"


def test_no_load_error_names_an_engine_option() -> None:
    engine_words = re.compile(r"(?<![\w'])(allow_\w+|expose_headers|max_age)\b(?!')")
    for param in LOAD_ERRORS:
        (text,) = refusal(**param.values[0])
        assert not engine_words.search(text.replace("'allow_null_origin'", "")), text


def test_the_longest_max_age_accepted_is_the_one_the_fix_names() -> None:
    with cors_settings(PROJECT, CORS_ALLOWED_ORIGINS=[APP], CORS_PREFLIGHT_MAX_AGE=86400):
        preflight = Client().options(
            "/api/items/",
            headers={"Origin": APP, "Access-Control-Request-Method": "PUT"},
        )
    assert preflight["Access-Control-Max-Age"] == "86400"
    (text,) = refusal(CORS_ALLOWED_ORIGINS=[APP], CORS_PREFLIGHT_MAX_AGE=86401)
    assert "CORS_PREFLIGHT_MAX_AGE = 86400 or less" in text


def test_warnings_speak_in_settings_too() -> None:
    messages = check_messages(
        CORS_ALLOWED_ORIGINS=["http://app.example.com"], CORS_ALLOW_CREDENTIALS=True
    )
    assert messages == [
        (
            "cors_core.W001",
            "CORS_ALLOWED_ORIGINS: 'http://app.example.com' is plain http with credentials: "
            "a network attacker can impersonate it",
            "use https",
        )
    ]


# -- what django-cors-headers reads more narrowly ------------------------------------------

NARROWER = [
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": [APP, "*"]},
        "CORS_ALLOWED_ORIGINS: '*' is no origin: django-cors-headers compares each entry with "
        "the request's origin, so it allowed none, where '*' here would allow every origin; "
        "fix: write CORS_ALLOW_ALL_ORIGINS = True to allow every origin, or list the origins",
        id="star in the list",
    ),
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": "*"},
        "CORS_ALLOWED_ORIGINS: '*' is no origin: django-cors-headers compares each entry with "
        "the request's origin, so it allowed none, where '*' here would allow every origin; "
        "fix: write CORS_ALLOW_ALL_ORIGINS = True to allow every origin, or list the origins",
        id="star as the setting",
    ),
    pytest.param(
        {"CORS_ORIGIN_WHITELIST": ["https://*.example.com"]},
        "CORS_ORIGIN_WHITELIST: 'https://*.example.com' is a pattern, which "
        "django-cors-headers compares as written (so it never matched), where here it would "
        "match every such origin; fix: to allow them, write CORS_ALLOWED_ORIGIN_REGEXES = "
        r'[r"^https://[a-z0-9-]+\.example\.com$"]',
        id="subdomain pattern",
    ),
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": ["http://localhost:*"]},
        "CORS_ALLOWED_ORIGINS: 'http://localhost:*' is a pattern, which django-cors-headers "
        "compares as written (so it never matched), where here it would match every such "
        r'origin; fix: to allow them, write CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://localhost:\d+$"]',
        id="port pattern",
    ),
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": ["https://App.Example.com"]},
        "CORS_ALLOWED_ORIGINS: 'https://App.Example.com' is not written as browsers send "
        "origins, so django-cors-headers (which compares it as written) never matched it, "
        f"where here it would match; fix: write '{APP}'",
        id="upper-case host",
    ),
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": [f"{APP}:443"]},
        f"CORS_ALLOWED_ORIGINS: '{APP}:443' is not written as browsers send origins, so "
        "django-cors-headers (which compares it as written) never matched it, where here it "
        f"would match; fix: write '{APP}'",
        id="default port",
    ),
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": [APP], "CORS_ALLOW_CREDENTIALS": True, "CORS_ALLOW_METHODS": "*"},
        "CORS_ALLOW_METHODS: '*' is sent as is by django-cors-headers, and browsers ignore '*' "
        "on requests with credentials (CORS_ALLOW_CREDENTIALS = True), where here it would "
        'allow every method; fix: list the methods: CORS_ALLOW_METHODS = ["DELETE", "GET", '
        '"PATCH", "POST", "PUT"]',
        id="every method with credentials",
    ),
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": [APP], "CORS_ALLOW_METHODS": ["GET", "put"]},
        "CORS_ALLOW_METHODS: 'put' never matched in django-cors-headers: fetch() sends it as "
        "'PUT' and browsers compare methods case-sensitively, where here it would match; fix: "
        "write 'PUT'",
        id="lower-case method",
    ),
    pytest.param(
        {
            "CORS_ALLOWED_ORIGINS": [APP],
            "CORS_ALLOW_CREDENTIALS": True,
            "CORS_ALLOW_HEADERS": ["*"],
        },
        "CORS_ALLOW_HEADERS: '*' is sent as is by django-cors-headers, and browsers ignore '*' "
        "on requests with credentials (CORS_ALLOW_CREDENTIALS = True), where here it would "
        f"allow every header; fix: list the header names pages send: {HEADERS_EXAMPLE}",
        id="every header with credentials",
    ),
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": [APP], "CORS_ALLOW_HEADERS": "*"},
        "CORS_ALLOW_HEADERS: '*' is sent as is by django-cors-headers, and browsers never let "
        "'*' cover Authorization, where here it would allow every header, Authorization "
        f"included; fix: list the header names pages send ({HEADERS_EXAMPLE}), or list "
        '"authorization" next to "*" to allow it too',
        id="every header but authorization",
    ),
    pytest.param(
        {"CORS_ALLOWED_ORIGINS": [APP], "CORS_ALLOW_HEADERS": ["content-type", "x-company-*"]},
        "CORS_ALLOW_HEADERS: 'x-company-*' is sent as is by django-cors-headers and browsers "
        "compare header names literally (so it never allowed a header), where here it would "
        f"be a pattern; fix: list the header names pages send: {HEADERS_EXAMPLE}",
        id="header glob",
    ),
]


@pytest.mark.parametrize(("changes", "text"), NARROWER)
def test_what_django_cors_headers_reads_narrowly_is_refused(
    changes: dict[str, Any], text: str
) -> None:
    assert refusal(**changes) == [text]
    assert [m[0] for m in check_messages(**changes)] == [
        "cors_core.E003"
        if "METHODS" in text[:20]
        else "cors_core.E004"
        if "HEADERS" in text[:20]
        else "cors_core.E001"
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"CORS_ALLOW_METHODS": "*"},  # without credentials '*' means every method there too
        {"CORS_ALLOW_HEADERS": ["*", "authorization"]},
        {"CORS_ALLOWED_ORIGINS": ["HTTPS://app.example.com"]},  # the scheme is compared lowered
        {"CORS_ALLOW_METHODS": ["get", "post"]},  # never preflighted
    ],
)
def test_what_means_the_same_there_is_accepted(changes: dict[str, Any]) -> None:
    changes = {"CORS_ALLOWED_ORIGINS": [APP], **changes}
    assert [m for m in check_messages(**changes) if m[0].startswith("cors_core.E")] == []


def test_other_entries_are_still_checked_next_to_a_refused_one() -> None:
    assert refusal(CORS_ALLOWED_ORIGINS=["*", f"{APP}/"]) == [
        "CORS_ALLOWED_ORIGINS: '*' is no origin: django-cors-headers compares each entry with "
        "the request's origin, so it allowed none, where '*' here would allow every origin; "
        "fix: write CORS_ALLOW_ALL_ORIGINS = True to allow every origin, or list the origins",
        f"CORS_ALLOWED_ORIGINS: '{APP}/' has a trailing slash; fix: write '{APP}' (browsers "
        "send origins without any path)",
    ]


# -- check ids ------------------------------------------------------------------------------

#: For each django-cors-headers id its installed version reports: settings that make it.
PEER_TRIGGERS: dict[str, dict[str, Any]] = {
    "corsheaders.E001": {"CORS_ALLOW_HEADERS": 5},
    "corsheaders.E002": {"CORS_ALLOW_METHODS": 5},
    "corsheaders.E003": {"CORS_ALLOW_CREDENTIALS": "yes"},
    "corsheaders.E004": {"CORS_PREFLIGHT_MAX_AGE": -1},
    "corsheaders.E005": {"CORS_ALLOW_ALL_ORIGINS": "yes"},
    "corsheaders.E006": {"CORS_ALLOWED_ORIGINS": 5},
    "corsheaders.E007": {"CORS_ALLOWED_ORIGIN_REGEXES": 5},
    "corsheaders.E008": {"CORS_EXPOSE_HEADERS": 5},
    "corsheaders.E009": {"CORS_URLS_REGEX": 5},
    "corsheaders.E012": {"CORS_MODEL": "app.Origin"},
    "corsheaders.E013": {"CORS_ALLOWED_ORIGINS": ["app.example.com"]},
    "corsheaders.E014": {"CORS_ALLOWED_ORIGINS": [f"{APP}/api"]},
    "corsheaders.E015": {"CORS_ALLOW_PRIVATE_NETWORK": "yes"},
}


def test_every_check_id_of_django_cors_headers_has_an_equivalent() -> None:
    source = Path(corsheaders.checks.__file__).read_text()
    assert set(re.findall(r"corsheaders\.E\d{3}", source)) <= set(PEER_CHECK_IDS)
    assert set(PEER_TRIGGERS) == set(re.findall(r"corsheaders\.E\d{3}", source))


@pytest.mark.parametrize("peer_id", sorted(PEER_TRIGGERS))
def test_the_same_setting_gets_the_equivalent_id(peer_id: str) -> None:
    changes = {"CORS_ALLOWED_ORIGINS": [APP], **PEER_TRIGGERS[peer_id]}
    with cors_settings(PROJECT, **changes):
        theirs = {m.id for m in corsheaders.checks.check_settings()}
        ours = {m.id for m in check_cors_settings() if isinstance(m, Error)}
    assert peer_id in theirs
    assert ours & set(PEER_CHECK_IDS[peer_id]), (ours, PEER_CHECK_IDS[peer_id])


def test_a_non_bool_allow_all_origins_is_e001() -> None:
    assert check_messages(CORS_ALLOW_ALL_ORIGINS="yes") == [
        (
            "cors_core.E001",
            "CORS_ALLOW_ALL_ORIGINS: 'yes' is not a bool",
            "write CORS_ALLOW_ALL_ORIGINS = True",
        )
    ]


def test_a_silenced_django_cors_headers_check_gets_a_warning() -> None:
    silenced = ["corsheaders.E013", "corsheaders.E099", "security.W004"]
    with cors_settings(PROJECT, CORS_ALLOWED_ORIGINS=[APP], SILENCED_SYSTEM_CHECKS=silenced):
        found = [m for m in check_cors_settings() if isinstance(m, Warning)]
    assert [(m.id, m.msg, m.hint) for m in found] == [
        (
            "cors_core.W015",
            "SILENCED_SYSTEM_CHECKS names 'corsheaders.E013', a django-cors-headers check id, "
            "which silences none of this adapter's checks",
            "silence 'cors_core.E001' or 'cors_core.E012' instead, its equivalent here (or "
            "remove the entry)",
        ),
        (
            "cors_core.W015",
            "SILENCED_SYSTEM_CHECKS names 'corsheaders.E099', a django-cors-headers check id, "
            "which silences none of this adapter's checks",
            "remove it: django-cors-headers has no check with that id",
        ),
    ]


def test_the_django_page_maps_every_check_id() -> None:
    page = (ROOT / "docs" / "django.md").read_text()
    for peer_id, ours in PEER_CHECK_IDS.items():
        row = next((line for line in page.splitlines() if f"`{peer_id}`" in line), None)
        assert row is not None, peer_id
        assert all(f"`{i}`" in row for i in ours), row
    assert "`cors_core.W015`" in page


# -- public names ---------------------------------------------------------------------------

#: Each name a project imports from django-cors-headers, and its equivalent here.
EQUIVALENTS = {
    "corsheaders.defaults.default_headers": "adapters.django.defaults.default_headers",
    "corsheaders.defaults.default_methods": "adapters.django.defaults.default_methods",
    "corsheaders.signals.check_request_enabled": "adapters.django.signals.check_request_enabled",
    "corsheaders.middleware.CorsMiddleware": "adapters.django.middleware.CorsMiddleware",
    "corsheaders.conf.conf": "adapters.django.conf.conf",
    "corsheaders.conf.Settings": "adapters.django.conf.Settings",
    "corsheaders.checks.check_settings": "adapters.django.checks.check_settings",
    "corsheaders.apps.CorsHeadersAppConfig": "adapters.django.apps.CORSCoreConfig",
    **{
        f"corsheaders.middleware.{name}": f"adapters.django.middleware.{name}"
        for name in vars(corsheaders.middleware)
        if name.startswith("ACCESS_CONTROL_")
    },
}


def _load(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize(("theirs", "ours"), sorted(EQUIVALENTS.items()))
def test_every_public_name_has_an_equivalent(theirs: str, ours: str) -> None:
    peer, mine = _load(theirs), _load(ours)
    if isinstance(peer, str | tuple):
        assert mine == peer
    page = (ROOT / "docs" / "migrate-django-cors-headers.md").read_text()
    assert f"| `{theirs}` | `{ours}` |" in page, "the migration page lists it"


def test_the_defaults_are_django_cors_headers_own() -> None:
    from adapters.django import DEFAULT_HEADERS, DEFAULT_METHODS

    assert default_headers == DEFAULT_HEADERS
    assert default_methods == DEFAULT_METHODS


def test_a_subclass_written_for_django_cors_headers_is_refused() -> None:
    class Legacy(CORSMiddleware):
        def origin_found_in_white_lists(self, origin: str, url: Any) -> bool:
            return origin.endswith(".partner.example")

    with pytest.raises(ConfigError) as refused:
        Legacy(lambda request: None)
    assert [str(p) for p in refused.value.problems] == [
        f"{Legacy.__qualname__}.origin_found_in_white_lists overrides a django-cors-headers "
        "method this middleware never calls; fix: connect a receiver to "
        "adapters.django.signals.check_request_enabled"
    ]


# -- a project's only mark, whatever ran before ---------------------------------------------

MARKS_SCRIPT = """
import sys
import tests.integration.conftest
from django.test import Client
from tests.integration.django_support import cors_settings

def serve(urlconf, path, origin):
    project = {"ROOT_URLCONF": urlconf, "ALLOWED_HOSTS": ["testserver"],
               "MIDDLEWARE": ["adapters.django.CORSMiddleware"]}
    with cors_settings(project, CORS_ALLOWED_ORIGINS=["https://app.example.com"]):
        got = Client().get(path, headers={"Origin": origin})
        return got.get("Access-Control-Allow-Origin")

runs = {
    "plain": ("tests.integration.django_oracle_urls", "/api/items/", "https://app.example.com"),
    "no_cors": ("tests.integration.django_oracle_no_cors_urls", "/api/reindex/",
                "https://app.example.com"),
    "cross_origin": ("tests.integration.django_oracle_cross_origin_urls", "/api/stats/",
                     "https://stats.example"),
}
print([serve(*runs[name]) for name in sys.argv[1:]])
"""


@pytest.mark.parametrize("mark", ["no_cors", "cross_origin"])
def test_a_projects_only_mark_takes_effect_whatever_ran_before(mark: str) -> None:
    """In a fresh process, so that the marked URLconf is first imported by the run."""
    expected = {"plain": "https://app.example.com", "no_cors": None}
    expected["cross_origin"] = "https://stats.example"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for order in (["plain", mark], [mark, "plain"]):
        done = subprocess.run(
            [sys.executable, "-W", "ignore", "-c", MARKS_SCRIPT, *order],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == repr([expected[name] for name in order]), order


def test_a_project_without_marks_never_resolves_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    import adapters.django.middleware as middleware
    import tests.integration.django_oracle_no_cors_urls  # noqa: F401  (a mark elsewhere)

    resolved: list[str] = []
    real = middleware.resolve
    monkeypatch.setattr(middleware, "resolve", lambda *a: resolved.append(a[0]) or real(*a))
    with cors_settings(PROJECT, CORS_ALLOWED_ORIGINS=[APP]):
        client = Client()
        for _ in range(3):
            client.options(
                "/api/items/", headers={"Origin": APP, "Access-Control-Request-Method": "PUT"}
            )
    assert resolved == []
