"""BucketPolicy decides as the provider matches: first matching rule, one-'*' globs, the
headers that rule sends, and a Fetch-exact answer for everything else."""

from __future__ import annotations

import time
import warnings

import pytest

from cors_core import Action, CORSConfigWarning, Decision, ReasonCode
from cors_core.buckets import BucketPolicy, from_gcs, from_s3
from cors_core.integration import Engine, Gate

APP = "https://app.example.com"
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)
END = (("Vary", PREFLIGHT_VARY), ("Content-Type", "text/plain"), ("Content-Length", "0"))
REFUSED_HEADERS = (
    ("Content-Type", "text/plain; charset=utf-8"),
    ("Content-Length", "45"),
    ("X-Content-Type-Options", "nosniff"),
    ("Vary", PREFLIGHT_VARY),
)

#: Three rules for one origin: the first without PUT, the second with PUT and any header,
#: the third with GET again (never reached for GET) and a header the first refuses.
RULES = [
    {
        "AllowedOrigins": [APP],
        "AllowedMethods": ["GET"],
        "AllowedHeaders": ["x-first"],
        "ExposeHeaders": ["x-one"],
        "MaxAgeSeconds": 100,
        "ID": "reads",
    },
    {"AllowedOrigins": [APP, "*"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"]},
    {
        "AllowedOrigins": [APP],
        "AllowedMethods": ["GET", "DELETE"],
        "AllowedHeaders": ["x-other", "x-amz-*"],
        "ExposeHeaders": ["x-two"],
        "MaxAgeSeconds": 300,
    },
]


@pytest.fixture
def policy() -> BucketPolicy:
    with pytest.warns(CORSConfigWarning):  # PUT to every origin ('*' in the second rule)
        return from_s3(RULES)


def cors(d: Decision) -> dict[str, str]:
    return dict(d.headers)


# ------------------------------------------------------------------- the interface


def test_it_is_an_engine() -> None:
    policy = from_gcs([])
    assert isinstance(policy, Engine)
    assert (policy.uses_path, policy.uses_host, policy.websocket_origins) == (False, False, False)
    assert policy.varies_on_origin is True
    assert policy.for_path("/any") is policy
    assert repr(policy) == "BucketPolicy(provider='gcs', rules=0)"
    no_origin = policy.no_origin_decision
    assert (no_origin.action, no_origin.allowed, no_origin.headers) == (Action.ACTUAL, True, ())
    assert no_origin.vary_origin and no_origin.modifies_response
    assert policy.decide("GET", None) is no_origin
    assert Gate(policy).no_origin is no_origin
    ws = policy.decide_websocket("https://a.example", "b.example", "wss")
    assert (ws.action, ws.allowed) == (Action.PASS, True)
    assert policy.decide_websocket(None, "b.example", "wss") is no_origin


# ------------------------------------------------------------------- first match


def test_an_earlier_rule_without_the_method_does_not_stop_a_later_one(
    policy: BucketPolicy,
) -> None:
    d = policy.decide("OPTIONS", APP, "PUT", "x-anything")
    assert (d.action, d.allowed, d.status, d.body) == (Action.RESPOND, True, 200, b"")
    # Rule 1 holds '*': S3 answers '*' without credentials, whatever else it lists.
    assert d.headers == (
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "x-anything"),
        *END,
    )
    assert policy.matching_rule("OPTIONS", APP, "PUT", "x-anything") == policy.rules[1]


def test_the_first_matching_rule_s_headers_are_sent(policy: BucketPolicy) -> None:
    actual = policy.decide("GET", APP)
    assert actual.headers == (
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Expose-Headers", "x-one"),
    )
    assert actual.vary_origin and actual.action is Action.ACTUAL
    assert policy.matching_rule("GET", APP) == policy.rules[0]
    first = policy.decide("OPTIONS", APP, "GET", "x-first")
    assert first.headers == (
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "GET"),
        ("Access-Control-Allow-Headers", "x-first"),
        ("Access-Control-Max-Age", "100"),
        *END,
    )


