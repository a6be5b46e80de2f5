"""Writing a policy as a bucket's CORS rules: S3 ``{"CORSRules": [...]}``, GCS ``[...]``.

A bucket's rules say less than a :class:`~cors_core.CORSPolicy`, and some of it more
widely. Every difference that is safe to write is written and named by an
:class:`ExportWarning`, returned with the rules in a :class:`BucketExport`: ``narrower``
(the bucket refuses requests the policy allows) or ``wider`` (the bucket lets pages do
what the policy refuses, and the warning says what). What cannot be written at all
(per-path rules, a policy left with no origin or no method the bucket can match, another
provider's rules whose patterns or methods would hand requests to a later rule) is a
:class:`~cors_core.ConfigError` naming each setting. ``strict=True`` makes every warning
an error too.

The facts are those of :mod:`cors_core.buckets._engine`, which matches requests as the
providers do: S3 answers a rule that lists origins with
``Access-Control-Allow-Credentials: true``, GCS never sends it; a bucket matches every
request, preflighted or not, by its method, where a policy checks ``allow_methods`` only
on preflights; GCS has one ``responseHeader`` list for the request headers it allows and
the response headers it exposes; neither answers Private Network Access preflights.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from typing import Any, Literal

from cors_core._config import _caller_stacklevel
from cors_core._errors import ConfigError, CORSConfigWarning, Problem
from cors_core._fetch import is_forbidden_request_header
from cors_core._log import log_config_warning
from cors_core._origins import OriginPattern, parse_config_origin
from cors_core._paths import PathRules
from cors_core._policy import CORSPolicy
from cors_core.buckets._engine import BucketPolicy
from cors_core.buckets._parse import S3_METHODS, BucketRule, Provider, label

__all__ = ["BucketExport", "Effect", "ExportWarning", "export", "export_rules"]

#: ``"narrower"``: the bucket refuses requests the policy allows; ``"wider"``: the bucket
#: allows requests (or lets scripts read headers) the policy refuses.
Effect = Literal["narrower", "wider"]

#: Response headers a script may always read (Fetch "CORS-safelisted response-header
#: name"), and request-only names no response carries: exposing them reads nothing more.
_READABLE_ANYWAY = frozenset(
    {"cache-control", "content-language", "content-length", "content-type", "expires"}
    | {"last-modified", "pragma", "accept", "accept-language"}
)
#: What ``allow_methods="*"`` covers (``STANDARD_METHODS``), in the order it is written.
_STANDARD_ORDER = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
#: Methods a page sends without a preflight.
_SIMPLE = ("GET", "HEAD", "POST")
_NAMES = {"s3": "S3", "gcs": "GCS"}
_A_NAMES = {"s3": "an S3", "gcs": "a GCS"}


@dataclass(frozen=True, slots=True)
class ExportWarning:
    """One way the exported bucket answers differently from the policy.

    ``check`` is a stable id, ``effect`` says which way access changes (``"narrower"``:
    the bucket refuses what the policy allows; ``"wider"``: the bucket allows what the
    policy refuses), and ``option``/``entry``/``problem``/``fix`` read as a
    :class:`~cors_core.Problem` does (``str()`` gives the same one line).

    >>> from cors_core import CORSPolicy
    >>> w = export(CORSPolicy(allow_origins=["https://app.example.com"],
    ...                       allow_methods=["GET", "HEAD", "POST"]), "s3").warnings[0]
    >>> w.check, w.effect, w.option
    ('credentials_added', 'wider', 'allow_credentials')
    """

    check: str
    effect: Effect
    option: str
    entry: str
    problem: str
    fix: str

    def as_problem(self) -> Problem:
        """The warning as a :class:`~cors_core.Problem` (what ``strict`` raises).

        >>> ExportWarning("c", "wider", "o", "'e'", "is wide", "narrow it").as_problem()
        Problem(option='o', entry="'e'", problem='is wide', fix='narrow it')
        """
        return Problem(self.option, self.entry, self.problem, self.fix)

    def __str__(self) -> str:
        return str(self.as_problem())


@dataclass(frozen=True, slots=True)
class BucketExport:
    """A policy written as a bucket's CORS configuration, and how the bucket differs.

    ``config`` is the JSON data the provider's tool takes (S3: ``{"CORSRules": [...]}``;
    GCS: ``[{"origin": ...}]``); ``warnings`` names every difference from the policy.

    >>> from cors_core import CORSPolicy
    >>> result = export(CORSPolicy(allow_origins=["*"], allow_methods=["GET", "HEAD"],
    ...                            allow_headers=[], max_age=None), "gcs")
    >>> result.config
    [{'origin': ['*'], 'method': ['GET', 'HEAD']}]
    >>> print(result.warnings[0])
    allow_methods: 'POST' is not listed: the API answers such requests from every allowed
    origin when they need no preflight (allow_methods governs preflights), but GCS
    matches every request by its method, so the bucket refuses them; fix: add it to
    allow_methods if pages send it to the bucket
    >>> print(result.json())
    [
      {
        "origin": [
          "*"
        ],
        "method": [
          "GET",
          "HEAD"
        ]
      }
    ]
    """

    provider: Provider
    config: Any
    warnings: tuple[ExportWarning, ...]

    def json(self) -> str:
        """``config`` as the JSON text to save (indented, printable ASCII)."""
        return json.dumps(self.config, indent=2, ensure_ascii=True)


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
        # How the headers are named in warnings: the policy's options or the rule's keys.
        self.headers_key = "allow_headers"
        self.expose_key = "expose_headers"


class _Found:
    """The errors and warnings of one export."""

    def __init__(self, source: str = "the API") -> None:
        self.errors: list[Problem] = []
        self.warnings: list[ExportWarning] = []
        #: What the bucket is compared with, in the messages.
        self.source = source

    def source_does(self, verb: str) -> str:
        """``"the API refuses"``, ``"the S3 rules refuse"``: the source and its verb."""
        return f"{self.source} {verb if self.source == 'the API' else verb.removesuffix('s')}"

    def error(self, option: str, entry: str, problem: str, fix: str) -> None:
        self.errors.append(Problem(option, entry, problem, fix))

    def narrower(self, check: str, option: str, entry: str, problem: str, fix: str) -> None:
        self.warnings.append(ExportWarning(check, "narrower", option, entry, problem, fix))

    def wider(self, check: str, option: str, entry: str, problem: str, fix: str) -> None:
        self.warnings.append(ExportWarning(check, "wider", option, entry, problem, fix))


def _listed(values: list[str]) -> str:
    return ", ".join(repr(v) for v in values)


def _from_policy(policy: CORSPolicy, to: Provider, found: _Found) -> list[_Rule]:
    s = policy._s  # the validated settings
    name = _NAMES[to]
    rule = _Rule("")
    left_out: list[str] = []  # origin settings not written, for the error if none is left
    if s.matcher.regexes:
        entry = _listed([rx.pattern for rx in s.matcher.regexes])
        left_out.append(f"allow_origin_regex {entry}")
        found.narrower(
            "origin_left_out",
            "allow_origin_regex",
            entry,
            f"is left out: {name} matches origins by text"
            + (" (one '*' at most)" if to == "s3" else " (exactly, or '*')")
            + ", so the bucket refuses the origins only the regex allows, which the API "
            "allows",
            "list those origins in allow_origins",
        )
    if s.matcher.predicate is not None:
        left_out.append("allow_origin_predicate")
        found.narrower(
            "origin_left_out",
            "allow_origin_predicate",
            repr(s.matcher.predicate),
            f"is left out: it is code, which {_A_NAMES[to]} bucket cannot run, so the "
            "bucket refuses the origins only the predicate allows, which the API allows",
            "list those origins in allow_origins",
        )
    if s.allow_private_network:
        found.narrower(
            "private_network_left_out",
            "allow_private_network",
            "True",
            f"is left out: {name} never answers Private Network Access preflights, so the "
            "bucket refuses requests that ask for private network access, which the API "
            "allows",
            "nothing, for a bucket on the public internet: a browser asks only when the "
            "server's address is more private than the page's",
        )
    if s.allow_all_origins:
        rule.origins = ["*"]
    else:
        for entry in policy.options.get("allow_origins") or ():
            parsed = parse_config_origin(entry)
            if isinstance(parsed, Problem):  # pragma: no cover - the policy validated it
                continue
            if parsed == "null":
                left_out.append("'null'")
                found.narrower(
                    "origin_left_out",
                    "allow_origins",
                    "'null'",
                    "is left out: bucket rules cannot name the opaque origin, which any "
                    "sandboxed page sends, so the bucket refuses requests with "
                    "'Origin: null' (sandboxed frames, file:// pages), which the API allows",
                    "use allow_origins=['*'] for a public bucket, or serve those pages "
                    "from an origin",
                )
            elif isinstance(parsed, OriginPattern):
                rule.origins += _pattern(parsed, to, found, left_out)
            else:
                rule.origins.append(parsed)
        rule.origins = list(dict.fromkeys(rule.origins))
        if not rule.origins:
            found.error(
                "allow_origins",
                ", ".join(left_out) or "[]",
                ("leaves" if len(left_out) <= 1 else "leave")
                + f" no origin {name} can match, so the bucket would allow none",
                "list the origins the bucket serves in allow_origins",
            )
    _methods(s.allow_all_methods, list(s.allow_methods), to, rule, found)
    if s.allow_all_headers:
        rule.headers = ["*"]
    else:
        rule.headers = list(s.allow_headers)
        dropped: list[str] = []
        for parts in s.header_patterns:
            text = "*".join(parts)
            if to == "gcs" or len(parts) > 2:
                dropped.append(text)
            else:
                rule.headers.append(text)
        if dropped:
            s3 = to == "s3"
            found.narrower(
                "header_left_out",
                "allow_headers",
                _listed(dropped),
                f"{_is(dropped)} left out: "
                + ("S3 allows one '*' per header name" if s3 else "GCS lists header names")
                + ", so the bucket refuses preflights asking for a header only "
                + ("this pattern allows" if len(dropped) == 1 else "these patterns allow")
                + ", which the API allows",
                f"split {'it' if len(dropped) == 1 else 'them'}, e.g. 'x-amz-meta-*'"
                if s3
                else "list the header names pages send",
            )
    rule.expose = ["*"] if s.expose_all_headers else list(s.expose_headers)
    rule.max_age = s.max_age
    rule.credentials = s.allow_credentials
    if to == "s3" and not s.allow_credentials and not s.allow_all_origins:
        rule.credentials = True
        found.wider(
            "credentials_added",
            "allow_credentials",
            "False",
            "becomes true: S3 answers every rule that lists origins (not '*') with "
            "'Access-Control-Allow-Credentials: true', so pages on those origins may send "
            "credentialed requests (cookies, HTTP authentication) to the bucket and read "
            "the answers, which the API refuses",
            "nothing, if the bucket authenticates with signatures, as S3 does (cookies "
            "give no access); or allow_origins=['*'] for a public bucket",
        )
    if to == "gcs" and s.allow_credentials:
        rule.credentials = False
        found.narrower(
            "credentials_left_out",
            "allow_credentials",
            "True",
            "is left out: GCS never sends 'Access-Control-Allow-Credentials', so the "
            "bucket refuses credentialed requests (cookies, HTTP authentication), which "
            "the API allows",
            "send the bucket's requests without credentials (signed URLs and "
            "'Authorization' headers need none)",
        )
    return [rule]


def _is(values: list[str]) -> str:
    return "is" if len(values) == 1 else "are"


def _methods(allow_all: bool, methods: list[str], to: Provider, rule: _Rule, found: _Found) -> None:
    """The rule's methods: those of the policy the provider takes, each one left out
    named, and the methods a page sends without a preflight that the bucket refuses."""
    name = _NAMES[to]
    wanted = list(_STANDARD_ORDER) if allow_all else methods
    if to == "s3":
        rule.methods = [m for m in wanted if m in S3_METHODS]
        why = "S3 allows only GET, PUT, HEAD, POST, DELETE"
        fix = "send one of those to the bucket (PUT to replace an object)"
    else:
        rule.methods = [m for m in wanted if m == m.upper()]
        why = "GCS methods are written uppercase"
        fix = "write it uppercase: pages send 'PATCH' as written"
    dropped = [m for m in wanted if m not in rule.methods]
    if not rule.methods:
        found.error(
            "allow_methods",
            _listed(methods),
            ("leaves" if len(methods) <= 1 else "leave")
            + f" no method {name} allows ({why}), so the bucket would allow nothing",
            fix,
        )
        return
    if dropped and allow_all:
        found.narrower(
            "method_left_out",
            "allow_methods",
            "'*'",
            f"is written as {_listed(rule.methods)}: {why}, so the bucket refuses "
            f"{_listed(dropped)} requests, which the API allows",
            fix,
        )
    elif dropped:
        found.narrower(
            "method_left_out",
            "allow_methods",
            _listed(dropped),
            f"{_is(dropped)} left out: {why}, so the bucket refuses "
            f"{'this method' if len(dropped) == 1 else 'these methods'}, which the API "
            "allows",
            fix,
        )
    unlisted = [m for m in _SIMPLE if m not in rule.methods]
    if unlisted:
        found.narrower(
            "simple_method_refused",
            "allow_methods",
            _listed(unlisted),
            f"{_is(unlisted)} not listed: the API answers such requests from every allowed "
            "origin when they need no preflight (allow_methods governs preflights), but "
            f"{name} matches every request by its method, so the bucket refuses them",
            "add "
            + ("it" if len(unlisted) == 1 else "them")
            + " to allow_methods if pages send "
            + ("it" if len(unlisted) == 1 else "them")
            + " to the bucket",
        )


def _pattern(p: OriginPattern, to: Provider, found: _Found, left_out: list[str]) -> list[str]:
    """The S3 entries matching what ``p`` matches, or what they leave out (GCS: all)."""
    text = str(p)
    if to == "gcs":
        left_out.append(repr(text))
        found.narrower(
            "origin_left_out",
            "allow_origins",
            repr(text),
            "is left out: GCS matches origins exactly (only '*' alone is a wildcard), so "
            "the bucket refuses the origins only this pattern allows, which the API allows",
            "list each origin the bucket serves",
        )
        return []
    if p.subdomains and p.port == "*":
        written = f"{p.scheme}://*.{p.host}"
        found.narrower(
            "origin_narrowed",
            "allow_origins",
            repr(text),
            f"is written as {written!r}: S3 allows one '*' per origin, so the bucket "
            "refuses these subdomains on any other port than the default, which the API "
            "allows",
            f"list the ports too, e.g. '{written}:8443'",
        )
        return [written]
    if p.port == "*":  # S3's '*' needs a character: the default port is one more entry
        return [text, f"{p.scheme}://{p.host}"]
    return [text]  # 'https://*.example.com': one '*', the same origins


def _from_bucket(policy: BucketPolicy, to: Provider, found: _Found) -> list[_Rule]:
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
        if source == "s3":
            r.headers_key, r.expose_key = f"{where}.AllowedHeaders", f"{where}.ExposeHeaders"
        else:
            r.headers_key = r.expose_key = f"{where}.responseHeader"
        if source != to:
            _convert(r, rule, source, to, found)
        out.append(r)
    return out


def _convert(r: _Rule, rule: BucketRule, source: Provider, to: Provider, found: _Found) -> None:
    """Check that a rule of one provider means the same for the other.

    Rules are matched in order, so leaving an origin, a header pattern or a method out
    of one rule could hand its requests to a later rule: those are refused. Credentials
    change no match: they are a warning, as for a policy.
    """
    keys = {"s3": ("AllowedOrigins", "AllowedMethods"), "gcs": ("origin", "method")}[source]
    if to == "s3":
        if "*" not in rule.origins:
            found.wider(
                "credentials_added",
                f"{r.where}.{keys[0]}",
                _listed(list(rule.origins)),
                "are answered with 'Access-Control-Allow-Credentials: true' by S3 (every "
                "rule that lists origins, not '*'), which GCS never sends, so pages on "
                "those origins may send credentialed requests (cookies, HTTP "
                "authentication) to the bucket and read the answers, which the GCS rules "
                "refuse",
                "nothing, if the bucket authenticates with signatures, as S3 does (cookies "
                "give no access); or use '*' for a public bucket",
            )
        if "*" in rule.methods:
            found.error(
                f"{r.where}.{keys[1]}",
                "'*'",
                "cannot be written for S3, which allows only GET, PUT, HEAD, POST, DELETE",
                "list the methods",
            )
        r.methods = [m for m in rule.methods if m != "OPTIONS"]
        for m in r.methods:
            if m not in S3_METHODS and m != "*":
                found.error(
                    f"{r.where}.{keys[1]}",
                    repr(m),
                    "is not a method S3 allows (GET, PUT, HEAD, POST, DELETE)",
                    "remove it",
                )
        if "OPTIONS" in rule.methods:
            found.narrower(
                "method_left_out",
                f"{r.where}.{keys[1]}",
                "'OPTIONS'",
                "is left out: S3 allows no OPTIONS rule, so the bucket refuses OPTIONS "
                "requests a page sends itself (preflights need no rule), which "
                + found.source_does("allows"),
                "nothing to do, unless pages send OPTIONS requests themselves",
            )
        return
    if r.credentials:
        found.narrower(
            "credentials_left_out",
            f"{r.where}.{keys[0]}",
            _listed(list(rule.origins)),
            "lose 'Access-Control-Allow-Credentials: true': GCS never sends it, so the "
            "bucket refuses credentialed requests (cookies, HTTP authentication) from "
            "them, which the S3 rules allow",
            "send the bucket's requests without credentials (signed URLs and "
            "'Authorization' headers need none)",
        )
    patterns = (
        (keys[0], rule.origins, "GCS matches origins exactly (only '*' alone is a wildcard)"),
        ("AllowedHeaders", rule.allowed_headers, "GCS lists header names (or '*' alone)"),
    )
    for key, values, why in patterns:
        for value in values:
            if value != "*" and "*" in value:
                found.error(
                    f"{r.where}.{key}",
                    repr(value),
                    f"is a pattern, and {why}",
                    "list each one",
                )


def _response_headers(r: _Rule, found: _Found) -> list[str]:
    """GCS's one list for allowed and exposed headers, each widening named."""
    allowed = list(dict.fromkeys(h.lower() for h in r.headers))
    exposed = list(dict.fromkeys(h.lower() for h in r.expose))
    headers_key, expose_key = r.headers_key, r.expose_key
    shared = headers_key == expose_key  # a GCS rule: nothing changes
    if not shared and "*" in exposed and "*" not in allowed:
        found.wider(
            "request_headers_widened",
            expose_key,
            "'*'",
            "makes responseHeader '*', which GCS also reads as the request headers a "
            "preflight may ask for, so pages may send any request header "
            "('authorization' included) to the bucket, which " + found.source_does("refuses"),
            "list the exposed headers instead of '*'",
        )
    elif not shared and "*" not in allowed:
        sent = [h for h in exposed if h not in allowed and not is_forbidden_request_header(h)]
        if sent:
            found.wider(
                "request_headers_widened",
                expose_key,
                _listed(sent),
                f"{_is(sent)} also allowed as "
                + ("a request header" if len(sent) == 1 else "request headers")
                + ": GCS uses one responseHeader list for the headers it exposes and "
                "those a preflight may ask for, so pages may send "
                + ("it" if len(sent) == 1 else "them")
                + " to the bucket, which "
                + found.source_does("refuses"),
                "nothing, if the bucket ignores "
                + ("it" if len(sent) == 1 else "them")
                + " in requests",
            )
    if not shared and "*" in allowed and "*" not in exposed:
        found.wider(
            "expose_widened",
            headers_key,
            "'*'",
            "makes responseHeader '*', which GCS also reads as the response headers "
            "scripts may read, so pages may read every response header of the bucket "
            "(x-goog-meta-* metadata included), which " + found.source_does("hides"),
            "list the allowed request headers instead of '*'",
        )
    elif not shared and "*" not in exposed:
        read = [h for h in allowed if h not in exposed and h not in _READABLE_ANYWAY]
        if read:
            found.wider(
                "expose_widened",
                headers_key,
                _listed(read),
                f"{_is(read)} also exposed: GCS uses one responseHeader list for the "
                "request headers a preflight may ask for and the headers it exposes, so "
                "scripts may read "
                + ("this response header" if len(read) == 1 else "these response headers")
                + ", which "
                + found.source_does("hides"),
                "nothing, if the bucket's responses carry no such header, or nothing "
                "secret in " + ("it" if len(read) == 1 else "them"),
            )
    merged = list(dict.fromkeys([*r.headers, *r.expose]))
    return ["*"] if "*" in merged else merged


