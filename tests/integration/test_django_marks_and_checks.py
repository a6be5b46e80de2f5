"""Marks known per URLconf whatever ran before, and ``@cross_origin`` merges checked at
start-up by the system checks (``manage.py check``), not only at a view's first request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, override_settings

from cors_core import ConfigError
from tests.integration.django_support import DELETE, cors_settings

pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")

APP = "https://app.example.com"
STATS = "https://stats.example"
PROJECT: dict[str, Any] = {
    "ROOT_URLCONF": "tests.integration.django_oracle_urls",
    "ALLOWED_HOSTS": ["testserver"],
    "MIDDLEWARE": ["adapters.django.CORSMiddleware"],
    "CORS_ALLOWED_ORIGINS": [APP],
}
REFUSED = "tests.integration.django_refused_merge_urls"
STAR_PROBLEM = (
    "allow_origins: '*' allows every origin together with allow_credentials=True, so any "
    "website can read your users' authenticated responses"
)
STAR_FIX = (
    "list the trusted origins explicitly: allow_origins=['https://app.example.com'] "
    "(patterns such as 'https://*.example.com' are accepted); or, if pages send no "
    "cookies (a token API needs none), set allow_credentials=False"
)


# -- the settings, built once ------------------------------------------------------------


def test_the_settings_are_read_at_start_up_and_after_a_change_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import adapters.django.conf as conf_module

    loads: list[Any] = []
    real = conf_module.load_quietly

    def counting(policy: Any = None) -> Any:
        loads.append(policy)
        return real(policy)

    monkeypatch.setattr(conf_module, "load_quietly", counting)
    with cors_settings(PROJECT):
        client = Client()
        before = [client.get("/api/items/", headers={"Origin": APP}) for _ in range(3)]
        started = len(loads)
        with override_settings(DEBUG=True):  # not a setting the middleware reads
            client.get("/api/items/", headers={"Origin": APP})
        unrelated = len(loads)
        with override_settings(CORS_ALLOWED_ORIGINS=[STATS]):
            after = [client.get("/api/items/", headers={"Origin": STATS}) for _ in range(3)]
            changed = len(loads)
    assert (started, unrelated, changed) == (1, 1, 2)
    assert [r["Access-Control-Allow-Origin"] for r in before] == [APP] * 3
    assert [r["Access-Control-Allow-Origin"] for r in after] == [STATS] * 3


# -- the marks, per URLconf --------------------------------------------------------------

#: Each URLconf served, the request sent and the Access-Control-Allow-Origin expected.
SERVED = {
    "cross_origin": ("tests.integration.django_oracle_cross_origin_urls", "/api/stats/", STATS),
    "no_cors": ("tests.integration.django_oracle_no_cors_urls", "/api/reindex/", None),
    # another URLconf with marks (a class view's handler, a function view)
    "other": ("tests.integration.django_pinned_urls", "/pinned/get-marked/", None),
}


def _serve(client: Client, name: str) -> tuple[str | None, str | None]:
    urlconf, path, _ = SERVED[name]
    origin = STATS if name == "cross_origin" else APP
    with override_settings(ROOT_URLCONF=urlconf):
        got = client.get(path, headers={"Origin": origin})
        plain = client.get("/api/items/", headers={"Origin": APP})
    return got.get("Access-Control-Allow-Origin"), (
        plain.get("Access-Control-Allow-Origin") if plain.status_code == 200 else "404"
    )


@pytest.mark.parametrize("only", ["cross_origin", "no_cors"])
@pytest.mark.parametrize("order", ["only first", "other first"])
def test_a_urlconfs_only_mark_takes_effect_in_either_order(only: str, order: str) -> None:
    """One middleware (one client) serving two URLconfs in turn: the marks of one never
    stand for the other's, whichever is served first."""
    names = [only, "other"] if order == "only first" else ["other", only]
    with cors_settings(PROJECT):
        client = Client()
        got = {name: _serve(client, name) for name in names}
    assert got[only] == (SERVED[only][2], APP)
    # the other URLconf: a GET-marked view whose policy does not list APP; no /api/items/
    assert got["other"] == (None, "404")


