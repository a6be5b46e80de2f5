"""One policy, exported to S3 and to GCS: every difference between the API and the bucket
is named by a warning, and every warning names a difference that really happens.

The authorities: the bucket emulator (:class:`~cors_core.buckets.BucketPolicy`, which
matches requests as each provider does) answers for the bucket, :class:`CORSPolicy`
for the API, and the browser model (:func:`cors_core.browser.simulate`) judges both
answers, as a page's ``fetch()`` would.
"""

from __future__ import annotations

import ast
import fnmatch
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cors_core import Action, ConfigError, CORSConfigWarning, CORSPolicy
from cors_core.browser import Response, simulate
from cors_core.buckets import BucketExport, ExportWarning, Provider, export, from_gcs, from_s3
from cors_core.integration import Engine, merge_response_headers, read_pairs
from tests.strength import example_count

APP = "https://app.example.com"

#: What the application behind the API (and the bucket) answers: the headers a script
#: might try to read.
APP_HEADERS = [
    ("Content-Type", "text/plain"),
    ("ETag", '"1"'),
    ("X-Amz-Meta-Color", "blue"),
    ("X-Amz-Request-Id", "42"),
    ("X-A", "a"),
    ("X-Secret", "s"),
]


APP_NAMES = frozenset(name.lower() for name, _ in APP_HEADERS)


def send_to(engine: Engine) -> Any:
    """A server answering as ``engine`` decides, the application behind it."""

    def send(method: str, headers: Sequence[tuple[str, str]]) -> Response:
        origin, request_method, request_headers, pna, _ = read_pairs(headers)
        d = engine.decide(method, origin, request_method, request_headers, pna)
        if d.action is Action.RESPOND:
            return d.status, list(d.headers), d.body
        return 200, merge_response_headers(APP_HEADERS, d.headers, d.vary_origin), b"body"

    return send


@dataclass(frozen=True)
class Fetch:
    """One ``fetch()`` a page makes."""

    origin: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    private_network: bool = False

    def through(self, engine: Engine) -> tuple[bool, frozenset[str]]:
        """(whether the page reads the answer, the response headers it may read)."""
        trip = simulate(
            send_to(engine),
            origin=self.origin,
            method=self.method,
            headers=list(self.headers),
            credentials=self.credentials,
            private_network=self.private_network,
        )
        allowed = bool(trip.verdict)
        # The application's headers: what the bucket adds itself (Vary) is not the policy's.
        return allowed, trip.readable_headers & APP_NAMES if allowed else frozenset()