def test_a_preflight_needs_one_rule_allowing_every_requested_header(
    policy: BucketPolicy,
) -> None:
    # Rule 0 allows GET but not x-other: rule 2 answers, with its own headers.
    d = policy.decide("OPTIONS", APP, "GET", "x-other,x-amz-date")
    assert d.headers == (
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "GET, DELETE"),
        ("Access-Control-Allow-Headers", "x-amz-date, x-other"),
        ("Access-Control-Max-Age", "300"),
        *END,
    )
    rule = policy.matching_rule("OPTIONS", APP, "GET", "x-other,x-amz-date")
    assert rule is not None and rule.index == 2
    # x-first (rule 0 only) and x-other (rule 2 only): no single rule allows both.
    refused = policy.decide("OPTIONS", APP, "GET", "x-first, x-other")
    assert (refused.status, refused.allowed, refused.headers) == (403, False, REFUSED_HEADERS)
    assert refused.body == b"CORS preflight rejected (header_not_allowed)\n"
    assert refused.reason.code is ReasonCode.HEADER_NOT_ALLOWED
    assert refused.reason.value == "x-other"  # what the first candidate refuses
    assert refused.reason.message == (
        "no CORSRules entry that allows 'GET' for origin 'https://app.example.com' allows "
        "request header 'x-other' (checked: CORSRules[0], CORSRules[2]): add it to the "
        "AllowedHeaders of one of them (names are case-insensitive; one '*' matches any run "
        "of characters, as in 'x-amz-meta-*')"
    )
    nowhere = policy.decide("OPTIONS", APP, "GET", "x-first, x-nowhere")
    assert nowhere.reason.value == "x-nowhere"


def test_refusals_name_the_rules(policy: BucketPolicy) -> None:
    method = policy.decide("OPTIONS", "https://evil.example", "PATCH")
    # '*' (rule 1) covers any origin, but allows only PUT.
    assert method.reason.code is ReasonCode.METHOD_NOT_ALLOWED
    assert method.body == b"CORS preflight rejected (method_not_allowed)\n"
    assert method.reason.message == (
        "no CORSRules entry allows method 'PATCH' for origin 'https://evil.example' (entries "
        "matching that origin: CORSRules[1] allows PUT); S3 allows only GET, PUT, HEAD, POST "
        "and DELETE, so no rule can allow it: send one of those (PUT to replace an object)"
    )
    put_only = policy.decide("OPTIONS", "https://evil.example", "DELETE")
    assert put_only.reason.message.endswith(
        "add it to the AllowedMethods of one of them (methods are case-sensitive)"
    )
    gcs = from_gcs([{"origin": [APP], "method": ["GET"]}])
    origin = gcs.decide("OPTIONS", "http://app.example.com", "GET")
    assert origin.reason.code is ReasonCode.ORIGIN_NOT_ALLOWED
    assert origin.body == b"CORS preflight rejected (origin_not_allowed)\n"
    assert origin.reason.message == (
        "origin 'http://app.example.com' is in no cors entry's origin; "
        "'https://app.example.com' is allowed (scheme and port must match exactly): add it "
        "to the origin of the entry that should answer it"
    )
    for text in (method.reason.message, origin.reason.message):
        assert "allow_origins" not in text and "allow_methods" not in text
    assert gcs.matching_rule("GET", "http://app.example.com") is None


def test_actual_requests_match_on_their_method(policy: BucketPolicy) -> None:
    delete = policy.decide("DELETE", APP)
    assert cors(delete) == {
        "Access-Control-Allow-Origin": APP,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": "x-two",
    }
    put = policy.decide("PUT", "https://anyone.example")
    assert put.headers == (("Access-Control-Allow-Origin", "*"),)
    head = policy.decide("HEAD", APP)  # no rule allows HEAD: no CORS headers, Vary kept
    assert (head.allowed, head.headers, head.vary_origin) == (False, (), True)
    assert head.reason.code is ReasonCode.METHOD_NOT_ALLOWED
    options = policy.decide("OPTIONS", APP)  # not a preflight: an ordinary request
    assert (options.action, options.allowed, options.headers) == (Action.ACTUAL, False, ())
    lower = policy.decide("get", APP)  # methods are case-sensitive
    assert lower.allowed is False


# ------------------------------------------------------------------ origin globs


