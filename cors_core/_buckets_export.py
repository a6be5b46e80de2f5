"""Writing a policy as a bucket's CORS rules: S3 ``{"CORSRules": [...]}``, GCS ``[...]``.

What the target cannot express is refused with a :class:`~cors_core.ConfigError` naming
each setting; what it expresses only more widely (GCS's one ``responseHeader`` list for
both allowed and exposed headers, a dropped ``OPTIONS`` method) is a
:class:`~cors_core.CORSConfigWarning`.
"""

from __future__ import annotations

import warnings
from typing import Any

from cors_core._buckets_engine import BucketPolicy
from cors_core._buckets_parse import S3_METHODS, BucketRule, Provider, label
from cors_core._config import _caller_stacklevel
from cors_core._errors import ConfigError, CORSConfigWarning, Problem
from cors_core._fetch import SAFELISTED_REQUEST_HEADERS
from cors_core._log import log_config_warning
from cors_core._origins import OriginPattern, parse_config_origin
from cors_core._paths import PathRules
from cors_core._policy import CORSPolicy

__all__ = ["export_rules"]

#: Response headers a script may always read (Fetch "CORS-safelisted response-header
#: name"), and the request headers CORSPolicy always allows: no widening to warn about.
_HARMLESS = frozenset(
    {"cache-control", "content-language", "content-length", "content-type", "expires"}
    | {"last-modified", "pragma", *SAFELISTED_REQUEST_HEADERS}
)
_NAMES = {"s3": "S3", "gcs": "GCS"}
_A_NAMES = {"s3": "an S3", "gcs": "a GCS"}