def bucket_of(result: BucketExport) -> Engine:
    """The emulated bucket holding the exported configuration (the loader's own
    warnings, such as credentials for plain-http origins, are not this test's subject)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        return (from_s3 if result.provider == "s3" else from_gcs)(result.config)


def quiet_policy(**options: Any) -> CORSPolicy:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        return CORSPolicy(**options)


def checks(result: BucketExport) -> list[tuple[str, str]]:
    return [(w.check, w.effect) for w in result.warnings]


def only(result: BucketExport, check: str) -> ExportWarning:
    [warning] = [w for w in result.warnings if w.check == check]
    return warning


# ------------------------------------------- each warning: the difference really happens


def test_credentials_to_gcs_the_bucket_refuses_credentialed_requests() -> None:
    api = CORSPolicy(
        allow_origins=[APP], allow_methods=["GET", "HEAD", "POST"], allow_credentials=True
    )
    result = export(api, "gcs")
    assert checks(result) == [("credentials_left_out", "narrower")]
    assert str(only(result, "credentials_left_out")) == (
        "allow_credentials: True is left out: GCS never sends "
        "'Access-Control-Allow-Credentials', so the bucket refuses credentialed requests "
        "(cookies, HTTP authentication), which the API allows; fix: send the bucket's "
        "requests without credentials (signed URLs and 'Authorization' headers need none)"
    )
    bucket = bucket_of(result)
    with_cookies = Fetch(APP, credentials=True)
    assert with_cookies.through(api)[0] is True
    assert with_cookies.through(bucket)[0] is False
    # Without credentials both answer, and the page reads the same headers.
    assert Fetch(APP).through(api) == Fetch(APP).through(bucket) == (True, {"content-type"})


def test_no_credentials_to_s3_the_bucket_allows_credentialed_requests() -> None:
    api = CORSPolicy(allow_origins=[APP], allow_methods=["GET", "HEAD", "POST"])
    result = export(api, "s3")
    assert checks(result) == [("credentials_added", "wider")]
    warning = only(result, "credentials_added")
    assert (warning.option, warning.entry) == ("allow_credentials", "False")
    assert "pages on those origins may send credentialed requests" in warning.problem
    bucket = bucket_of(result)
    with_cookies = Fetch(APP, credentials=True)
    assert with_cookies.through(api)[0] is False
    assert with_cookies.through(bucket)[0] is True
    assert Fetch(APP).through(api) == Fetch(APP).through(bucket)
    # '*' is answered with '*' and no credentials by both: nothing to warn about.
    public = CORSPolicy(allow_origins=["*"], allow_methods=["GET", "HEAD", "POST"])
    assert export(public, "s3").warnings == ()
    assert with_cookies.through(public) == with_cookies.through(bucket_of(export(public, "s3")))


def test_methods_s3_does_not_allow_are_refused_by_the_bucket() -> None:
    api = CORSPolicy(
        allow_origins=["*"], allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "PURGE"]
    )
    result = export(api, "s3")
    assert checks(result) == [("method_left_out", "narrower")]
    warning = only(result, "method_left_out")
    assert (warning.entry, warning.problem) == (
        "'PATCH', 'PURGE'",
        "are left out: S3 allows only GET, PUT, HEAD, POST, DELETE, so the bucket refuses "
        "these methods, which the API allows",
    )
    assert result.config["CORSRules"][0]["AllowedMethods"] == ["GET", "HEAD", "POST", "PUT"]
    bucket = bucket_of(result)
    for method in ("PATCH", "PURGE"):
        assert Fetch(APP, method).through(api)[0] is True
        assert Fetch(APP, method).through(bucket)[0] is False
    assert Fetch(APP, "PUT").through(api) == Fetch(APP, "PUT").through(bucket)


def test_every_method_to_s3_is_the_five_it_allows() -> None:
    api = CORSPolicy(allow_origins=["*"], allow_methods="*")
    result = export(api, "s3")
    warning = only(result, "method_left_out")
    assert (warning.entry, warning.problem) == (
        "'*'",
        "is written as 'GET', 'HEAD', 'POST', 'PUT', 'DELETE': S3 allows only GET, PUT, "
        "HEAD, POST, DELETE, so the bucket refuses 'PATCH', 'OPTIONS' requests, which the "
        "API allows",
    )
    bucket = bucket_of(result)
    assert Fetch(APP, "PATCH").through(api)[0] is True
    assert Fetch(APP, "PATCH").through(bucket)[0] is False
    assert Fetch(APP, "DELETE").through(api) == Fetch(APP, "DELETE").through(bucket)
    # GCS takes every standard method by name: the same requests pass, none else.
    gcs = export(api, "gcs")
    assert gcs.config[0]["method"] == ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
    assert gcs.warnings == ()
    for method in ("PATCH", "OPTIONS", "PURGE"):
        assert Fetch(APP, method).through(api) == Fetch(APP, method).through(bucket_of(gcs))


def test_lowercase_methods_to_gcs_are_refused_by_the_bucket() -> None:
    api = quiet_policy(allow_origins=["*"], allow_methods=["GET", "HEAD", "POST", "patch"])
    result = export(api, "gcs")
    assert checks(result) == [("method_left_out", "narrower")]
    assert only(result, "method_left_out").entry == "'patch'"
    assert Fetch(APP, "patch").through(api)[0] is True
    assert Fetch(APP, "patch").through(bucket_of(result))[0] is False


@pytest.mark.parametrize("to", ["s3", "gcs"])
def test_simple_methods_not_listed_are_refused_by_the_bucket(to: Provider) -> None:
    api = CORSPolicy(allow_origins=["*"], allow_methods=["GET", "PUT"])
    result = export(api, to)
    assert checks(result) == [("simple_method_refused", "narrower")]
    warning = only(result, "simple_method_refused")
    assert warning.entry == "'HEAD', 'POST'"
    assert warning.fix == "add them to allow_methods if pages send them to the bucket"
    bucket = bucket_of(result)
    for method in ("HEAD", "POST"):
        # No preflight: the API answers any method from an allowed origin; the bucket
        # matches its rules by method.
        assert Fetch(APP, method).through(api)[0] is True
        assert Fetch(APP, method).through(bucket)[0] is False
        # Preflighted (a header the policy does not allow): both refuse.
        asking = Fetch(APP, method, (("X-Other", "1"),))
        assert asking.through(api)[0] is asking.through(bucket)[0] is False


@pytest.mark.parametrize("to", ["s3", "gcs"])
def test_private_network_is_refused_by_the_bucket(to: Provider) -> None:
    api = CORSPolicy(
        allow_origins=[APP],
        allow_methods=["GET", "HEAD", "POST"],
        allow_private_network=True,
        allow_credentials=to == "s3",  # no credentials warning either way
    )
    result = export(api, to)
    assert checks(result) == [("private_network_left_out", "narrower")]
    local = Fetch(APP, private_network=True)
    assert local.through(api)[0] is True
    assert local.through(bucket_of(result))[0] is False


def test_origin_patterns_to_gcs_are_refused_by_the_bucket() -> None:
    api = CORSPolicy(
        allow_origins=[APP, "https://*.example.org", "http://localhost:*"],
        allow_methods=["GET", "HEAD", "POST"],
    )
    result = export(api, "gcs")
    assert checks(result) == [("origin_left_out", "narrower"), ("origin_left_out", "narrower")]
    assert [w.entry for w in result.warnings] == [
        "'https://*.example.org'",
        "'http://localhost:*'",
    ]
    assert result.config[0]["origin"] == [APP]
    bucket = bucket_of(result)
    for origin in ("https://a.example.org", "http://localhost:5173", "http://localhost"):
        assert Fetch(origin).through(api)[0] is True
        assert Fetch(origin).through(bucket)[0] is False
    assert Fetch(APP).through(api) == Fetch(APP).through(bucket)


def test_a_regex_and_null_are_left_out_and_refused_by_the_bucket() -> None:
    api = CORSPolicy(
        allow_origins=[APP, "null"],
        allow_null_origin=True,
        allow_origin_regex=r"https://[a-z]+\.example\.net",
        allow_methods=["GET", "HEAD", "POST"],
        allow_credentials=True,
    )
    result = export(api, "s3")
    assert [(w.check, w.option) for w in result.warnings] == [
        ("origin_left_out", "allow_origin_regex"),
        ("origin_left_out", "allow_origins"),
    ]
    bucket = bucket_of(result)
    for origin in ("https://shop.example.net", "null"):
        assert Fetch(origin).through(api)[0] is True
        assert Fetch(origin).through(bucket)[0] is False
    # A regex (or anything else) that leaves no origin at all is refused.
    with pytest.raises(ConfigError) as info:
        export(CORSPolicy(allow_origin_regex=r"https://[a-z]+\.example\.net"), "s3")
    [problem] = info.value.problems
    assert (problem.option, problem.entry) == (
        "allow_origins",
        r"allow_origin_regex 'https://[a-z]+\\.example\\.net'",
    )
    assert problem.problem == "leaves no origin S3 can match, so the bucket would allow none"


def test_a_subdomain_pattern_on_any_port_keeps_the_default_port_on_s3() -> None:
    api = CORSPolicy(
        allow_origins=["https://*.example.com:*"],
        allow_methods=["GET", "HEAD", "POST"],
        allow_credentials=True,
    )
    result = export(api, "s3")
    assert checks(result) == [("origin_narrowed", "narrower")]
    assert result.config["CORSRules"][0]["AllowedOrigins"] == ["https://*.example.com"]
    bucket = bucket_of(result)
    on_a_port = Fetch("https://a.example.com:8443")
    assert on_a_port.through(api)[0] is True
    assert on_a_port.through(bucket)[0] is False
    assert Fetch("https://a.example.com").through(api) == Fetch("https://a.example.com").through(
        bucket
    )


@pytest.mark.parametrize(("to", "pattern"), [("gcs", "x-amz-*"), ("s3", "x-*-*d")])
def test_header_patterns_left_out_are_refused_by_the_bucket(to: Provider, pattern: str) -> None:
    api = CORSPolicy(
        allow_origins=["*"], allow_methods=["GET", "HEAD", "POST"], allow_headers=[pattern]
    )
    result = export(api, to)
    assert checks(result) == [("header_left_out", "narrower")]
    asking = Fetch(APP, "GET", (("x-amz-id", "1"),))
    assert asking.through(api)[0] is True
    assert asking.through(bucket_of(result))[0] is False


def test_gcs_one_header_list_lets_pages_send_exposed_and_read_allowed_headers() -> None:
    api = CORSPolicy(
        allow_origins=[APP],
        allow_methods=["GET", "HEAD", "POST"],
        allow_headers=["content-type", "x-a"],
        expose_headers=["etag", "content-length"],
    )
    result = export(api, "gcs")
    assert checks(result) == [("request_headers_widened", "wider"), ("expose_widened", "wider")]
    sent, read = result.warnings
    # content-length is a header no page can send, content-type one every page reads.
    assert (sent.option, sent.entry, read.option, read.entry) == (
        "expose_headers",
        "'etag'",
        "allow_headers",
        "'x-a'",
    )
    bucket = bucket_of(result)
    sending = Fetch(APP, "GET", (("ETag", "1"),))
    assert sending.through(api)[0] is False
    assert sending.through(bucket)[0] is True
    assert Fetch(APP).through(api) == (True, frozenset({"content-type", "etag"}))
    assert Fetch(APP).through(bucket) == (True, frozenset({"content-type", "etag", "x-a"}))


def test_gcs_star_in_one_list_is_star_in_both() -> None:
    api = CORSPolicy(
        allow_origins=[APP],
        allow_methods=["GET", "HEAD", "POST"],
        allow_headers=["x-a"],
        expose_headers="*",
    )
    result = export(api, "gcs")
    # Scripts read every header through both: only the request side widens.
    assert [(w.check, w.entry) for w in result.warnings] == [("request_headers_widened", "'*'")]
    authorized = Fetch(APP, "GET", (("Authorization", "Bearer t"),))
    assert authorized.through(api)[0] is False
    assert authorized.through(bucket_of(result))[0] is True
    api = CORSPolicy(allow_origins=[APP], allow_methods=["GET", "HEAD", "POST"], allow_headers="*")
    result = export(api, "gcs")
    assert [(w.check, w.entry) for w in result.warnings] == [("expose_widened", "'*'")]
    assert Fetch(APP).through(api) == (True, frozenset({"content-type"}))
    assert Fetch(APP).through(bucket_of(result))[1] >= {"etag", "x-secret", "x-amz-meta-color"}


def test_s3_rules_to_gcs_lose_credentials_and_gcs_rules_to_s3_gain_them() -> None:
    s3 = from_s3([{"AllowedOrigins": [APP], "AllowedMethods": ["GET"]}])
    result = export(s3, "gcs")
    assert checks(result) == [("credentials_left_out", "narrower")]
    with_cookies = Fetch(APP, credentials=True)
    assert with_cookies.through(s3)[0] is True
    assert with_cookies.through(bucket_of(result))[0] is False
    gcs = from_gcs([{"origin": [APP], "method": ["GET"]}])
    result = export(gcs, "s3")
    assert checks(result) == [("credentials_added", "wider")]
    assert with_cookies.through(gcs)[0] is False
    assert with_cookies.through(bucket_of(result))[0] is True
    assert Fetch(APP).through(gcs) == Fetch(APP).through(bucket_of(result))


# ------------------------------------- no warning, no difference (generated policies)

ORIGIN_ENTRIES = [
    APP,
    "https://admin.example.com",
    "http://localhost:5173",
    "https://*.example.org",
    "http://localhost:*",
    "https://*.example.com:*",
    "null",
]
REQUEST_ORIGINS = [
    APP,
    "https://admin.example.com",
    "https://a.example.org",
    "https://a.b.example.org",
    "https://example.org",
    "https://a.example.com",
    "https://a.example.com:8443",
    "http://localhost",
    "http://localhost:5173",
    "http://localhost:8080",
    "http://app.example.com",
    "https://shop.example.net",
    "https://evil.example",
    "null",
]
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PURGE", "patch"]
HEADER_ENTRIES = ["content-type", "x-a", "etag", "authorization", "x-amz-*", "x-*-*d"]
EXPOSE_ENTRIES = ["etag", "x-amz-request-id", "x-a", "content-length", "x-amz-meta-color"]
REQUEST_HEADERS = [
    ("Content-Type", "application/json"),
    ("Content-Type", "text/plain"),
    ("X-A", "1"),
    ("ETag", "1"),
    ("Authorization", "Bearer t"),
    ("X-Amz-Meta-Color", "blue"),
    ("X-Amz-Id", "1"),
    ("X-B", "1"),
]


@st.composite
def policies(draw: st.DrawFn) -> dict[str, Any]:
    credentials = draw(st.booleans())
    options: dict[str, Any] = {"allow_credentials": credentials}
    if not credentials and draw(st.booleans()):
        options["allow_origins"] = ["*"]
    else:
        options["allow_origins"] = draw(st.lists(st.sampled_from(ORIGIN_ENTRIES), unique=True))
        if "null" in options["allow_origins"]:
            options["allow_null_origin"] = True
        if draw(st.booleans()):
            options["allow_origin_regex"] = r"https://[a-z]+\.example\.net"
    options["allow_methods"] = draw(
        st.just("*") | st.lists(st.sampled_from(METHODS), min_size=1, unique=True)
    )
    options["allow_headers"] = draw(
        st.just("*") | st.lists(st.sampled_from(HEADER_ENTRIES), unique=True)
    )
    expose = st.lists(st.sampled_from(EXPOSE_ENTRIES), unique=True)
    options["expose_headers"] = draw(expose if credentials else st.just("*") | expose)
    # (CORSPolicy refuses private network access for every origin.)
    options["allow_private_network"] = options["allow_origins"] != ["*"] and draw(st.booleans())
    options["max_age"] = draw(st.sampled_from([None, 0, 600, 86400]))
    return options


fetches = st.builds(
    Fetch,
    origin=st.sampled_from(REQUEST_ORIGINS),
    method=st.sampled_from(METHODS),
    headers=st.lists(st.sampled_from(REQUEST_HEADERS), max_size=3, unique_by=lambda h: h[0]).map(
        tuple
    ),
    credentials=st.booleans(),
    private_network=st.booleans(),
)


def _entries(warning: ExportWarning) -> set[str]:
    """The names a warning's entry lists (``'a', 'b'`` or ``'*'``)."""
    if not warning.entry.startswith("'"):
        return set()
    return {str(v) for v in ast.literal_eval(f"({warning.entry},)")}