def _write(rules: list[_Rule], to: Provider, found: _Found) -> Any:
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
        headers = _response_headers(r, found)
        if headers:
            entry["responseHeader"] = headers
        if r.max_age is not None:
            entry["maxAgeSeconds"] = r.max_age
        entries.append(entry)
    return entries


def export(
    policy: CORSPolicy | PathRules | BucketPolicy, to: Provider, *, strict: bool = False
) -> BucketExport:
    """Write ``policy`` as ``to``'s bucket CORS configuration, naming every difference.

    Returns the configuration and one :class:`ExportWarning` for each way the bucket
    answers differently from the policy. Raises :class:`~cors_core.ConfigError` listing
    every setting the bucket cannot express at all, and with ``strict=True`` every
    warning too (each with its fix).

    >>> from cors_core import ConfigError, CORSPolicy
    >>> api = CORSPolicy(allow_origins=["https://app.example.com"],
    ...                  allow_methods=["GET", "HEAD", "POST", "PUT"],
    ...                  allow_credentials=True, max_age=None)
    >>> export(api, "s3").warnings
    ()
    >>> result = export(api, "gcs")
    >>> result.config
    [{'origin': ['https://app.example.com'], 'method': ['GET', 'HEAD', 'POST', 'PUT'],
      'responseHeader': ['accept', 'accept-language', 'content-language', 'content-type']}]
    >>> [(w.check, w.effect) for w in result.warnings]
    [('credentials_left_out', 'narrower')]
    >>> try:
    ...     export(api, "gcs", strict=True)
    ... except ConfigError as exc:
    ...     print(exc.problems[0].option, "|", exc.problems[0].fix)
    allow_credentials | send the bucket's requests without credentials ...
    """
    found = _Found(
        f"the {_NAMES[policy.provider]} rules" if isinstance(policy, BucketPolicy) else "the API"
    )
    if isinstance(policy, BucketPolicy):
        rules = _from_bucket(policy, to, found)
    elif isinstance(policy, CORSPolicy):
        rules = _from_policy(policy, to, found)
    elif isinstance(policy, PathRules):
        errors = [
            Problem(
                "paths",
                "",
                f"are per-path rules, and {_A_NAMES[to]} bucket has one CORS "
                "configuration for all its objects",
                "export the policy of the bucket's paths (rules.for_path('/...'))",
            )
        ]
        # And what each path's policy could not say either, named by its path.
        for pattern, engine in policy.rules():
            inner = _Found()
            if isinstance(engine, BucketPolicy):
                _from_bucket(engine, to, inner)
            elif isinstance(engine, CORSPolicy):
                _from_policy(engine, to, inner)
            where = "default" if pattern == "default" else f"paths[{pattern!r}]"
            errors += [
                Problem(f"{where}.{p.option}", p.entry, p.problem, p.fix) for p in inner.errors
            ]
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
    config = _write(rules, to, found)  # GCS's responseHeader warnings come from here
    problems = found.errors + ([w.as_problem() for w in found.warnings] if strict else [])
    if problems:
        raise ConfigError(problems)
    return BucketExport(to, config, tuple(found.warnings))


def export_rules(policy: CORSPolicy | PathRules | BucketPolicy, to: Provider, strict: bool) -> Any:
    """``export(policy, to).config``, each warning emitted as a
    :class:`~cors_core.CORSConfigWarning` (and logged): what ``to_s3``/``to_gcs`` do."""
    result = export(policy, to, strict=strict)
    if result.warnings:
        level = _caller_stacklevel()
        for w in result.warnings:
            problem = w.as_problem()
            log_config_warning(problem)
            warnings.warn(CORSConfigWarning(problem), stacklevel=level)
    return result.config
