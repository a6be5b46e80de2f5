"""``cors_core.audit.audit_bucket``: each bucket-specific finding, its severity and place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cors_core import Problem
from cors_core.audit import SEVERITIES, Finding, audit_bucket

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "buckets" / "s3-cors.json"


def found(data: Any, provider: str = "s3") -> list[tuple[str, str, str, str | None]]:
    """(severity, check, where, origin) of each finding, in the audit's order."""
    return [(f.severity, f.check, f.where, f.origin) for f in audit_bucket(data, provider)]


def one(data: Any, check: str, provider: str = "s3") -> Finding:
    (finding,) = [f for f in audit_bucket(data, provider) if f.check == check]
    return finding


def s3(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"CORSRules": list(rules)}


def test_the_example_file() -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert found(data) == [
        (
            "high",
            "any_origin_write",
            "CORSRules[0].AllowedMethods",
            "https://evil-cors-probe.example",
        ),
        ("medium", "any_request_header", "CORSRules[0].AllowedHeaders[0]", None),
    ]


def test_a_clean_file_has_no_finding() -> None:
    rules = s3(
        {
            "AllowedOrigins": ["https://app.example.com", "https://admin.example.com"],
            "AllowedMethods": ["GET", "PUT"],
            "AllowedHeaders": ["content-type", "x-amz-meta-*"],
            "ExposeHeaders": ["ETag", "x-amz-request-id"],
            "MaxAgeSeconds": 3000,
        }
    )
    assert found(rules) == []
    assert found([{"origin": ["https://app.example.com"], "method": ["GET"]}], "gcs") == []


# ------------------------------------------------------------------ writes from every origin


@pytest.mark.parametrize(
    ("methods", "severity", "said"),
    [
        (["GET", "PUT"], "high", "may send PUT:"),
        (["DELETE"], "high", "may send DELETE:"),
        (["GET", "POST"], "medium", "may send POST:"),
        (["GET", "PUT", "POST", "DELETE"], "high", "may send PUT, DELETE, POST:"),
    ],
)
def test_every_origin_may_write(methods: list[str], severity: str, said: str) -> None:
    finding = one(s3({"AllowedOrigins": ["*"], "AllowedMethods": methods}), "any_origin_write")
    assert (finding.severity, finding.where) == (severity, "CORSRules[0].AllowedMethods")
    assert f"every origin ('*' at CORSRules[0].AllowedOrigins[0]) {said}" in finding.message
    assert finding.fix.startswith("list your front end's origins in AllowedOrigins")


def test_a_wildcard_that_covers_every_origin_may_write_too() -> None:
    rules = s3(
        {"AllowedOrigins": ["https://app.example.com", "https://*"], "AllowedMethods": ["PUT"]}
    )
    finding = one(rules, "any_origin_write")
    assert "('https://*' at CORSRules[0].AllowedOrigins[1])" in finding.message


def test_gcs_any_method_from_any_origin() -> None:
    rules = [{"origin": ["*"], "method": ["*"]}]
    assert found(rules, "gcs") == [
        ("high", "any_origin_write", "cors[0].method", "https://evil-cors-probe.example")
    ]


def test_the_first_rule_that_lets_every_origin_write_is_named() -> None:
    rules = s3(
        {"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT"]},
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
        {"AllowedOrigins": ["*"], "AllowedMethods": ["PUT"]},
    )
    assert one(rules, "any_origin_write").where == "CORSRules[2].AllowedMethods"


def test_every_origin_may_read() -> None:
    rules = s3({"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"]})
    assert found(rules) == [
        (
            "low",
            "wildcard_origin",
            "CORSRules[0].AllowedOrigins[0]",
            "https://evil-cors-probe.example",
        )
    ]


# ---------------------------------------------------------------------------- origins


@pytest.mark.parametrize(
    ("origin", "check", "severity", "probe"),
    [
        (
            "https://*.github.io",
            "public_suffix_wildcard",
            "high",
            "https://evil-cors-probe.github.io",
        ),
        (
            "https://*.s3.amazonaws.com",
            "public_suffix_wildcard",
            "high",
            "https://evil-cors-probe.s3.amazonaws.com",
        ),
        ("https://*.r2.dev", "public_suffix_wildcard", "high", "https://evil-cors-probe.r2.dev"),
        ("https://*example.com", "wildcard_outside_domain", "high", "https://evilexample.com"),
        (
            "https://example.*",
            "wildcard_outside_domain",
            "high",
            "https://example.evil-cors-probe.example",
        ),
        (
            "https://app.example.com*",
            "wildcard_outside_domain",
            "high",
            "https://app.example.com.evil-cors-probe.example",
        ),
        ("*://app.example.com", "http_downgrade", "high", "http://app.example.com"),
        (
            "http://app.example.com",
            "http_origin_with_credentials",
            "medium",
            "http://app.example.com",
        ),
        ("http://*.example.com", "http_origin_with_credentials", "medium", "http://*.example.com"),
        (
            "https://*.example.com",
            "subdomain_wildcard",
            "medium",
            "https://evil-cors-probe.example.com",
        ),
        (
            "https://app-*.example.com",
            "subdomain_wildcard",
            "medium",
            "https://app-evil.example.com",
        ),
        ("https://me.github.io", "user_content_origin", "low", "https://me.github.io"),
        ("http://localhost:*", "any_port", "low", None),
    ],
)
def test_origin_entries(origin: str, check: str, severity: str, probe: str | None) -> None:
    rules = s3({"AllowedOrigins": ["https://app.example.com", origin], "AllowedMethods": ["GET"]})
    finding = one(rules, check)
    assert (finding.severity, finding.where, finding.origin) == (
        severity,
        "CORSRules[0].AllowedOrigins[1]",
        probe,
    )