def _origin_allowed(options: dict[str, Any], entries: list[str], origin: str) -> bool:
    """Whether ``origin`` is allowed by a policy holding only these origin entries."""
    kept = {k: v for k, v in options.items() if k not in ("allow_origin_regex",)}
    kept["allow_origins"] = entries
    if not entries:
        return False
    return quiet_policy(**kept).decide("GET", origin).allowed


def _written_origins(options: dict[str, Any], to: Provider) -> list[str]:
    """The policy's origin entries the bucket can hold, as this test reads the providers:
    S3 takes one '*' per origin, GCS none; neither takes 'null'."""
    out = []
    for entry in options["allow_origins"]:
        if entry == "null" or (to == "gcs" and "*" in entry):
            continue
        out.append(entry.replace(".example.com:*", ".example.com") if to == "s3" else entry)
    return out


def explained(
    options: dict[str, Any],
    result: BucketExport,
    request: Fetch,
    api: tuple[bool, frozenset[str]],
    bucket: tuple[bool, frozenset[str]],
) -> bool:
    """Whether a warning of ``result`` names the difference this request shows."""
    api_ok, api_read = api
    bucket_ok, bucket_read = bucket
    found = {w.check: w for w in result.warnings}
    names = {n.lower() for n, _ in request.headers}
    if result.provider == "s3":
        methods = result.config["CORSRules"][0]["AllowedMethods"]
    else:
        methods = result.config[0]["method"]
    if api_ok and not bucket_ok:  # narrower: a narrowing warning covers this request
        if request.credentials and "credentials_left_out" in found:
            return True
        if request.private_network and "private_network_left_out" in found:
            return True
        if request.method not in methods:
            named: set[str] = set()
            for w in result.warnings:
                if w.check == "simple_method_refused":
                    named |= _entries(w)
                if w.check == "method_left_out":
                    named |= {m for m in METHODS if repr(m) in w.entry + w.problem}
            if request.method in named:
                return True
        if not _origin_allowed(options, _written_origins(options, result.provider), request.origin):
            # Left out: an origin warning names an entry that allows this origin.
            for w in result.warnings:
                if w.check not in ("origin_left_out", "origin_narrowed"):
                    continue
                if w.option == "allow_origin_regex":
                    named = quiet_policy(allow_origin_regex=options["allow_origin_regex"])
                    if named.decide("GET", request.origin).allowed:
                        return True
                elif _origin_allowed(options, sorted(_entries(w)), request.origin):
                    return True
        if "header_left_out" in found:
            patterns = _entries(found["header_left_out"])
            return any(fnmatch.fnmatchcase(n, p) for n in names for p in patterns)
        return False
    if bucket_ok and not api_ok:  # wider: a widening warning covers this request
        if request.credentials and "credentials_added" in found:
            return True
        w = found.get("request_headers_widened")
        return w is not None and ("*" in _entries(w) or bool(names & _entries(w)))
    if api_ok and bucket_ok:  # both answer: the bucket may let scripts read more
        w = found.get("expose_widened")
        if w is None or not api_read < bucket_read:
            return False
        return "*" in _entries(w) or bucket_read - api_read <= _entries(w)
    return True  # both refuse


