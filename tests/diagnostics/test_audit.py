"""``cors-core audit`` and :mod:`cors_core.audit`: each misconfiguration class is caught."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from cors_core import CORSPolicy
from cors_core.audit import Finding, audit_policy, near_misses
from cors_core.cli import main


def checks(findings: list[Finding], severity: str | None = None) -> set[str]:
    return {f.check for f in findings if severity is None or f.severity == severity}


def test_clean_policy_has_no_findings() -> None:
    policy = CORSPolicy(
        allow_origins=["https://app.example.com", "https://admin.example.com"],
        allow_credentials=True,
    )
    assert audit_policy(policy) == []


def test_reflecting_predicate_is_high() -> None:
    findings = audit_policy(CORSPolicy(allow_origin_predicate=lambda origin: True))
    assert [(f.severity, f.check, f.origin) for f in findings] == [
        ("high", "foreign_origin_reflected", "https://evil-cors-probe.example")
    ]


def test_wildcard_without_credentials_is_low() -> None:
    findings = audit_policy(CORSPolicy(allow_origins=["*"]))
    assert [(f.severity, f.check) for f in findings] == [("low", "wildcard_origin")]


@pytest.mark.parametrize(
    ("options", "check", "severity", "origin"),
    [
        (
            {"allow_origin_regex": r"https://.*"},
            "foreign_origin_reflected",
            "high",
            "https://evil-cors-probe.example",
        ),
        (
            {"allow_origins": ["null"], "allow_null_origin": True, "allow_credentials": True},
            "null_origin",
            "high",
            "null",
        ),
        (
            {"allow_origins": ["null", "https://a.example"], "allow_null_origin": True},
            "null_origin",
            "medium",
            "null",
        ),
        (
            {"allow_origin_regex": r"https://example\.com.*"},
            "host_prefix",
            "high",
            "https://example.com.evil-cors-probe.example",
        ),
        (
            {"allow_origin_regex": r"https://.*example\.com"},
            "host_suffix",
            "high",
            "https://evilexample.com",
        ),
        (
            {"allow_origin_regex": r"https://.*example\.com.*"},
            "host_substring",
            "high",
            "https://evilexample.comx.evil-cors-probe.example",
        ),
        (
            {"allow_origin_regex": r"https://api.example.com"},
            "unescaped_dot",
            "high",
            "https://apixexample.com",
        ),
        (
            {"allow_origin_regex": r"https?://example\.com", "allow_credentials": True},
            "http_downgrade",
            "high",
            "http://example.com",
        ),
        (
            {"allow_origin_regex": r"https?://example\.com"},
            "http_downgrade",
            "medium",
            "http://example.com",
        ),
        (
            {"allow_origin_regex": r"https://example\.com[^/]*"},
            "special_chars",
            "high",
            "https://example.com_.evil-cors-probe.example",
        ),
        (
            {"allow_origins": ["https://*.github.io"]},
            "user_content_host",
            "high",
            "https://evil-cors-probe.github.io",
        ),
        (
            {
                "allow_origins": ["https://*.co.uk"],
                "allow_credentials": True,
                "allow_public_suffix_wildcards": True,
            },
            "public_suffix_wildcard",
            "high",
            "https://evil-cors-probe.co.uk",
        ),
        (
            {"allow_origins": ["https://*.example.com"], "allow_credentials": True},
            "subdomain_wildcard",
            "medium",
            "https://evil-cors-probe.example.com",
        ),
        (
            {"allow_origin_regex": r"https://([a-z]+\.)?example\.com", "allow_credentials": True},
            "any_subdomain",
            "medium",
            "https://evil.example.com",
        ),
        ({"allow_origins": ["https://api.example.com:*"]}, "any_port", "medium", None),
        (
            {"allow_origins": ["http://localhost:*"], "allow_credentials": True},
            "any_port",
            "low",
            None,
        ),
        (
            {"allow_origins": ["https://me.github.io"]},
            "user_content_origin",
            "low",
            "https://me.github.io",
        ),
        ({"allow_origins": ["https://a.example"], "debug": True}, "debug_enabled", "medium", None),
        (
            {"allow_origins": ["https://a.example"], "allow_private_network": True},
            "private_network",
            "info",
            None,
        ),
    ],
)
def test_each_misconfiguration_class_is_found(
    options: dict, check: str, severity: str, origin: str | None
) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        findings = audit_policy(CORSPolicy(**options))
    found = [f for f in findings if f.check == check]
    assert found, f"{check} not found in {[(f.check, f.origin) for f in findings]}"
    assert found[0].severity == severity
    assert found[0].origin == origin
    assert found[0].where == "*"
    assert found[0].fix


def test_findings_are_sorted_by_severity() -> None:
    findings = audit_policy(
        CORSPolicy(
            allow_origins=["https://*.example.com", "null"],
            allow_null_origin=True,
            debug=True,
            allow_credentials=True,
        )
    )
    order = [f.severity for f in findings]
    assert order == sorted(order, key=["high", "medium", "low", "info"].index)
    assert order[0] == "high"


def test_special_chars_reported_once_per_host() -> None:
    findings = audit_policy(CORSPolicy(allow_origin_regex=r"https://example\.com[^/]*"))
    special = [f for f in findings if f.check == "special_chars"]
    assert len(special) == 1
    assert "more such origins are allowed" in special[0].message


def test_near_misses() -> None:
    policy = CORSPolicy(
        allow_origins=["https://*.example.org", "https://www.a.example", "https://b.example"]
    )
    assert near_misses(policy, "https://example.org") == [
        "'https://*.example.org' matches subdomains only, not 'https://example.org': add it too"
    ]
    assert near_misses(policy, "https://a.example") == [
        "'https://www.a.example' is allowed, but 'www.' makes a different origin"
    ]
    assert near_misses(policy, "http://b.example:8080") == [
        "'https://b.example' is allowed: scheme and port must match exactly"
    ]
    assert near_misses(policy, "https://unrelated.example") == []
    assert near_misses(policy, "not an origin") == []


# ------------------------------------------------------------------------- the command


def test_audit_command_clean_exit_0(
    capsys: pytest.CaptureFixture[str], write_toml: Callable[..., str]
) -> None:
    config = write_toml(
        '[tool.cors]\nallow_origins = ["https://app.example.com"]\n', "pyproject.toml"
    )
    assert main(["audit", "--config", config]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"cors-core audit: {config}",
        "0 finding(s): 0 high, 0 medium, 0 low, 0 info",
    ]


def test_audit_command_high_exit_1_text(
    capsys: pytest.CaptureFixture[str], write_toml: Callable[..., str]
) -> None:
    config = write_toml('allow_origin_regex = "https://.*example\\\\.com"\n')
    assert main(["audit", "--config", config]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (
        "[HIGH] host_suffix: origin 'https://evilexample.com' is allowed (regex entry "
        "'https://.*example\\\\.com'): 'example.com' is matched as a suffix"
    )
    assert lines[2].startswith("    fix: anchor the start of the host")
    assert lines[-1] == "3 finding(s): 2 high, 0 medium, 1 low, 0 info"


def test_audit_command_paths_and_json(
    capsys: pytest.CaptureFixture[str], write_toml: Callable[..., str]
) -> None:
    config = write_toml(
        "[cors]\n"
        'allow_origins = ["https://app.example.com"]\n'
        "[cors.paths]\n"
        '"/health" = false\n'
        '[cors.paths."/embed/*"]\n'
        'allow_origins = ["https://app.example.com", "https://*.example.org"]\n'
        "debug = true\n"
    )
    assert main(["audit", "--config", config, "--json"]) == 0  # nothing high
    doc = json.loads(capsys.readouterr().out)
    assert doc["failed"] is False
    assert doc["counts"] == {"high": 0, "medium": 1, "low": 1, "info": 0}
    assert [(f["where"], f["check"], f["severity"]) for f in doc["findings"]] == [
        ("/embed/*", "debug_enabled", "medium"),
        ("/embed/*", "subdomain_wildcard", "low"),
    ]
    assert main(["audit", "--config", config, "--fail-on", "medium"]) == 1
    out = capsys.readouterr().out
    assert "[MEDIUM] debug_enabled [path /embed/*]: debug=True puts the rejection reason" in out


def test_audit_command_invalid_config_exit_2(
    capsys: pytest.CaptureFixture[str], write_toml: Callable[..., str]
) -> None:
    config = write_toml('allow_origins = ["*"]\nallow_credentials = true\n')
    assert main(["audit", "--config", config]) == 2
    err = capsys.readouterr().err
    assert "invalid CORS configuration (1 problem):" in err
    assert 'allow_origins: "*" allows every origin together with allow_credentials = true' in err