def test_wildcards_across_dots_name_the_registrable_domain() -> None:
    finding = one(
        s3({"AllowedOrigins": ["https://*example.com"], "AllowedMethods": ["GET"]}),
        "wildcard_outside_domain",
    )
    assert finding.message == (
        "'https://*example.com' lets in 'https://evilexample.com': S3's '*' stands for any "
        "text, dots included, so anyone who registers 'evilexample.com' gets in"
    )


def test_gcs_origins_carry_no_credentials() -> None:
    rules = [{"origin": ["http://app.example.com"], "method": ["GET"]}]
    assert found(rules, "gcs") == []


# ---------------------------------------------------------------------------- headers


def test_any_request_header_with_writes_is_medium_and_with_reads_low() -> None:
    writes = one(
        s3(
            {
                "AllowedOrigins": ["https://a.example"],
                "AllowedMethods": ["PUT"],
                "AllowedHeaders": ["*"],
            }
        ),
        "any_request_header",
    )
    assert (writes.severity, writes.where) == ("medium", "CORSRules[0].AllowedHeaders[0]")
    assert "x-amz-* header (ACL, tagging, website redirect" in writes.message
    reads = one(
        s3(
            {
                "AllowedOrigins": ["https://a.example"],
                "AllowedMethods": ["GET"],
                "AllowedHeaders": ["range", "*"],
            }
        ),
        "any_request_header",
    )
    assert (reads.severity, reads.where) == ("low", "CORSRules[0].AllowedHeaders[1]")


def test_gcs_response_header_star_goes_both_ways() -> None:
    rules = [{"origin": ["https://a.example"], "method": ["GET"], "responseHeader": ["*"]}]
    finding = one(rules, "any_request_header", "gcs")
    assert finding.where == "cors[0].responseHeader[0]"
    assert "every response header is readable too" in finding.message
    assert [f.check for f in audit_bucket(rules, "gcs")] == ["any_request_header"]


@pytest.mark.parametrize(
    ("origins", "severity"), [(["*"], "medium"), (["https://a.example"], "low")]
)
def test_sensitive_exposed_headers(origins: list[str], severity: str) -> None:
    rules = s3(
        {
            "AllowedOrigins": origins,
            "AllowedMethods": ["GET"],
            "ExposeHeaders": [
                "ETag",
                "x-amz-server-side-encryption-aws-kms-key-id",
                "x-amz-meta-owner",
            ],
        }
    )
    exposed = [
        (f.severity, f.where) for f in audit_bucket(rules, "s3") if f.check == "sensitive_expose"
    ]
    assert exposed == [
        (severity, "CORSRules[0].ExposeHeaders[1]"),
        (severity, "CORSRules[0].ExposeHeaders[2]"),
    ]


