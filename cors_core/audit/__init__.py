"""Audit a CORS policy the way scanners and attackers probe one.

:func:`audit_policy` derives attacker origins from the allow-list's own hosts (the
host as a prefix, suffix or substring of another domain, an unescaped regex dot,
http instead of https, special characters after the host, ...), asks the policy about
each one, and reports every origin that gets in as a :class:`Finding` with a severity.
It also flags risky but valid settings (``null``, user-content hosts such as
``github.io``, public-suffix and any-port patterns, ``debug=True``).

:func:`audit_bucket` checks a bucket's CORS rules (S3 ``CORSRules``, GCS ``cors``, parsed
JSON) the same way, plus what is particular to buckets: every site allowed to write, ``*``
request headers, S3's ``*`` matching across dots, rules shadowed by an earlier one,
sensitive headers exposed. It reads rules that :func:`cors_core.buckets.from_s3` would
refuse (they are usually live already): each refused entry is a ``high`` finding.

Nothing is sent over the network: the probes go through the policy's own ``decide``.

Example::

    >>> from cors_core import CORSPolicy
    >>> from cors_core.audit import audit_policy
    >>> policy = CORSPolicy(allow_origin_regex=r"https://.*example\\.com")
    >>> [f.check for f in audit_policy(policy) if f.severity == "high"][:1]
    ['host_suffix']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cors_core._origins import OriginPattern, ParsedOrigin, parse_config_origin, parse_origin
from cors_core._policy import CORSPolicy
from cors_core._suffixes import PROBED_HOSTING_SUFFIXES, hosting_suffix, is_public_suffix
from cors_core.audit._buckets import audit_bucket
from cors_core.audit._findings import (
    EVIL,
    SEVERITIES,
    Finding,
    allowed,
    exact_origin_findings,
    pattern_findings,
)

__all__ = [
    "SEVERITIES",
    "USER_CONTENT_SUFFIXES",
    "Finding",
    "audit_bucket",
    "audit_policies",
    "audit_policy",
    "near_misses",
    "regex_admits",
]

#: Shared hosting domains where anyone can publish a page (and so own an origin), probed
#: whatever the configuration names. Which domains are shared comes from the Public Suffix
#: List's private section (:func:`cors_core._suffixes.hosting_suffix`); the probes also cover
#: the hosting suffix of every host the allow-list names. See
#: :data:`cors_core._suffixes.PROBED_HOSTING_SUFFIXES`.
USER_CONTENT_SUFFIXES = PROBED_HOSTING_SUFFIXES

#: Characters some browsers accept in a host, used after the allowed host by scanners.
_SPECIAL_CHARS = ("_", "`", "%60", "{", "}", "!", "~", "$", "&", "'", "(", "*", "+", ",", ";", "=")
_REGEX_HOST = re.compile(r"(?:[a-z0-9-]+(?:\\\.|\[\.\]|\.))+[a-z]{2,}", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Base:
    scheme: str
    host: str
    port: str | None
    source: str  # "exact", "pattern" or "regex"
    entry: str

    def origin(self, host: str | None = None, scheme: str | None = None) -> str:
        port = f":{self.port}" if self.port and self.port != "*" else ""
        return f"{scheme or self.scheme}://{host or self.host}{port}"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str | re.Pattern):
        return [value]
    try:
        return list(value)
    except TypeError:
        return []


def _bases(policy: CORSPolicy) -> list[_Base]:
    """The hosts the allow-list is about: exact origins, pattern bases, regex literals."""
    out: dict[tuple[str, str], _Base] = {}
    for entry in _as_list(policy.options.get("allow_origins")):
        parsed = parse_config_origin(entry)
        if isinstance(parsed, OriginPattern):
            base = _Base(parsed.scheme, parsed.host, parsed.port, "pattern", str(parsed))
        elif isinstance(parsed, str) and parsed != "null":
            po = parse_origin(parsed)
            if po is None:
                continue
            base = _Base(po.scheme, po.host, po.port, "exact", parsed)
        else:
            continue
        out.setdefault((base.scheme, base.host), base)
    for rx in _as_list(policy.options.get("allow_origin_regex")):
        source = rx.pattern if isinstance(rx, re.Pattern) else str(rx)
        scheme = "http" if "https" not in source and "http" in source else "https"
        for literal in _REGEX_HOST.findall(source):
            host = literal.replace("\\.", ".").replace("[.]", ".").lower()
            out.setdefault((scheme, host), _Base(scheme, host, None, "regex", source))
    return list(out.values())


def _acao(policy: CORSPolicy, origin: str) -> str | None:
    for k, v in policy.decide("GET", origin).headers:
        if k == "Access-Control-Allow-Origin":
            return v
    return None


def _probes(base: _Base) -> Iterable[tuple[str, str, str]]:
    """(check, origin, what it shows) for one allow-list host."""
    h = base.host
    yield "host_prefix", base.origin(f"{h}.{EVIL}"), f"{h!r} is matched as a prefix"
    # The same below a subdomain: a regex that requires one (r"https://.*\.h.*") is
    # open after the host all the same.
    yield "host_prefix", base.origin(f"x.{h}.{EVIL}"), f"{h!r} is matched as a prefix"
    yield "host_suffix", base.origin(f"evil{h}"), f"{h!r} is matched as a suffix"
    yield "host_suffix", base.origin(f"evil-{h}"), f"{h!r} is matched as a suffix"
    yield (
        "host_substring",
        base.origin(f"evil{h}x.{EVIL}"),
        f"{h!r} is matched anywhere in the host",
    )
    for i, ch in enumerate(h):
        if ch == ".":
            yield (
                "unescaped_dot",
                base.origin(h[:i] + "x" + h[i + 1 :]),
                "a '.' in a regex matches any character",
            )
    for ch in _SPECIAL_CHARS:
        yield (
            "special_chars",
            base.origin(f"{h}{ch}.{EVIL}"),
            f"{ch!r} after the host is accepted (Safari and others send such hosts)",
        )
    if base.source != "pattern" and not is_public_suffix(h):
        yield "any_subdomain", base.origin(f"evil.{h}"), "every subdomain is allowed"


def regex_admits(regex: str | re.Pattern[str]) -> list[tuple[str, str]]:
    """Foreign origins an origin regex fullmatches, with what each shows: the audit's
    probes around every host the regex names (a prefix, a suffix, a substring, an
    unescaped dot, characters after the host). Works on any regex, even one refused for
    its backtracking (the probes are short).

    >>> regex_admits(r"https?://\\w*\\.?example\\.com:?\\d*/?.*")[0]
    ('https://example.com.evil-cors-probe.example', "'example.com' is matched as a prefix")
    >>> regex_admits(r"https://app\\.example\\.com")
    []
    """
    source = regex.pattern if isinstance(regex, re.Pattern) else regex
    flags = regex.flags if isinstance(regex, re.Pattern) else 0
    compiled = re.compile(source, flags)
    found: list[tuple[str, str]] = []
    for literal in dict.fromkeys(_REGEX_HOST.findall(source)):
        host = literal.replace("\\.", ".").replace("[.]", ".").lower()
        for scheme in ("https", "http"):
            base = _Base(scheme, host, None, "regex", source)
            for check, origin, what in _probes(base):
                if check == "any_subdomain":
                    continue
                if compiled.fullmatch(origin) and origin not in dict(found):
                    found.append((origin, what))
    return found


_FIXES = {
    "host_prefix": "anchor the host: list exact origins, or end the regex with the host "
    "(allow_origin_regex is fullmatched, so avoid '.*' after the host)",
    "host_suffix": "anchor the start of the host: 'https://([a-z0-9-]+\\.)?example\\.com' "
    "instead of 'https://.*example\\.com', or use a 'https://*.example.com' pattern",
    "host_substring": "do not match the host as a substring; list exact origins or '*.' patterns",
    "unescaped_dot": "escape dots in allow_origin_regex ('\\.'), or list exact origins",
    "special_chars": "do not use '[^.]'-style or '.*' classes after the host; list exact "
    "origins or '*.' patterns",
    "any_subdomain": "if not every subdomain is trusted, list exact origins instead",
    "http_downgrade": "allow only https origins: a network attacker can forge http pages",
}


def _probe_findings(policy: CORSPolicy, where: str, creds: bool) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[str] = set()
    for base in _bases(policy):
        probes = list(_probes(base))
        if base.scheme == "https":
            probes.append(
                ("http_downgrade", base.origin(scheme="http"), "plain http is allowed too")
            )
        special: list[str] = []
        for check, origin, what in probes:
            if origin in seen or not allowed(policy, origin):
                continue
            seen.add(origin)
            if check == "special_chars":
                special.append(origin)
                if len(special) > 1:
                    continue  # one finding per host; the count is added below
            severity = "high"
            if check == "any_subdomain":
                severity = "medium" if creds else "low"
            elif check == "http_downgrade":
                severity = "high" if creds else "medium"
            findings.append(
                Finding(
                    severity,
                    check,
                    where,
                    origin,
                    f"origin {origin!r} is allowed ({base.source} entry {base.entry!r}): {what}",
                    _FIXES[check],
                )
            )
        if len(special) > 1:
            i = next(i for i, f in enumerate(findings) if f.origin == special[0])
            first = findings[i]
            findings[i] = Finding(
                first.severity,
                first.check,
                first.where,
                first.origin,
                first.message + f" ({len(special) - 1} more such origins are allowed)",
                first.fix,
            )
    return findings


def _setting_findings(policy: CORSPolicy, where: str, creds: bool) -> list[Finding]:
    findings: list[Finding] = []
    options = policy.options
    for entry in _as_list(options.get("allow_origins")):
        parsed = parse_config_origin(entry)
        if isinstance(parsed, OriginPattern):
            findings += pattern_findings(policy, parsed, where, creds)
        elif isinstance(parsed, str) and parsed != "null":
            po = parse_origin(parsed)
            if po is None:
                continue
            findings += exact_origin_findings(parsed, po, where, creds)
    if options.get("debug") is True:
        findings.append(
            Finding(
                "medium",
                "debug_enabled",
                where,
                None,
                "debug=True puts the rejection reason (and so hints about the allow-list) in "
                "every rejected preflight",
                "use debug=True in development only",
            )
        )
    if options.get("allow_private_network") is True:
        findings.append(
            Finding(
                "info",
                "private_network",
                where,
                None,
                "allow_private_network=True lets allowed public sites reach this "
                "private-network server",
                "keep it only if public pages must call this server",
            )
        )
    if creds and (options.get("allow_methods") == "*" or options.get("allow_headers") == "*"):
        findings.append(
            Finding(
                "info",
                "wildcard_with_credentials",
                where,
                None,
                "'*' methods/headers with credentials are answered by echoing the request",
                "list the methods and headers the frontend really uses",
            )
        )
    return findings


def audit_policy(policy: CORSPolicy, where: str = "*") -> list[Finding]:
    """Probe one policy; findings sorted by severity (most severe first).

    >>> audit_policy(CORSPolicy(allow_origins=["https://app.example.com"]))
    []
    """
    creds = policy.allow_credentials
    foreign = f"https://{EVIL}"
    acao = _acao(policy, foreign)
    findings: list[Finding] = []
    if acao == "*":
        findings.append(
            Finding(
                "low",
                "wildcard_origin",
                where,
                foreign,
                "every origin may read non-credentialed responses ('*')",
                "fine for public data only; list origins if the API is not public",
            )
        )
        return findings
    if acao == foreign:
        findings.append(
            Finding(
                "high",
                "foreign_origin_reflected",
                where,
                foreign,
                f"an arbitrary foreign origin {foreign!r} is allowed and reflected"
                + (" with credentials" if creds else ""),
                "list the trusted origins; never reflect Origin unconditionally",
            )
        )
        return findings
    if allowed(policy, "null"):
        findings.append(
            Finding(
                "high" if creds else "medium",
                "null_origin",
                where,
                "null",
                "origin 'null' is allowed: any site can send it from a sandboxed iframe",
                "remove 'null' from allow_origins (and allow_null_origin)",
            )
        )
    for suffix in _hosting_probes(policy):
        probe = f"https://evil-cors-probe.{suffix}"
        if allowed(policy, probe):
            findings.append(
                Finding(
                    "high",
                    "user_content_host",
                    where,
                    probe,
                    f"{probe!r} is allowed: anyone can publish a page on {suffix!r}",
                    f"list your own origins on {suffix!r} exactly, never a pattern",
                )
            )
    probed = {f.origin for f in findings}
    findings += [f for f in _setting_findings(policy, where, creds) if f.origin not in probed]
    probed = {f.origin for f in findings}
    findings += [f for f in _probe_findings(policy, where, creds) if f.origin not in probed]
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity))


def _hosting_probes(policy: CORSPolicy) -> list[str]:
    """The popular hosting suffixes, then the hosting suffix of each host the policy names."""
    out = dict.fromkeys(USER_CONTENT_SUFFIXES)
    for base in _bases(policy):
        shared = hosting_suffix(base.host)
        if shared is not None:
            out.setdefault(shared)
    return list(out)


def audit_policies(policies: Mapping[str, CORSPolicy | None]) -> list[Finding]:
    """Audit each policy of a configuration (``"*"`` and each path pattern).

    >>> from cors_core.loading import load_policies, read_toml
    >>> findings = audit_policies(load_policies(read_toml("pyproject.toml")))
    """
    out: list[Finding] = []
    for where, policy in policies.items():
        if policy is not None:
            out += audit_policy(policy, where)
    return sorted(out, key=lambda f: SEVERITIES.index(f.severity))


def near_misses(policy: CORSPolicy, origin: str) -> list[str]:
    """Hints when a refused origin is close to an allowed entry (www, apex, scheme, port).

    >>> near_misses(CORSPolicy(allow_origins=["https://*.example.com"]), "https://example.com")
    ["'https://*.example.com' matches subdomains only, not 'https://example.com': add it too"]
    """
    parsed = parse_origin(origin)
    if parsed is None:
        return []
    hints: list[str] = []
    for entry in _as_list(policy.options.get("allow_origins")):
        allowed = parse_config_origin(entry)
        if isinstance(allowed, OriginPattern):
            if allowed.subdomains and parsed.host == allowed.host:
                hints.append(
                    f"{str(allowed)!r} matches subdomains only, not {origin!r}: add it too"
                )
            elif _same_host(parsed, allowed.host, allowed.subdomains) and (
                parsed.scheme != allowed.scheme
            ):
                hints.append(f"{str(allowed)!r} is allowed: the scheme must match exactly")
        elif isinstance(allowed, str) and allowed != "null":
            other = parse_origin(allowed)
            if other is None:
                continue
            if parsed.host in ("www." + other.host, other.host.removeprefix("www.")) and (
                parsed.host != other.host
            ):
                hints.append(f"{allowed!r} is allowed, but 'www.' makes a different origin")
            elif other.host == parsed.host and other != parsed:
                hints.append(f"{allowed!r} is allowed: scheme and port must match exactly")
    return hints


def _same_host(parsed: ParsedOrigin, host: str, subdomains: bool) -> bool:
    return parsed.host.endswith("." + host) if subdomains else parsed.host == host