@settings(
    max_examples=example_count(300, local=100),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(options=policies(), requests=st.lists(fetches, min_size=1, max_size=12))
@example(
    options={"allow_origins": [APP], "allow_methods": ["GET", "PUT"], "allow_credentials": True},
    requests=[Fetch(APP, "HEAD"), Fetch(APP, "PUT", (("X-A", "1"),), credentials=True)],
)
@example(
    options={
        "allow_origins": [APP, "https://*.example.com:*"],
        "allow_methods": ["GET", "POST", "PUT"],
        "allow_headers": ["x-amz-*", "x-*-*d"],
    },
    requests=[
        Fetch("https://a.example.com:8443", "PUT"),
        Fetch(APP, "POST", (("X-Amz-Id", "1"),)),
    ],
)
def test_the_bucket_allows_a_request_iff_the_api_does_but_where_a_warning_says(
    options: dict[str, Any], requests: list[Fetch]
) -> None:
    api = quiet_policy(**options)
    for to in ("s3", "gcs"):
        try:
            result = export(api, to)
        except ConfigError as exc:
            # Only a policy left with no origin or no method is refused.
            assert {p.option for p in exc.problems} <= {"allow_origins", "allow_methods"}
            continue
        bucket = bucket_of(result)
        for request in requests:
            mine, theirs = request.through(api), request.through(bucket)
            if mine != theirs:
                assert explained(options, result, request, mine, theirs), (
                    to,
                    request,
                    mine,
                    theirs,
                    result.config,
                    [str(w) for w in result.warnings],
                )