class _Rule:
    """One rule being written, in neutral terms."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.origins: list[str] = []
        self.methods: list[str] = []
        self.headers: list[str] = []
        self.expose: list[str] = []
        self.max_age: int | None = None
        self.id: str | None = None
        self.credentials = False


def _problem(out: list[Problem], option: str, entry: str, problem: str, fix: str) -> None:
    out.append(Problem(option, entry, problem, fix))


def _from_policy(policy: CORSPolicy, to: Provider, errors: list[Problem]) -> list[_Rule]:
    s = policy._s  # the validated settings
    name = _NAMES[to]
    rule = _Rule("")
    if s.matcher.regexes:
        _problem(
            errors,
            "allow_origin_regex",
            ", ".join(repr(rx.pattern) for rx in s.matcher.regexes),
            f"cannot be written for {name}, which matches origins by text"
            + (" (one '*' at most)" if to == "s3" else " (exactly, or '*')"),
            "list the origins in allow_origins",
        )
    if s.matcher.predicate is not None:
        _problem(
            errors,
            "allow_origin_predicate",
            repr(s.matcher.predicate),
            f"is code, which {_A_NAMES[to]} bucket cannot run",
            "list the origins in allow_origins",
        )
    if s.private_network:
        _problem(
            errors,
            "allow_private_network",
            "True",
            f"cannot be written: {name} never answers Private Network Access preflights",
            "drop it for the bucket",
        )
    if s.allow_all_origins:
        rule.origins = ["*"]
    else:
        for entry in policy.options.get("allow_origins") or ():
            parsed = parse_config_origin(entry)
            if isinstance(parsed, Problem):  # pragma: no cover - the policy validated it
                continue
            if parsed == "null":
                _problem(
                    errors,
                    "allow_origins",
                    "'null'",
                    f"cannot be written safely for {name} (the opaque origin)",
                    "remove it",
                )
            elif isinstance(parsed, OriginPattern):
                rule.origins += _pattern(parsed, to, errors)
            else:
                rule.origins.append(parsed)
        rule.origins = list(dict.fromkeys(o for o in rule.origins if o))
    if s.allow_all_methods:
        if to == "s3":
            _problem(
                errors,
                "allow_methods",
                "'*'",
                "cannot be written for S3, which allows only GET, PUT, HEAD, POST, DELETE",
                "list the methods the bucket serves",
            )
        rule.methods = ["*"]
    else:
        rule.methods = list(s.methods)  # what a preflight may ask for, as configured
        for method in rule.methods:
            if to == "s3" and method not in S3_METHODS:
                _problem(
                    errors,
                    "allow_methods",
                    repr(method),
                    "is not a method S3 allows (GET, PUT, HEAD, POST, DELETE)",
                    "remove it for the bucket",
                )
    if s.allow_all_headers:
        rule.headers = ["*"]
    else:
        rule.headers = list(s.headers)
        for parts in s.header_patterns:
            text = "*".join(parts)
            if to == "gcs":
                _problem(
                    errors,
                    "allow_headers",
                    repr(text),
                    "is a header pattern, and GCS lists header names (or '*' alone)",
                    "list the header names",
                )
            elif len(parts) > 2:
                _problem(
                    errors,
                    "allow_headers",
                    repr(text),
                    "has more than one '*', and S3 allows one per header name",
                    "split it, e.g. 'x-amz-meta-*'",
                )
            rule.headers.append(text)
    rule.expose = ["*"] if s.expose_all else list(s.expose)
    rule.max_age = s.max_age
    rule.credentials = s.credentials
    if to == "s3" and not s.credentials and not s.allow_all_origins:
        _problem(
            errors,
            "allow_credentials",
            "False",
            "cannot be written for S3: S3 answers every rule that lists origins (not '*') "
            "with 'Access-Control-Allow-Credentials: true', so credentialed requests would "
            "be allowed too",
            "set allow_credentials=True (S3 itself authenticates with signatures, not "
            "cookies), or allow_origins=['*']",
        )
    if to == "gcs" and s.credentials:
        _problem(
            errors,
            "allow_credentials",
            "True",
            "cannot be written for GCS, which never sends Access-Control-Allow-Credentials",
            "set allow_credentials=False for the bucket",
        )
    return [rule]


def _pattern(p: OriginPattern, to: Provider, errors: list[Problem]) -> list[str]:
    """The S3 entries matching what ``p`` matches (GCS has none: a problem)."""
    text = str(p)
    if to == "gcs":
        _problem(
            errors,
            "allow_origins",
            repr(text),
            "is a pattern, and GCS matches origins exactly (only '*' alone is a wildcard)",
            "list each origin",
        )
        return []
    if p.subdomains and p.port == "*":
        _problem(
            errors,
            "allow_origins",
            repr(text),
            "needs two '*', and S3 allows one per origin",
            "list the ports, e.g. 'https://*.example.com:8443'",
        )
        return []
    if p.port == "*":  # S3's '*' needs a character: the default port is one more entry
        return [text, f"{p.scheme}://{p.host}"]
    return [text]  # 'https://*.example.com': one '*', the same origins


def _from_bucket(policy: BucketPolicy, to: Provider, errors: list[Problem]) -> list[_Rule]:
    out: list[_Rule] = []
    source = policy.provider
    for rule in policy.rules:
        where = label(source, rule.index)
        r = _Rule(where)
        r.origins = list(rule.origins)
        r.methods = list(rule.methods)
        r.headers = list(rule.allowed_headers)
        r.expose = list(rule.expose_headers)
        r.max_age = rule.max_age
        r.id = rule.id
        r.credentials = source == "s3" and "*" not in rule.origins
        if source != to:
            _convert(r, rule, source, to, errors)
        out.append(r)
    return out


def _convert(
    r: _Rule, rule: BucketRule, source: Provider, to: Provider, errors: list[Problem]
) -> None:
    """Check that a rule of one provider means the same for the other."""
    keys = {"s3": ("AllowedOrigins", "AllowedMethods"), "gcs": ("origin", "method")}[source]
    if to == "s3":
        if "*" not in rule.origins:
            _problem(
                errors,
                f"{r.where}.{keys[0]}",
                ", ".join(repr(o) for o in rule.origins),
                "would be answered with 'Access-Control-Allow-Credentials: true' by S3 "
                "(every rule without '*'), which GCS never sends",
                "use '*', or write the S3 rules by hand if credentials are meant",
            )
        if "*" in rule.methods:
            _problem(
                errors,
                f"{r.where}.{keys[1]}",
                "'*'",
                "cannot be written for S3, which allows only GET, PUT, HEAD, POST, DELETE",
                "list the methods",
            )
        r.methods = [m for m in rule.methods if m != "OPTIONS"]
        for m in r.methods:
            if m not in S3_METHODS and m != "*":
                _problem(
                    errors,
                    f"{r.where}.{keys[1]}",
                    repr(m),
                    "is not a method S3 allows (GET, PUT, HEAD, POST, DELETE)",
                    "remove it",
                )
        if "OPTIONS" in rule.methods:
            _warn(
                f"{r.where}.{keys[1]}",
                "'OPTIONS'",
                "is left out: S3 allows no OPTIONS rule (preflights need none)",
                "nothing to do",
            )
        return
    if r.credentials:
        _problem(
            errors,
            f"{r.where}.{keys[0]}",
            ", ".join(repr(o) for o in rule.origins),
            "is answered with 'Access-Control-Allow-Credentials: true' by S3, which GCS "
            "never sends",
            "use '*' for a public bucket, or keep these rules on S3",
        )
    patterns = (
        (keys[0], rule.origins, "GCS matches origins exactly (only '*' alone is a wildcard)"),
        ("AllowedHeaders", rule.allowed_headers, "GCS lists header names (or '*' alone)"),
    )
    for key, values, why in patterns:
        for value in values:
            if value != "*" and "*" in value:
                _problem(
                    errors,
                    f"{r.where}.{key}",
                    repr(value),
                    f"is a pattern, and {why}",
                    "list each one",
                )


def _warn(option: str, entry: str, problem: str, fix: str) -> None:
    warning = Problem(option, entry, problem, fix)
    log_config_warning(warning)
    warnings.warn(CORSConfigWarning(warning), stacklevel=_caller_stacklevel())


def _response_headers(r: _Rule) -> list[str]:
    """GCS's one list for allowed and exposed headers, warning about what it widens."""
    allowed = {h.lower() for h in r.headers}
    exposed = {h.lower() for h in r.expose}
    if "*" in allowed or "*" in exposed:
        widened = sorted((allowed | exposed) - {"*"} - _HARMLESS) if allowed != exposed else []
    else:
        widened = sorted((allowed ^ exposed) - _HARMLESS)
    if widened:
        _warn(
            f"{r.where}.responseHeader" if r.where else "allow_headers, expose_headers",
            ", ".join(repr(h) for h in widened),
            "GCS uses one responseHeader list both for the request headers it allows and "
            "for the response headers it exposes, so these become both",
            "check that allowing and exposing them is fine",
        )
    merged = list(dict.fromkeys([*r.headers, *r.expose]))
    return ["*"] if "*" in merged else merged