@pytest.mark.parametrize(
    ("pattern", "origin", "allowed"),
    [
        ("https://*.example.com", "https://a.example.com", True),
        ("https://*.example.com", "https://a.b.example.com", True),  # '*' spans dots
        ("https://*.example.com", "https://example.com", False),  # one character at least
        ("https://*.example.com", "http://a.example.com", False),
        ("https://*.example.com", "https://a.example.com:8443", False),
        ("https://*.example.com", "https://evilexample.com", False),
        ("https://*.example.com", "https://a.example.com.evil.net", False),
        ("https://*.example.com", "https://A.example.com", False),  # malformed: uppercase
        ("https://*.example.com", "https://a.example.com/", False),  # malformed: a path
        ("https://app-*.example.com", "https://app-pr-12.example.com", True),
        ("https://app-*.example.com", "https://app-.example.com", False),
        ("http://localhost:*", "http://localhost:3000", True),
        ("http://localhost:*", "http://localhost", False),
        ("http://localhost:*", "http://localhost.evil.net:80", False),
        ("http://*", "http://anything.example:8080", True),
        ("http://*", "http://10.0.0.1", True),
        ("http://*", "https://anything.example", False),
        ("http://*", "null", False),
        ("*.example.com", "https://a.example.com", True),  # the '*' covers the scheme
        ("*.example.com", "http://a.example.com", True),
    ],
)
def test_one_star_origins(pattern: str, origin: str, allowed: bool) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)  # 'http://*' and the like warn
        policy = from_s3([{"AllowedOrigins": [pattern], "AllowedMethods": ["GET"]}])
    actual = policy.decide("GET", origin)
    assert actual.allowed is allowed
    pre = policy.decide("OPTIONS", origin, "GET")
    assert pre.allowed is allowed
    if allowed:  # echoed with credentials: the rule lists no '*'
        assert cors(actual) == {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Credentials": "true",
        }
    else:
        assert actual.headers == () and actual.vary_origin
        assert pre.status == 403


def test_star_alone_covers_any_well_formed_origin_and_null() -> None:
    policy = from_s3([{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}])
    for origin in ("https://a.example", "http://127.0.0.1:9", "null", "chrome-extension://abc"):
        assert policy.decide("GET", origin).headers == (("Access-Control-Allow-Origin", "*"),)
    for bad in ("https://a.example/", "https://a.example, https://b.example", "x", ""):
        d = policy.decide("GET", bad)
        assert (d.allowed, d.headers) == (False, ())
        assert d.reason.code is ReasonCode.ORIGIN_MALFORMED
    exact = from_s3([{"AllowedOrigins": [APP], "AllowedMethods": ["GET"]}])
    assert exact.decide("GET", "null").allowed is False


# ------------------------------------------------------------------ header globs


@pytest.mark.parametrize(
    ("requested", "allowed"),
    [
        ("x-amz-date", True),
        ("X-Amz-Meta-Owner", True),  # names compare case-insensitively
        ("x-amz-", True),  # the header '*' may match nothing (a glob, like CORSPolicy's)
        ("x-amzdate", False),
        ("x-am", False),
        ("content-type", True),
        ("Content-Type, x-amz-acl", True),
        ("content-type, authorization", False),
        ("", True),
        (" , ,", True),
    ],
)
def test_header_patterns(requested: str, allowed: bool) -> None:
    policy = from_s3(
        [
            {
                "AllowedOrigins": [APP],
                "AllowedMethods": ["PUT"],
                "AllowedHeaders": ["x-amz-*", "Content-Type"],
            }
        ]
    )
    d = policy.decide("OPTIONS", APP, "PUT", requested)
    assert d.allowed is allowed
    if allowed and requested.strip(" ,"):
        names = sorted({n.strip().lower() for n in requested.split(",") if n.strip()})
        assert cors(d)["Access-Control-Allow-Headers"] == ", ".join(names)


