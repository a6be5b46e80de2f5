"""What :mod:`cors_core.audit` reports, and the checks its two audits share.

:class:`Finding` and :data:`SEVERITIES` are public through :mod:`cors_core.audit`. The
checks here judge one allowed origin or one ``*.`` / ``:*`` pattern, whatever the engine
that holds it: a :class:`~cors_core.CORSPolicy` (``audit_policy``) or a bucket's rules
(:mod:`cors_core.audit._buckets`), so each rule is written once. Probes go through the
engine's own ``decide``: nothing here matches an origin itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from cors_core._origins import (
    OriginPattern,
    ParsedOrigin,
    is_loopback_host,
    is_potentially_trustworthy,
)
from cors_core._suffixes import hosting_suffix, is_public_suffix
from cors_core.integration import Engine

__all__ = [
    "EVIL",
    "SEVERITIES",
    "WITH_CREDENTIALS",
    "Finding",
    "allowed",
    "exact_origin_findings",
    "pattern_findings",
]

#: Severities, most severe first.
SEVERITIES = ("high", "medium", "low", "info")

#: A host no configuration names: the attacker's own site in every probe.
EVIL = "evil-cors-probe.example"

#: How a message says that an origin is trusted with credentials (a ``CORSPolicy``'s words).
WITH_CREDENTIALS = "with allow_credentials=True"


@dataclass(frozen=True, slots=True)
class Finding:
    """One audit result: ``severity`` (high/medium/low/info), a stable ``check`` id,
    what it concerns (``where``: ``"*"``, a path pattern, or for a bucket's rules the place
    in the file such as ``CORSRules[0].AllowedOrigins[1]``), the probe ``origin`` that got
    in (if any), what it means and the fix.

    >>> Finding("high", "null_origin", "*", "null", "'null' is allowed", "remove it").severity
    'high'
    """

    severity: str
    check: str
    where: str
    origin: str | None
    message: str
    fix: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def allowed(engine: Engine, origin: str) -> bool:
    """Whether ``engine`` lets ``origin`` read a plain ``GET`` (an allow-origin header is sent).

    >>> from cors_core import CORSPolicy
    >>> allowed(CORSPolicy(allow_origins=["https://*.example.com"]), "https://a.example.com")
    True
    """
    decision = engine.decide("GET", origin)
    return decision.allowed and any(k == "Access-Control-Allow-Origin" for k, _ in decision.headers)


def exact_origin_findings(
    entry: str, parsed: ParsedOrigin, where: str, creds: bool, how: str = WITH_CREDENTIALS
) -> list[Finding]:
    """Findings for one exact allowed origin: on a shared hosting domain; not https while
    trusted with credentials (``how`` says how the engine sends them).

    >>> from cors_core._origins import parse_origin
    >>> [f.check for f in exact_origin_findings(
    ...     "http://me.github.io", parse_origin("http://me.github.io"), "*", True)]
    ['user_content_origin', 'http_origin_with_credentials']
    """
    findings: list[Finding] = []
    shared = hosting_suffix(parsed.host)
    if shared is not None and parsed.host.rstrip(".") != shared:
        findings.append(
            Finding(
                "low",
                "user_content_origin",
                where,
                entry,
                f"{entry!r} is on the shared hosting domain {shared!r} (Public Suffix "
                "List, private section): the platform, and every page published "
                "under that origin (other repositories, paths), share it",
                "serve the trusted frontend from your own domain",
            )
        )
    if creds and not is_potentially_trustworthy(parsed.scheme, parsed.host):
        what = (
            "is plain http"
            if parsed.scheme == "http"
            else f"uses the {parsed.scheme!r} scheme, which nothing authenticates,"
        )
        findings.append(
            Finding(
                "medium",
                "http_origin_with_credentials",
                where,
                entry,
                f"{entry!r} {what} {how}: a network "
                "attacker can impersonate it and read credentialed responses",
                "use https",
            )
        )
    return findings


def pattern_findings(
    engine: Engine, pattern: OriginPattern, where: str, creds: bool
) -> list[Finding]:
    """Findings for one ``https://*.example.com`` or ``http://localhost:*`` pattern that
    ``engine`` holds: a public suffix under the ``*``, every subdomain, every port.

    >>> from cors_core import CORSPolicy
    >>> pattern = OriginPattern("https", "github.io", None, True)
    >>> policy = CORSPolicy(allow_origins=["https://*.github.io"])
    >>> [(f.severity, f.check) for f in pattern_findings(policy, pattern, "*", False)]
    [('high', 'public_suffix_wildcard')]
    """
    entry = str(pattern)
    if pattern.subdomains:
        probe = f"{pattern.scheme}://evil-cors-probe.{pattern.host}" + (
            f":{pattern.port}" if pattern.port and pattern.port != "*" else ""
        )
        if is_public_suffix(pattern.host) and allowed(engine, probe):
            return [
                Finding(
                    "high",
                    "public_suffix_wildcard",
                    where,
                    probe,
                    f"{entry!r} sits on the public suffix {pattern.host!r}: anyone can "
                    f"register a site there, e.g. {probe!r}",
                    "list your own subdomains instead",
                )
            ]
        return [
            Finding(
                "medium" if creds else "low",
                "subdomain_wildcard",
                where,
                probe,
                f"{entry!r} trusts every subdomain of {pattern.host!r}: a taken-over or "
                "user-controlled subdomain can read "
                + ("credentialed " if creds else "")
                + "responses",
                "list the subdomains you serve, if they are few",
            )
        ]
    if pattern.port == "*":
        loop = is_loopback_host(pattern.host)
        return [
            Finding(
                ("low" if creds else "info") if loop else "medium",
                "any_port",
                where,
                None,
                f"{entry!r} trusts every port on {pattern.host!r}"
                + (
                    ": any local development server or tool can read the responses"
                    if loop
                    else ": any service on that host can read the responses"
                ),
                "keep localhost ports for development settings only"
                if loop
                else "list the port(s) you use",
            )
        ]
    return []