def _write(rules: list[_Rule], to: Provider) -> Any:
    if to == "s3":
        out: list[dict[str, Any]] = []
        for r in rules:
            doc: dict[str, Any] = {}
            if r.id is not None:
                doc["ID"] = r.id
            if r.headers:
                doc["AllowedHeaders"] = r.headers
            doc["AllowedMethods"] = r.methods
            doc["AllowedOrigins"] = r.origins
            if r.expose:
                doc["ExposeHeaders"] = r.expose
            if r.max_age is not None:
                doc["MaxAgeSeconds"] = r.max_age
            out.append(doc)
        return {"CORSRules": out}
    entries: list[dict[str, Any]] = []
    for r in rules:
        entry: dict[str, Any] = {"origin": r.origins, "method": r.methods}
        headers = _response_headers(r)
        if headers:
            entry["responseHeader"] = headers
        if r.max_age is not None:
            entry["maxAgeSeconds"] = r.max_age
        entries.append(entry)
    return entries


def export_rules(policy: object, to: Provider) -> Any:
    """The policy as ``to``'s CORS JSON data; :class:`ConfigError` for what it cannot say."""
    errors: list[Problem] = []
    if isinstance(policy, BucketPolicy):
        rules = _from_bucket(policy, to, errors)
    elif isinstance(policy, CORSPolicy):
        rules = _from_policy(policy, to, errors)
    elif isinstance(policy, PathRules):
        errors.append(
            Problem(
                "paths",
                "",
                f"are per-path rules, and {_A_NAMES[to]} bucket has one CORS "
                "configuration for all its objects",
                "export the policy of the bucket's paths (rules.for_path('/...'))",
            )
        )
        # And what each path's policy could not say either, named by its path.
        for pattern, engine in policy.rules():
            found: list[Problem] = []
            if isinstance(engine, BucketPolicy):
                _from_bucket(engine, to, found)
            elif isinstance(engine, CORSPolicy):
                _from_policy(engine, to, found)
            where = "default" if pattern == "default" else f"paths[{pattern!r}]"
            errors += [Problem(f"{where}.{p.option}", p.entry, p.problem, p.fix) for p in found]
        raise ConfigError(errors)
    else:
        raise ConfigError(
            [
                Problem(
                    "policy",
                    repr(policy)[:200],
                    "is not a CORSPolicy or a BucketPolicy",
                    "pass CORSPolicy(...) or from_s3(...) / from_gcs(...)",
                )
            ]
        )
    if errors:
        raise ConfigError(errors)
    return _write(rules, to)