def test_star_headers_echo_the_names_so_authorization_passes() -> None:
    policy = from_s3(
        [{"AllowedOrigins": [APP], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"]}]
    )
    d = policy.decide("OPTIONS", APP, "PUT", "authorization,x-amz-date")
    assert cors(d)["Access-Control-Allow-Headers"] == "authorization, x-amz-date"


def test_no_allowed_headers_refuse_any_requested_header() -> None:
    policy = from_s3([{"AllowedOrigins": [APP], "AllowedMethods": ["PUT"]}])
    assert policy.decide("OPTIONS", APP, "PUT").allowed
    # Unlike CORSPolicy, S3 lists no implicit header: a JSON content-type needs a rule.
    assert policy.decide("OPTIONS", APP, "PUT", "content-type").allowed is False


# ------------------------------------------------------------------------------ GCS


def test_gcs_echoes_the_origin_without_credentials() -> None:
    with pytest.warns(CORSConfigWarning, match="allowed to every origin"):
        policy = from_gcs(
            [{"origin": ["*"], "method": ["*"], "responseHeader": ["*"], "maxAgeSeconds": 0}]
        )
    d = policy.decide("OPTIONS", APP, "PATCH", "x-goog-meta-a")
    assert d.headers == (
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "PATCH"),
        ("Access-Control-Allow-Headers", "x-goog-meta-a"),
        ("Access-Control-Max-Age", "0"),
        *END,
    )
    assert policy.decide("GET", APP).headers == (
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Expose-Headers", "*"),
    )


def test_gcs_response_header_gates_requested_headers() -> None:
    policy = from_gcs(
        [{"origin": [APP], "method": ["PUT", "GET"], "responseHeader": ["Content-Type"]}]
    )
    assert policy.decide("OPTIONS", APP, "PUT", "content-type").allowed
    refused = policy.decide("OPTIONS", APP, "PUT", "x-requested-with")
    assert refused.reason.code is ReasonCode.HEADER_NOT_ALLOWED
    assert cors(policy.decide("GET", APP))["Access-Control-Expose-Headers"] == "Content-Type"


# ------------------------------------------------------------ hostile and odd input


def test_private_network_preflights_are_refused() -> None:
    policy = from_s3([{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}])
    d = policy.decide("OPTIONS", APP, "GET", None, True)
    assert (d.status, d.reason.code) == (403, ReasonCode.PRIVATE_NETWORK)


@pytest.mark.parametrize(
    ("origin", "method", "acrh", "code"),
    [
        ("https://a%2eexample.com", "GET", None, ReasonCode.ORIGIN_MALFORMED),
        ("https://app.example.com%2F", "GET", None, ReasonCode.ORIGIN_MALFORMED),
        (APP, "put", None, ReasonCode.METHOD_NOT_ALLOWED),  # case-sensitive
        (APP, "PU T", None, ReasonCode.METHOD_MALFORMED),
        (APP, "PUT", "x a", ReasonCode.HEADERS_MALFORMED),
        (APP, "PUT", "x-a\r\nx-b", ReasonCode.HEADERS_MALFORMED),
        (APP, "PUT", "a," * 4100, ReasonCode.HEADERS_TOO_LONG),  # 8 KB
        (APP, "P" * 250_000, None, ReasonCode.METHOD_MALFORMED),  # 250 KB
        ("https://" + "a" * 20_000 + ".example.com", "PUT", None, ReasonCode.ORIGIN_MALFORMED),
        ("https://app.example.com\r\nx-injected: 1", "PUT", None, ReasonCode.ORIGIN_MALFORMED),
        ("https://\u0430pp.example.com", "PUT", None, ReasonCode.ORIGIN_MALFORMED),
    ],
)
def test_odd_and_huge_values_are_refused_without_crash(
    origin: str, method: str, acrh: str | None, code: ReasonCode
) -> None:
    policy = from_s3(
        [
            {
                "AllowedOrigins": [APP, "https://*.example.com"],
                "AllowedMethods": ["PUT"],
                "AllowedHeaders": ["x-*"],
            }
        ]
    )
    start = time.perf_counter()
    d = policy.decide("OPTIONS", origin, method, acrh)
    assert (d.status, d.allowed, d.reason.code) == (403, False, code)
    assert all("\r" not in v and "\n" not in v for _, v in d.headers)
    assert d.reason.message.isprintable() and d.reason.message.isascii()
    actual = policy.decide(method, origin)
    assert actual.allowed is (origin == APP and method == "PUT")
    assert actual.vary_origin and all("\n" not in v for _, v in actual.headers)
    assert time.perf_counter() - start < 0.5


def test_acrh_lines_spaces_and_empty_items() -> None:
    policy = from_s3(
        [{"AllowedOrigins": [APP], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"]}]
    )
    d = policy.decide("OPTIONS", APP, "PUT", " X-B ,, x-a,x-b,\tx-c ")
    assert cors(d)["Access-Control-Allow-Headers"] == "x-a, x-b, x-c"


def test_a_fresh_origin_per_request_stays_correct_and_bounded() -> None:
    policy = from_s3(
        [
            {
                "AllowedOrigins": ["https://*.example.com"],
                "AllowedMethods": ["GET", "PUT"],
                "AllowedHeaders": ["x-amz-*"],
            }
        ]
    )
    for i in range(6000):
        origin = f"https://u{i}.example.com" if i % 2 else f"https://u{i}.evil.net"
        assert policy.decide("GET", origin).allowed is bool(i % 2)
        pre = policy.decide("OPTIONS", origin, "PUT", f"x-amz-meta-{i}")
        assert pre.allowed is bool(i % 2)
        if i % 2:
            assert cors(pre)["Access-Control-Allow-Origin"] == origin
    for memo in policy.memo_info().values():
        assert memo.entries <= memo.max_entries <= 4096


def test_decisions_are_cached_and_stable(policy: BucketPolicy) -> None:
    first = policy.decide("OPTIONS", APP, "PUT", "x-a")
    assert policy.decide("OPTIONS", APP, "PUT", "x-a") is first
    assert policy.decide("GET", APP) is policy.decide("GET", APP)