def test_expose_all() -> None:
    public = one(
        s3({"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "ExposeHeaders": ["*"]}),
        "expose_all",
    )
    assert (public.severity, public.where) == ("medium", "CORSRules[0].ExposeHeaders[0]")
    credentialed = one(
        s3(
            {
                "AllowedOrigins": ["https://a.example"],
                "AllowedMethods": ["GET"],
                "ExposeHeaders": ["*"],
            }
        ),
        "expose_all",
    )
    assert credentialed.severity == "info"
    assert "browsers then read '*' as a header named '*'" in credentialed.message


# --------------------------------------------------------------------------- shadowing


def test_an_earlier_rule_shadows_a_later_one() -> None:
    rules = s3(
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
        {
            "AllowedOrigins": ["https://app.example.com"],
            "AllowedMethods": ["GET", "PUT"],
            "ExposeHeaders": ["ETag"],
        },
    )
    finding = one(rules, "shadowed_rule")
    assert (finding.severity, finding.where, finding.origin) == (
        "low",
        "CORSRules[1]",
        "https://app.example.com",
    )
    assert finding.message == (
        "CORSRules[0] comes first and answers some requests: GET from "
        "'https://app.example.com', so for those CORSRules[1]'s ExposeHeaders, credentials "
        "are ignored"
    )


def test_a_duplicate_rule_is_info() -> None:
    rule = {"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["GET"]}
    finding = one(s3(rule, rule), "shadowed_rule")
    assert (finding.severity, finding.where) == ("info", "CORSRules[1]")
    assert "answers every request it names" in finding.message
    assert finding.fix == "remove CORSRules[1], or merge the two"


def test_rules_for_other_methods_do_not_shadow() -> None:
    rules = s3(
        {"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["GET"]},
        {"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["PUT"], "MaxAgeSeconds": 60},
    )
    assert found(rules) == []


# -------------------------------------------------------------------- refused entries


def test_refused_entries_are_high_and_the_rest_of_the_rule_is_audited() -> None:
    rules = s3(
        {
            "AllowedOrigins": ["https://App.example.com", "*"],
            "AllowedMethods": ["GET", "PUT", "PATCH"],
        }
    )
    assert found(rules) == [
        ("high", "refused_entry", "CORSRules[0].AllowedOrigins[0]", None),
        ("high", "refused_entry", "CORSRules[0].AllowedMethods[2]", None),
        (
            "high",
            "any_origin_write",
            "CORSRules[0].AllowedMethods",
            "https://evil-cors-probe.example",
        ),
    ]
    refusal = audit_bucket(rules, "s3")[1]
    assert refusal.message == "'PATCH' is not a method S3 allows (cors_core refuses to load this)"
    assert refusal.fix.startswith("use one of GET, PUT, HEAD, POST, DELETE")
    # The finding on the kept '*' names its place in the file as written.
    assert "('*' at CORSRules[0].AllowedOrigins[1])" in audit_bucket(rules, "s3")[2].message


def test_a_rule_refused_as_a_whole_is_reported_once_per_problem() -> None:
    rules = s3({"AllowedOrigin": ["*"], "AllowedMethods": ["GET"]})
    assert found(rules) == [
        ("high", "refused_entry", "CORSRules[0].AllowedOrigin", None),
        ("high", "refused_entry", "CORSRules[0].AllowedOrigins", None),
    ]


def test_refused_keys_are_dropped_and_the_rule_audited() -> None:
    rules = s3({"AllowedOrigins": ["*"], "AllowedMethods": ["PUT"], "MaxAgeSeconds": -1, "Note": 1})
    assert [(f.check, f.where) for f in audit_bucket(rules, "s3")] == [
        ("refused_entry", "CORSRules[0].Note"),
        ("refused_entry", "CORSRules[0].MaxAgeSeconds"),
        ("any_origin_write", "CORSRules[0].AllowedMethods"),
    ]
    gcs = [{"origin": ["*"], "method": ["DELETE"], "maxAgeSeconds": "3600"}]
    assert [(f.check, f.where) for f in audit_bucket(gcs, "gcs")] == [
        ("refused_entry", "cors[0].maxAgeSeconds"),
        ("any_origin_write", "cors[0].method"),
    ]


class Hostile(dict):  # type: ignore[type-arg]
    def __getitem__(self, key: object) -> Any:
        raise RuntimeError("boom")

    def get(self, key: object, default: object = None) -> Any:
        raise RuntimeError("boom")


@pytest.mark.parametrize("data", [42, None, "text", [], Hostile(CORSRules=[1]), s3(1)])
def test_never_raises(data: Any) -> None:
    findings = audit_bucket(data, "s3")
    assert all(f.check == "refused_entry" and f.severity == "high" for f in findings)


def test_hostile_text_is_quoted_and_escaped() -> None:
    rules = s3({"AllowedOrigins": ["https://a.example\x1b[2J\u202e"], "AllowedMethods": ["GET"]})
    (finding,) = audit_bucket(rules, "s3")
    assert "'https://a.example\\x1b[2J\\u202e'" in finding.message
    assert finding.message.isascii() and finding.message.isprintable()


# ---------------------------------------------------------------------- loader warnings


def test_warnings_no_finding_covers_become_doubtful_entries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cors_core.audit._buckets as bucket_audit

    real = bucket_audit.parse_rules

    def with_a_warning(data: Any, provider: Any) -> Any:
        rules, errors, warnings = real(data, provider)
        extra = Problem("CORSRules[0].MaxAgeSeconds", "999999", "is long", "shorten it")
        return rules, errors, [*warnings, extra]

    monkeypatch.setattr(bucket_audit, "parse_rules", with_a_warning)
    rules = s3({"AllowedOrigins": ["*"], "AllowedMethods": ["PUT"]})
    assert [(f.severity, f.check, f.where) for f in audit_bucket(rules, "s3")] == [
        ("high", "any_origin_write", "CORSRules[0].AllowedMethods"),  # covers the PUT warning
        ("medium", "doubtful_entry", "CORSRules[0].MaxAgeSeconds"),
    ]


def test_findings_are_sorted_by_severity() -> None:
    rules = s3(
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "ExposeHeaders": ["*"]},
        {"AllowedOrigins": ["https://*example.com"], "AllowedMethods": ["GET"]},
    )
    order = [SEVERITIES.index(f.severity) for f in audit_bucket(rules, "s3")]
    assert order == sorted(order) and len(order) >= 3
