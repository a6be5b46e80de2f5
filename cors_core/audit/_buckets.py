"""Auditing a bucket's CORS rules (S3 ``CORSRules``, GCS ``cors``): :func:`audit_bucket`.

The rules are read as :mod:`cors_core.buckets._parse` reads them, and every question
("does this origin get in?", "which rule answers?") is put to a
:class:`~cors_core.buckets.BucketPolicy`, which matches as the provider does: nothing here
matches an origin or a header itself. A file :func:`cors_core.buckets.from_s3` refuses is
still audited, because such rules are usually live on the bucket already: each refused
entry is a ``high`` finding, and the rest of its rule is audited as the provider applies it
(an entry cors_core refuses is one the provider never matches, or one reported anyway).

Severities (the reasons are in the findings' messages):

- ``any_origin_write``: every origin may send ``PUT`` or ``DELETE``: **high** (a browser
  never sends them cross-origin without the bucket's consent, so the rule is what lets any
  website drive its visitors' browsers to write, from their network and with whatever
  authority that network gives). ``POST`` alone: **medium** (a form ``POST`` reaches the
  bucket with or without CORS; the rule adds reading the answer and non-form bodies).
- ``wildcard_outside_domain``: S3's ``*`` stands for any text, dots included, so
  ``https://*example.com`` lets in ``https://evilexample.com``: **high**.
- ``public_suffix_wildcard``, ``subdomain_wildcard``, ``any_port``,
  ``user_content_origin``, ``http_origin_with_credentials``: as for a ``CORSPolicy``
  (:mod:`cors_core.audit._findings`), S3 rules without ``*`` counting as credentialed (S3 sends
  ``Access-Control-Allow-Credentials: true`` for them).
- ``http_downgrade``: a ``*`` standing for the scheme lets plain http pages in: high
  with credentials (S3), medium otherwise.
- ``any_request_header``: ``*`` in ``AllowedHeaders`` (GCS ``responseHeader``): medium
  when the rule allows a write (any ``x-amz-*`` header may ride along: ACL, tagging,
  website redirect ...), low otherwise.
- ``expose_all`` / ``sensitive_expose``: ``*`` or a sensitive header (encryption key ids,
  user metadata) in ``ExposeHeaders``: medium when every origin may read it, low
  otherwise; ``*`` under credentials is info (browsers read it as a header named ``*``).
- ``shadowed_rule``: a rule that an earlier one answers for (the first matching rule wins):
  low, info when it would answer the same.
- ``wildcard_origin``: every origin may read (``*``, no write): low.
- ``refused_entry``: high; ``doubtful_entry`` (a warning of :func:`bucket_problems`
  no other finding covers): medium.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from cors_core._errors import Problem
from cors_core._origins import (
    OriginPattern,
    ParsedOrigin,
    is_loopback_host,
    parse_config_origin,
    parse_origin,
)
from cors_core._suffixes import registrable_domain
from cors_core.audit._findings import (
    EVIL,
    SEVERITIES,
    Finding,
    allowed,
    exact_origin_findings,
    pattern_findings,
)
from cors_core.buckets._engine import BucketPolicy
from cors_core.buckets._parse import (
    GCS_KEYS,
    S3_KEYS,
    BucketRule,
    Provider,
    label,
    parse_rules,
    star_sample,
)

__all__ = ["audit_bucket"]

_FOREIGN = (f"https://{EVIL}", f"http://{EVIL}")
_WRITES = ("PUT", "DELETE", "POST")
#: What S3 sends along with every answer to a rule without ``*`` in its origins.
_S3_CREDENTIALS = "and S3 answers it with 'Access-Control-Allow-Credentials: true'"
#: Texts an attacker puts where a ``*`` stands, to land on a domain of their own.
_FILLS = ("evil", f".{EVIL}", EVIL, f"://{EVIL}", f"s://{EVIL}")
#: Texts a ``*`` standing for the scheme may take.
_SCHEME_FILLS = ("http", "http://")
#: Response headers whose value a page on another site has no business reading.
_SENSITIVE = {
    "x-amz-server-side-encryption-aws-kms-key-id": "names the KMS key that encrypts the object",
    "x-amz-server-side-encryption-customer-key-md5": "fingerprints the customer's encryption key",
    "x-goog-encryption-kms-key-name": "names the KMS key that encrypts the object",
    "x-goog-encryption-key-sha256": "fingerprints the customer's encryption key",
}
#: Header name prefixes of user metadata: whatever the uploader put there.
_METADATA = ("x-amz-meta-", "x-goog-meta-")
#: A place in the file: ``CORSRules[1].AllowedMethods[0]``, ``cors[0].maxAgeSeconds``.
_PLACE = re.compile(r"(?P<top>\w+)\[(?P<rule>\d+)\]\.(?P<key>[^\[\]]+?)(?:\[(?P<item>\d+)\])?")


@dataclass(frozen=True, slots=True)
class _Keys:
    origins: str
    methods: str
    headers: str
    expose: str


_KEYS: Mapping[str, _Keys] = {
    "s3": _Keys(S3_KEYS[0], S3_KEYS[1], S3_KEYS[2], S3_KEYS[3]),
    "gcs": _Keys(GCS_KEYS[0], GCS_KEYS[1], GCS_KEYS[2], GCS_KEYS[2]),
}


def audit_bucket(config: object, provider: Provider) -> list[Finding]:
    """Audit a bucket's CORS rules (parsed JSON), findings most severe first; never raises.

    Each finding's ``where`` is its place in the file (``CORSRules[0].AllowedMethods``).

    >>> findings = audit_bucket({"CORSRules": [{"AllowedOrigins": ["*"],
    ...     "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["*"]}]}, "s3")
    >>> [(f.severity, f.check, f.where) for f in findings]
    [('high', 'any_origin_write', 'CORSRules[0].AllowedMethods'), \
('medium', 'any_request_header', 'CORSRules[0].AllowedHeaders[0]')]
    >>> [f.check for f in audit_bucket([{"AllowedOrigins": ["https://*example.com"],
    ...     "AllowedMethods": ["GET"]}], "s3")]
    ['wildcard_outside_domain']
    """
    rules, errors, doubts = parse_rules(config, provider)
    findings = [_refusal(p) for p in errors]
    salvaged = _salvaged(config, provider, errors)
    if salvaged is not None:
        rules = parse_rules(salvaged, provider)[0]
    audit = _Audit(provider, config, rules)
    found = audit.findings()
    places = {f.where for f in found}
    findings += found
    findings += [_doubt(p) for p in doubts if p.option not in places]
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity))


def _refusal(p: Problem) -> Finding:
    said = f"{p.entry} {p.problem}" if p.entry else p.problem
    return Finding(
        "high",
        "refused_entry",
        p.option,
        None,
        f"{said} (cors_core refuses to load this)",
        p.fix or "fix the entry",
    )


def _doubt(p: Problem) -> Finding:
    said = f"{p.entry} {p.problem}" if p.entry else p.problem
    return Finding("medium", "doubtful_entry", p.option, None, said, p.fix)


def _salvaged(config: object, provider: Provider, errors: Sequence[Problem]) -> object | None:
    """The rules without what cors_core refuses in them: list entries
    (``CORSRules[1].AllowedOrigins[0]``) and keys (``CORSRules[1].MaxAgeSeconds``, an
    unknown key), so the rest of each rule is still audited; ``None`` when nothing was
    dropped. Dropping never widens a rule: a rule left without its origins or methods stays
    refused."""
    items_dropped: dict[tuple[int, str], set[int]] = {}
    keys_dropped: set[tuple[int, str]] = set()
    top = ""
    for p in errors:
        m = _PLACE.fullmatch(p.option)
        if m is None:
            continue
        top, rule, key = m["top"], int(m["rule"]), m["key"]
        if m["item"] is None:
            keys_dropped.add((rule, key))
        else:
            items_dropped.setdefault((rule, key), set()).add(int(m["item"]))
    if not items_dropped and not keys_dropped:
        return None
    try:
        items = config.get(top) if isinstance(config, Mapping) else config
        if not isinstance(items, list | tuple):
            return None
        out: list[object] = []
        for i, raw in enumerate(items):
            if isinstance(raw, Mapping):
                raw = {
                    key: [v for j, v in enumerate(value) if j not in items_dropped[(i, key)]]
                    if (i, key) in items_dropped and isinstance(value, list | tuple)
                    else value
                    for key, value in raw.items()
                    if (i, str(key)) not in keys_dropped
                }
            out.append(raw)
    except Exception:  # a hostile Mapping: audit what parse_rules kept
        return None
    return out if provider == "gcs" else {"CORSRules": out}


class _Audit:
    """The checks of one file's rules, against the engine those rules make."""

    def __init__(self, provider: Provider, config: object, rules: Sequence[BucketRule]) -> None:
        self.provider = provider
        self.config = config
        self.rules = tuple(rules)
        self.keys = _KEYS[provider]
        self.policy = BucketPolicy(provider, self.rules)

    # -- places and helpers ------------------------------------------------------------

    def where(self, rule: BucketRule, key: str | None = None, value: str | None = None) -> str:
        """``CORSRules[0]``, ``CORSRules[0].AllowedMethods`` or ``...AllowedOrigins[2]``:
        the entry's index in the file as written (refused entries included)."""
        place = label(self.provider, rule.index)
        if key is None:
            return place
        if value is None:
            return f"{place}.{key}"
        return f"{place}.{key}[{self._index(rule.index, key, value)}]"

    def _index(self, rule: int, key: str, value: str) -> int:
        try:
            items = self.config
            if isinstance(items, Mapping):  # {"CORSRules": [...]}, {"cors": [...]} ...
                top = label(self.provider, 0).partition("[")[0]
                items = next(v for k, v in items.items() if str(k).startswith(top))
            raw = items[rule]  # type: ignore[index]
            return int(list(raw[key]).index(value))
        except Exception:  # the file's shape was checked by parse_rules; never fail here
            return 0

    def alone(self, rule: BucketRule, origin: str) -> BucketPolicy:
        """An engine holding one origin entry of ``rule`` (for GET), to probe that entry."""
        one = replace(rule, origins=(origin,), methods=("GET",), allowed_headers=())
        return BucketPolicy(self.provider, (one,))

    def credentialed(self, rule: BucketRule) -> bool:
        """Whether the provider answers ``rule`` with credentials (S3 without ``*``)."""
        return self.provider == "s3" and "*" not in rule.origins

    def writes(self, rule: BucketRule) -> list[str]:
        return [m for m in _WRITES if m in rule.methods or "*" in rule.methods]

    # -- the checks --------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        out = self.every_origin()
        for rule in self.rules:
            for origin in dict.fromkeys(rule.origins):
                out += self.origin_entry(rule, origin)
            out += self.request_headers(rule)
            out += self.exposed(rule)
        out += self.shadowed()
        return out

    def every_origin(self) -> list[Finding]:
        """Writes, then reads, that any site may make (the first rule that answers)."""
        methods: dict[int, list[str]] = {}
        for method in _WRITES:
            for probe in _FOREIGN:
                rule = self.policy.matching_rule("OPTIONS", probe, method)
                if rule is not None and method not in methods.setdefault(rule.index, []):
                    methods[rule.index].append(method)
        out: list[Finding] = []
        for rule in self.rules:
            written = methods.get(rule.index)
            if not written:
                continue
            entry = self.admitting(rule)
            severity = "high" if {"PUT", "DELETE"} & set(written) else "medium"
            why = (
                "browsers send PUT and DELETE to another site only with its consent, so "
                "this rule lets any website make its visitors' browsers write here and "
                "read the answer"
                if severity == "high"
                else "a form POST reaches the bucket with or without CORS, but this rule "
                "also lets any website send other bodies and read the answer"
            )
            out.append(
                Finding(
                    severity,
                    "any_origin_write",
                    self.where(rule, self.keys.methods),
                    _FOREIGN[0],
                    f"every origin ({entry!r} at {self.where(rule, self.keys.origins, entry)}) "
                    f"may send {', '.join(written)}: {why}; safe only if every write needs "
                    "a signed URL or credentials other sites cannot get",
                    f"list your front end's origins in {self.keys.origins}, and keep '*' "
                    "for GET and HEAD",
                )
            )
        reader = self.policy.matching_rule("GET", _FOREIGN[0])
        if reader is not None and reader.index not in methods:
            entry = self.admitting(reader)
            out.append(
                Finding(
                    "low",
                    "wildcard_origin",
                    self.where(reader, self.keys.origins, entry),
                    _FOREIGN[0],
                    f"every origin may read these objects ({entry!r})",
                    "fine for public objects only; list origins if they are not public",
                )
            )
        return out

    def admitting(self, rule: BucketRule) -> str:
        """The origin entry of ``rule`` that lets a foreign site in."""
        if "*" in rule.origins:
            return "*"
        return next(
            (o for o in rule.origins if any(allowed(self.alone(rule, o), p) for p in _FOREIGN)),
            rule.origins[0],
        )

    def origin_entry(self, rule: BucketRule, origin: str) -> list[Finding]:
        if origin == "*":
            return []  # every_origin
        where = self.where(rule, self.keys.origins, origin)
        creds = self.credentialed(rule)
        how = _S3_CREDENTIALS
        parsed = parse_config_origin(origin)
        if isinstance(parsed, str):
            exact = parse_origin(parsed)
            return exact_origin_findings(origin, exact, where, creds, how) if exact else []
        if isinstance(parsed, OriginPattern):
            port = None if parsed.port == "*" else parsed.port
            base = ParsedOrigin(parsed.scheme, parsed.host, port)
            return [
                *pattern_findings(self.alone(rule, origin), parsed, where, creds),
                *exact_origin_findings(origin, base, where, creds, how),
            ]
        return self.glob(rule, origin, where, creds)

    def glob(self, rule: BucketRule, origin: str, where: str, creds: bool) -> list[Finding]:
        """An S3 origin whose ``*`` is not a leading label nor a port: what it lets in."""
        engine = self.alone(rule, origin)
        before, _, after = origin.partition("*")
        probes = [p for p in (f"{before}{fill}{after}" for fill in _FILLS) if allowed(engine, p)]
        for probe in probes:
            parsed = parse_origin(probe)
            domain = registrable_domain(parsed.host) if parsed is not None else None
            if domain is not None and "evil" in domain.partition(".")[0]:  # the fill's name
                return [
                    Finding(
                        "high",
                        "wildcard_outside_domain",
                        where,
                        probe,
                        f"{origin!r} lets in {probe!r}: S3's '*' stands for any text, dots "
                        f"included, so anyone who registers {domain!r} gets in",
                        "put the '*' in the leftmost label ('https://*.example.com'), or "
                        "list the origins",
                    )
                ]
        out: list[Finding] = []
        for fill in _SCHEME_FILLS:
            probe = f"{before}{fill}{after}"
            parsed = parse_origin(probe)
            if (
                parsed is not None
                and parsed.scheme == "http"
                and not is_loopback_host(parsed.host)
                and allowed(engine, probe)
            ):
                out.append(
                    Finding(
                        "high" if creds else "medium",
                        "http_downgrade",
                        where,
                        probe,
                        f"{origin!r} lets in the plain http page {probe!r}"
                        + (f" {_S3_CREDENTIALS}" if creds else "")
                        + ": a network attacker can forge it",
                        "write the scheme: 'https://...'",
                    )
                )
                break
        if probes and not out:
            out.append(
                Finding(
                    "medium" if creds else "low",
                    "subdomain_wildcard",
                    where,
                    probes[0],
                    f"{origin!r} lets in {probes[0]!r} and every origin its '*' can make "
                    "(S3's '*' stands for any text, dots included)",
                    "list the origins you serve, if they are few",
                )
            )
        return out

    def request_headers(self, rule: BucketRule) -> list[Finding]:
        if "*" not in rule.allowed_headers:
            return []
        writes = self.writes(rule)
        what = (
            f"with {', '.join(writes)}, and so any x-amz-* header (ACL, tagging, website "
            "redirect, storage class ...): the bucket's authorization, not CORS, decides "
            "what they may change"
            if writes and self.provider == "s3"
            else f"with {', '.join(writes)}"
            if writes
            else "with reads"
        )
        both = (
            "; GCS uses responseHeader both ways, so every response header is readable too"
            if self.provider == "gcs"
            else ""
        )
        return [
            Finding(
                "medium" if writes else "low",
                "any_request_header",
                self.where(rule, self.keys.headers, "*"),
                None,
                f"'*' lets pages send any request header {what}{both}",
                "list the headers the front end sends (e.g. 'content-type', 'x-amz-meta-*')",
            )
        ]

    def exposed(self, rule: BucketRule) -> list[Finding]:
        every = "*" in rule.origins
        severity = "medium" if every else "low"
        out: list[Finding] = []
        for name in dict.fromkeys(rule.expose_headers):
            where = self.where(rule, self.keys.expose, name)
            lowered = name.lower()
            if name == "*":
                if self.provider == "gcs":
                    continue  # one list both ways: any_request_header says it
                if self.credentialed(rule):
                    out.append(
                        Finding(
                            "info",
                            "expose_all",
                            where,
                            None,
                            "'*' exposes nothing here: S3 answers this rule with credentials, "
                            "and browsers then read '*' as a header named '*'",
                            "list the response headers the front end reads",
                        )
                    )
                    continue
                out.append(
                    Finding(
                        severity,
                        "expose_all",
                        where,
                        None,
                        "'*' lets "
                        + ("every origin" if every else "these origins")
                        + " read every response header (encryption key ids, user metadata, "
                        "...)",
                        "list the response headers the front end reads",
                    )
                )
            elif lowered in _SENSITIVE or lowered.startswith(_METADATA):
                what = _SENSITIVE.get(lowered, "is user metadata: whatever the uploader wrote")
                out.append(
                    Finding(
                        severity,
                        "sensitive_expose",
                        where,
                        None,
                        f"{name!r} {what}, and "
                        + ("every origin" if every else "these origins")
                        + " may read it",
                        "expose only the headers the front end needs",
                    )
                )
        return out

    def shadowed(self) -> list[Finding]:
        """Rules that an earlier rule answers for: the first matching rule wins."""
        out: list[Finding] = []
        for rule in self.rules:
            by: dict[int, list[tuple[str, str]]] = {}
            pairs = list(self._requests(rule))
            for origin, method in pairs:
                answering = self.policy.matching_rule(method, origin)
                if answering is not None and answering.index != rule.index:
                    by.setdefault(answering.index, []).append((origin, method))
            for index, shadowed in by.items():
                earlier = next(r for r in self.rules if r.index == index)
                out.append(self._shadow(rule, earlier, shadowed, len(shadowed) == len(pairs)))
        return out

    def _requests(self, rule: BucketRule) -> Iterator[tuple[str, str]]:
        """One (origin, method) per origin entry and method the rule names."""
        for origin in dict.fromkeys(rule.origins):
            if origin == "*":
                sample = _FOREIGN[0]
            else:
                sample = star_sample(origin) if "*" in origin else origin
            for method in dict.fromkeys(rule.methods):
                yield sample, "GET" if method == "*" else method

    def _shadow(
        self, rule: BucketRule, earlier: BucketRule, pairs: list[tuple[str, str]], full: bool
    ) -> Finding:
        age = "MaxAgeSeconds" if self.provider == "s3" else "maxAgeSeconds"
        differs = [
            name
            for name, mine, theirs in (
                (self.keys.expose, set(rule.expose_headers), set(earlier.expose_headers)),
                (age, rule.max_age, earlier.max_age),
                ("credentials", self.credentialed(rule), self.credentialed(earlier)),
            )
            if mine != theirs
        ]
        origin, method = pairs[0]
        more = f" (and {len(pairs) - 1} more such requests)" if len(pairs) > 1 else ""
        mine, theirs = self.where(rule), self.where(earlier)
        if differs:
            verb = "is" if len(differs) == 1 else "are"
            effect = f"so for those {mine}'s {', '.join(differs)} {verb} ignored"
        else:
            effect = f"which answers them as {mine} would"
        scope = "every request it names" if full else "some requests"
        return Finding(
            "low" if differs else "info",
            "shadowed_rule",
            mine,
            origin,
            f"{theirs} comes first and answers {scope}: {method} from {origin!r}{more}, {effect}",
            "put the more specific rule first, or merge the two"
            if differs
            else f"remove {mine}, or merge the two",
        )
