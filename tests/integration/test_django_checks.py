"""System checks: misspelt, foreign and obsolete ``CORS_*`` settings are never silent.

Every unknown ``CORS_*`` setting is an error with the closest real name
(``cors_core.E011``), every setting django-cors-headers dropped an error naming what
replaced it (``cors_core.E012``); django-cors-headers' old names that still work there are
aliases here too. ``manage.py check`` fails on them, and the middleware refuses to start.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import corsheaders.signals
import pytest
from django.core.checks import Error, Warning, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from adapters.django import CORSMiddleware, load_config
from adapters.django.conf import KNOWN_SETTINGS, OBSOLETE_SETTINGS, unknown_settings
from cors_core import ConfigError, CORSPolicy, Problem
from cors_core.testing import cors_trip
from tests.integration.conftest import DJANGO_PROJECT, ROOT
from tests.integration.django_support import BASE, DELETE, FRONT, cors_settings

pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")

#: The example's settings without its doubtful header names: no message at all.
CLEAN: dict[str, Any] = {**BASE, "CORS_ALLOW_HEADERS": ("content-type", "x-csrftoken")}


def cors_messages(**changes: Any) -> list[tuple[type, str, str, str | None]]:
    with cors_settings(CLEAN, **changes):
        found = run_checks()
    return [(type(m), m.id, m.msg, m.hint) for m in found if m.id.startswith("cors_core")]


@pytest.fixture
def clean() -> Iterator[None]:
    with cors_settings(CLEAN):
        yield


def test_a_clean_configuration_has_no_message() -> None:
    assert cors_messages() == []


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("CORS_ALLOWED_ORIGNS", "CORS_ALLOWED_ORIGINS"),  # a typo
        ("CORS_ALLOW_ORIGINS", "CORS_ALLOWED_ORIGINS"),  # the Flask adapter's (starlette's) name
        ("CORS_ORIGINS", "CORS_ALLOWED_ORIGINS"),  # flask-cors
        ("CORS_SUPPORTS_CREDENTIALS", "CORS_ALLOW_CREDENTIALS"),  # flask-cors
        ("CORS_MAX_AGE", "CORS_PREFLIGHT_MAX_AGE"),  # flask-cors, and the engine's option
        ("CORS_ALLOW_ORIGIN_REGEX", "CORS_ALLOWED_ORIGIN_REGEXES"),  # starlette
        ("CORS_ORIGIN_WHITELIST_REGEX", "CORS_ALLOWED_ORIGIN_REGEXES"),  # a changelog's typo
        ("CORS_ALLOW_HEADER", "CORS_ALLOW_HEADERS"),
        ("CORS_EXPOSED_HEADERS", "CORS_EXPOSE_HEADERS"),
        ("CORS_ALLOW_CREDENTIAL", "CORS_ALLOW_CREDENTIALS"),
        ("CORS_URL_REGEX", "CORS_URLS_REGEX"),
        ("CORS_ORIGIN_REGEX_WHITELISTS", "CORS_ORIGIN_REGEX_WHITELIST"),
    ],
)
def test_unknown_settings_are_errors_with_the_closest_name(name: str, meant: str) -> None:
    assert cors_messages(**{name: ["x"]}) == [
        (Error, "cors_core.E011", f"{name} is not a CORS setting", f"did you mean {meant!r}?"),
    ]


def test_an_unknown_setting_without_a_close_name() -> None:
    assert cors_messages(CORS_ZEBRA=1) == [
        (
            Error,
            "cors_core.E011",
            "CORS_ZEBRA is not a CORS setting",
            "remove it (see the CORS_* settings)",
        ),
    ]


def test_obsolete_settings_name_what_replaced_them() -> None:
    messages = cors_messages(
        CORS_MODEL="myapp.Origin", CORS_REPLACE_HTTPS_REFERER=True, CORS_URLS_ALLOW_ALL_REGEX=()
    )
    assert messages == [
        (
            Error,
            "cors_core.E012",
            "CORS_MODEL was removed in django-cors-headers 3.0",
            "connect a receiver to adapters.django.signals.check_request_enabled that looks "
            "the origin up in your model",
        ),
        (
            Error,
            "cors_core.E012",
            "CORS_REPLACE_HTTPS_REFERER was removed in django-cors-headers 4.0 "
            "(with CorsPostCsrfMiddleware)",
            "list the front-end origins in CSRF_TRUSTED_ORIGINS",
        ),
        (
            Error,
            "cors_core.E012",
            "CORS_URLS_ALLOW_ALL_REGEX was removed from django-cors-headers before 1.0",
            "put @cross_origin(allow_origins=['*']) on those views, or set CORS_POLICY to a "
            "PathRules with a CORSPolicy(allow_origins=['*']) for those paths",
        ),
    ]


def test_old_names_django_cors_headers_still_reads_are_aliases() -> None:
    assert {"CORS_ORIGIN_WHITELIST", "CORS_ORIGIN_REGEX_WHITELIST", "CORS_ORIGIN_ALLOW_ALL"} < (
        KNOWN_SETTINGS
    )
    old = {
        "CORS_ORIGIN_WHITELIST": ["https://a.example"],
        "CORS_ORIGIN_REGEX_WHITELIST": [r"https://\w+\.b\.example"],
        "CORS_ALLOW_CREDENTIALS": False,
    }
    assert cors_messages(**old) == []
    with cors_settings(CLEAN, **old):
        client = Client()
        assert cors_trip(client, "/api/todos/", origin="https://a.example").verdict.code == "ok"
        assert cors_trip(client, "/api/todos/", origin="https://x.b.example").verdict.code == "ok"
    everyone = {"CORS_ORIGIN_WHITELIST": DELETE, "CORS_ORIGIN_ALLOW_ALL": True}
    assert cors_messages(**everyone, CORS_ALLOW_CREDENTIALS=False) == []
    with cors_settings(CLEAN, **everyone, CORS_ALLOW_CREDENTIALS=False):
        got = Client().get("/api/todos/", headers={"Origin": "https://z.example"})
    assert got["Access-Control-Allow-Origin"] == "*"


def test_every_obsolete_name_is_in_the_table() -> None:
    assert set(OBSOLETE_SETTINGS) == {
        "CORS_MODEL",
        "CORS_REPLACE_HTTPS_REFERER",
        "CORS_URLS_ALLOW_ALL_REGEX",
    }
    assert not KNOWN_SETTINGS & set(OBSOLETE_SETTINGS)


def test_manage_py_check_command_fails_with_the_exact_messages() -> None:
    with (
        cors_settings(CLEAN, CORS_ALLOWED_ORIGNS=["https://a.example"], CORS_MODEL="app.Origin"),
        pytest.raises(SystemCheckError) as failed,
    ):
        call_command("check")
    text = str(failed.value)
    assert "?: (cors_core.E011) CORS_ALLOWED_ORIGNS is not a CORS setting\n" in text
    assert "\tHINT: did you mean 'CORS_ALLOWED_ORIGINS'?\n" in text
    assert "?: (cors_core.E012) CORS_MODEL was removed in django-cors-headers 3.0\n" in text
    assert "System check identified 2 issues (0 silenced)." in text


def test_the_middleware_refuses_to_start_with_them() -> None:
    with cors_settings(CLEAN, CORS_ALLOW_ORIGINS=[FRONT], CORS_MODEL="app.Origin"):
        with pytest.raises(ConfigError) as refused:
            CORSMiddleware(lambda request: None)
        assert load_config(check_names=False).policy is not None
    assert refused.value.problems == (
        Problem(
            "CORS_ALLOW_ORIGINS",
            "",
            "is not a CORS setting",
            "did you mean 'CORS_ALLOWED_ORIGINS'?",
        ),
        Problem("CORS_MODEL", "", *OBSOLETE_SETTINGS["CORS_MODEL"]),
    )
    assert str(refused.value).splitlines()[1] == (
        "  - CORS_ALLOW_ORIGINS is not a CORS setting; fix: did you mean 'CORS_ALLOWED_ORIGINS'?"
    )


def test_unknown_settings_reads_any_settings_object() -> None:
    from types import SimpleNamespace

    found = unknown_settings(SimpleNamespace(CORS_ORIGINS=[], CORS_POLICY=None, DEBUG=True))
    assert [p.option for p in found] == ["CORS_ORIGINS"]


# ------------------------------------------------------------- errors and warnings


def test_warnings_are_structured_and_keep_their_setting_names() -> None:
    messages = cors_messages(
        CORS_ORIGIN_WHITELIST=["http://app.example.com"],  # plain http with credentials
        CORS_ALLOW_HEADERS=["content-type", "cookie"],
        CORS_ALLOW_METHODS=["GET", "patch"],
    )
    assert [(kind, mid) for kind, mid, _, _ in messages] == [
        (Warning, "cors_core.W001"),
        (Warning, "cors_core.W003"),
        (Warning, "cors_core.W004"),
    ]
    assert messages[0][2].startswith("CORS_ORIGIN_WHITELIST: 'http://app.example.com' ")
    assert messages[1][2].startswith("CORS_ALLOW_METHODS: 'patch' is not uppercase")
    assert messages[1][3] == "write 'PATCH'"
    assert messages[2][2] == (
        "CORS_ALLOW_HEADERS: 'cookie' is a header browsers never let a page send, "
        "so allowing it has no effect"
    )


def test_strict_turns_the_warnings_into_errors() -> None:
    messages = cors_messages(
        CORS_ALLOW_HEADERS=["content-type", "cookie"], CORS_OPTIONS={"strict": True}
    )
    assert [(kind, mid) for kind, mid, _, _ in messages] == [(Error, "cors_core.E004")]


def test_every_error_at_once_then_the_warnings() -> None:
    broken = {
        "CORS_ALLOW_HEADERS": ["content-type", "cookie"],
        "CORS_PREFLIGHT_MAX_AGE": -1,
        "CORS_URLS_REGEX": "^/api/(",
        "CORS_ALLOWD_METHODS": ["GET"],
    }
    assert [mid for _, mid, _, _ in cors_messages(**broken)] == [
        "cors_core.E011",
        "cors_core.E008",
        "cors_core.E006",
    ]
    # A configuration with errors is not built, so its warnings come once they are fixed.
    fixed = {"CORS_ALLOW_HEADERS": broken["CORS_ALLOW_HEADERS"]}
    assert [mid for _, mid, _, _ in cors_messages(**fixed)] == ["cors_core.W004"]


def test_a_cors_policy_setting_is_checked_too() -> None:
    names = {"CORS_ORIGIN_WHITELIST": DELETE, "CORS_ALLOW_CREDENTIALS": DELETE}
    names |= {"CORS_ORIGIN_ALLOW_ALL": DELETE, "CORS_ALLOW_METHODS": DELETE}
    names |= {"CORS_ALLOW_HEADERS": DELETE}
    policy = CORSPolicy(allow_origins=[FRONT])
    assert cors_messages(**names, CORS_POLICY=policy) == []
    assert cors_messages(**names, CORS_POLICY="todos.views.missing") == [
        (
            Error,
            "cors_core.E009",
            "CORS_POLICY: 'todos.views.missing' cannot be imported (Module \"todos.views\" "
            'does not define a "missing" attribute/class)',
            "fix the path",
        )
    ]


# ----------------------------------------------------------- django-cors-headers leftovers


def test_receivers_on_django_cors_headers_signal_are_an_error() -> None:
    def receiver(sender: Any, request: Any, **kwargs: Any) -> bool:
        return True

    corsheaders.signals.check_request_enabled.connect(receiver, weak=False)
    try:
        messages = cors_messages()
    finally:
        corsheaders.signals.check_request_enabled.disconnect(receiver)
    assert messages == [
        (
            Error,
            "cors_core.E013",
            "corsheaders.signals.check_request_enabled has receivers, which this middleware "
            "never calls",
            "connect them to adapters.django.signals.check_request_enabled instead",
        )
    ]


def test_django_cors_headers_middleware_left_in_middleware_is_an_error() -> None:
    both = ["adapters.django.CORSMiddleware", "corsheaders.middleware.CorsMiddleware"]
    assert cors_messages(MIDDLEWARE=both) == [
        (
            Error,
            "cors_core.E014",
            "MIDDLEWARE holds 'corsheaders.middleware.CorsMiddleware' as well as this adapter's "
            "middleware",
            "remove it: two CORS middlewares answer preflights and set the headers twice",
        )
    ]


def test_manage_py_check_subprocess_reports_migration_leftovers() -> None:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{DJANGO_PROJECT}"}
    done = subprocess.run(
        [
            sys.executable,
            str(DJANGO_PROJECT / "manage.py"),
            "check",
            "--settings",
            "tests.integration.django_misspelt_settings",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert "?: (cors_core.E011) CORS_ALLOWED_ORIGNS is not a CORS setting" in lines
    assert "?: (cors_core.E011) CORS_ALLOW_ORIGINS is not a CORS setting" in lines
    assert lines.count("\tHINT: did you mean 'CORS_ALLOWED_ORIGINS'?") == 2
    assert (
        "?: (cors_core.E012) CORS_REPLACE_HTTPS_REFERER was removed in django-cors-headers 4.0 "
        "(with CorsPostCsrfMiddleware)"
    ) in lines
    assert "\tHINT: list the front-end origins in CSRF_TRUSTED_ORIGINS" in lines