def test_the_marks_of_a_urlconf_follow_root_urlconf_back_and_forth() -> None:
    with cors_settings(PROJECT):
        client = Client()
        first = _serve(client, "no_cors")
        second = _serve(client, "cross_origin")
        third = _serve(client, "no_cors")
    assert (first, second, third) == ((None, APP), (STATS, APP), (None, APP))


class UrlconfByHost:
    """Above the CORS middleware: the URLconf of a request sent to ``stats.testserver``
    is the one whose only mark is ``@cross_origin`` (as a per-host URLconf would be)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if request.get_host() == "stats.testserver":
            request.urlconf = SERVED["cross_origin"][0]
        return self.get_response(request)


@pytest.mark.parametrize("order", ["marked first", "unmarked first"])
def test_each_request_urlconf_has_its_own_marks(order: str) -> None:
    middleware = [f"{__name__}.UrlconfByHost", "adapters.django.CORSMiddleware"]
    hosts = ["stats.testserver", "testserver"]
    if order == "unmarked first":
        hosts.reverse()
    with cors_settings(PROJECT, MIDDLEWARE=middleware, ALLOWED_HOSTS=[".testserver", "testserver"]):
        client = Client()
        got = {
            host: client.get("/api/stats/", headers={"Origin": STATS, "Host": host})
            for host in hosts
        }
    assert got["stats.testserver"].status_code == 200
    assert got["stats.testserver"]["Access-Control-Allow-Origin"] == STATS
    assert got["testserver"].status_code == 404  # no /api/stats/ in ROOT_URLCONF
    assert "Access-Control-Allow-Origin" not in got["testserver"]


# -- @cross_origin merges in the system checks --------------------------------------------


def _view_errors() -> list[tuple[str, str | None, str]]:
    return [(m.msg, m.hint, m.id) for m in run_checks() if m.id == "cors_core.E016"]


def test_a_refused_merge_is_reported_by_the_checks() -> None:
    where = "@cross_origin on tests.integration.django_refused_merge_urls"
    with cors_settings(PROJECT, ROOT_URLCONF=REFUSED, CORS_ALLOW_CREDENTIALS=True):
        errors = _view_errors()
        with pytest.raises(SystemCheckError) as failed:
            call_command("check")
        with pytest.raises(ConfigError) as at_request:  # the middleware agrees
            Client().get("/api/public/", headers={"Origin": APP})
    assert errors == [
        (f"{where}.public: {STAR_PROBLEM}", STAR_FIX, "cors_core.E016"),
        (f"{where}.Notes.put: {STAR_PROBLEM}", STAR_FIX, "cors_core.E016"),
    ]
    assert f"(cors_core.E016) {where}.public: {STAR_PROBLEM}" in str(failed.value)
    assert at_request.value.problems[0].option == "allow_origins"


def test_a_view_with_no_origin_anywhere_is_reported_by_the_checks() -> None:
    with cors_settings(PROJECT, ROOT_URLCONF=REFUSED, CORS_ALLOWED_ORIGINS=DELETE):
        errors = _view_errors()
    assert errors == [
        (
            "@cross_origin on tests.integration.django_refused_merge_urls.bare: "
            "cross_origin: () names no origin, and the CORS_* settings set none",
            "list the origins in the CORS_* settings, or on the view: "
            "cross_origin(allow_origins=['https://app.example.com']) "
            "(allow_origins=['*'] for every origin)",
            "cors_core.E016",
        )
    ]


def test_views_are_checked_only_once_the_settings_are_valid() -> None:
    """A settings' problem is reported once, under its setting, not again per view."""
    with cors_settings(PROJECT, ROOT_URLCONF=REFUSED, CORS_ALLOWED_ORIGINS=[APP + "/"]):
        ids = [m.id for m in run_checks() if m.id.startswith("cors_core.")]
    assert ids == ["cors_core.E001"]


def test_valid_marks_give_no_view_error() -> None:
    for urlconf in (
        "tests.integration.django_oracle_cross_origin_urls",
        "tests.integration.django_pinned_urls",
    ):
        with cors_settings(PROJECT, ROOT_URLCONF=urlconf, CORS_ALLOW_CREDENTIALS=True):
            assert _view_errors() == []
