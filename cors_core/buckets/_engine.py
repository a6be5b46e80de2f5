"""``BucketPolicy``: a bucket's CORS rules (S3 or GCS) deciding requests as the provider does.

Matching is the provider's: the first rule whose origins hold the request's ``Origin`` and
whose methods hold the method (``Access-Control-Request-Method`` on a preflight) answers,
and on a preflight only if it also allows every requested header. What is sent back is
Fetch-exact (see :mod:`cors_core.buckets` for each deliberate difference from the provider).
Every request costs time linear in its values: an origin ``*`` is a prefix and a suffix
test, a header ``*`` a linear glob (:func:`cors_core._config.header_pattern_matches`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cors_core._cache import CACHE_BUDGET as _CACHE_BUDGET
from cors_core._cache import MAX_CACHED_HEADERS as _MAX_CACHED_HEADERS
from cors_core._cache import MAX_CACHED_ORIGIN, BoundedCache, MemoInfo
from cors_core._config import HeaderPattern, header_pattern_matches
from cors_core._decision import Action, Decision, HeaderPairs, Reason, ReasonCode, refused_actual
from cors_core._fetch import is_token
from cors_core._headers import RequestHeadersError, parse_request_headers
from cors_core._origins import parse_origin
from cors_core._rejection import (
    PREFLIGHT_VARY,
    header_refusal,
    method_too_long,
    near_miss_hint,
    origin_hint,
    reject,
    request_headers_refusal,
)
from cors_core._request import MAX_METHOD_LENGTH
from cors_core._text import quote
from cors_core.buckets._parse import S3_METHODS, BucketRule, Provider, label, rule_keys

__all__ = ["BucketPolicy"]

_ACAO = "Access-Control-Allow-Origin"
_ACAC = ("Access-Control-Allow-Credentials", "true")
_PASS = Decision.build(Action.PASS, True, Reason(ReasonCode.OK))
#: The end of an allowed preflight: S3 answers 200 with an empty body (a Content-Type
#: too, as CORSPolicy's ``preflight_status=200`` does: PEP 3333 wants one on a 200).
_PREFLIGHT_END = (
    ("Vary", PREFLIGHT_VARY),
    ("Content-Type", "text/plain"),
    ("Content-Length", "0"),
)


@dataclass(frozen=True, slots=True)
class _Rule:
    """One rule, compiled: sets and glob parts, and the header pairs it answers with."""

    rule: BucketRule
    label: str
    any_origin: bool
    any_method: bool
    methods: frozenset[str]
    methods_value: str
    any_header: bool
    header_names: frozenset[str]
    header_patterns: tuple[HeaderPattern, ...]
    star: bool  # answered with 'Access-Control-Allow-Origin: *'
    actual_tail: HeaderPairs  # credentials, expose
    preflight_tail: HeaderPairs  # credentials
    max_age: HeaderPairs

    def allows_method(self, method: str) -> bool:
        return self.any_method or method in self.methods

    def refused_headers(self, names: Iterable[str]) -> list[str]:
        if self.any_header:
            return []
        return [
            n
            for n in names
            if n not in self.header_names
            and not any(header_pattern_matches(p, n) for p in self.header_patterns)
        ]


def _compile(provider: Provider, rule: BucketRule) -> _Rule:
    any_origin = "*" in rule.origins
    credentials = provider == "s3" and not any_origin
    methods = tuple(dict.fromkeys(m for m in rule.methods if m != "*"))
    names = frozenset(h.lower() for h in rule.allowed_headers if "*" not in h)
    patterns = tuple(
        dict.fromkeys(
            tuple(h.lower().split("*")) for h in rule.allowed_headers if "*" in h and h != "*"
        )
    )
    tail: HeaderPairs = (_ACAC,) if credentials else ()
    actual_tail = tail
    if rule.expose_headers:
        expose = ", ".join(dict.fromkeys(rule.expose_headers))
        actual_tail += (("Access-Control-Expose-Headers", expose),)
    max_age: HeaderPairs = ()
    if rule.max_age is not None:
        max_age = (("Access-Control-Max-Age", str(rule.max_age)),)
    return _Rule(
        rule,
        label(provider, rule.index),
        any_origin,
        "*" in rule.methods,
        frozenset(methods),
        ", ".join(methods),
        "*" in rule.allowed_headers,
        names,
        patterns,
        provider == "s3" and any_origin,  # GCS echoes the origin (see cors_core.buckets)
        actual_tail,
        tail,
        max_age,
    )


class BucketPolicy:
    """A bucket's CORS rules as an engine: usable wherever a :class:`~cors_core.CORSPolicy`
    is (both adapters' ``CORSMiddleware(app, policy=...)``, a :class:`~cors_core.PathRules`
    value, Flask's ``CORS(app, policy=...)``, Django's ``CORS_POLICY``).

    Build it with :func:`~cors_core.buckets.from_s3` or :func:`~cors_core.buckets.from_gcs`
    (which validate the rules); the constructor trusts ``rules``.

    >>> from cors_core.buckets import from_s3
    >>> policy = from_s3({"CORSRules": [
    ...     {"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET", "PUT"],
    ...      "AllowedHeaders": ["x-amz-*"], "MaxAgeSeconds": 600}]})
    >>> d = policy.decide("OPTIONS", "https://app.example.com", "PUT", "x-amz-meta-a")
    >>> d.status, dict(d.headers)["Access-Control-Allow-Headers"]
    (200, 'x-amz-meta-a')
    >>> print(policy.decide("OPTIONS", "https://app.example.com", "PATCH").reason.code)
    method_not_allowed
    """

    #: Decisions never read the path, the host or the scheme.
    uses_path = False
    uses_host = False
    #: Websocket handshakes are not checked (buckets serve none).
    websocket_origins = False
    #: Every answer depends on ``Origin``: ``Vary: Origin`` goes on every response.
    varies_on_origin = True

    def __init__(self, provider: Provider, rules: Iterable[BucketRule]) -> None:
        self.provider: Provider = provider
        self.rules: tuple[BucketRule, ...] = tuple(rules)
        self._compiled = tuple(_compile(provider, r) for r in self.rules)
        self._list = label(provider, 0).partition("[")[0]
        self._origins_key, self._methods_key, self._headers_key = rule_keys(provider)
        exact: dict[str, list[int]] = {}
        globs: list[tuple[str, str, int]] = []
        by_host: dict[str, str] = {}
        for i, rule in enumerate(self.rules):
            for origin in rule.origins:
                if origin == "*":
                    continue
                if "*" in origin:
                    prefix, _, suffix = origin.partition("*")
                    globs.append((prefix, suffix, i))
                    continue
                exact.setdefault(origin, []).append(i)
                parsed = parse_origin(origin)
                if parsed is not None:
                    by_host.setdefault(parsed.host, origin)
        self._exact = {k: tuple(v) for k, v in exact.items()}
        self._globs = tuple(globs)
        self._any = tuple(i for i, r in enumerate(self._compiled) if r.any_origin)
        self._by_host = by_host
        self._origins: BoundedCache[str, tuple[int, ...] | Reason] = BoundedCache(
            4096, _CACHE_BUDGET
        )
        self._actual: BoundedCache[tuple[str, str], Decision] = BoundedCache(4096, _CACHE_BUDGET)
        self._preflights: BoundedCache[tuple[Any, ...], Decision] = BoundedCache(
            4096, _CACHE_BUDGET
        )
        self._request_headers: BoundedCache[str, tuple[str, ...] | RequestHeadersError] = (
            BoundedCache(1024, _CACHE_BUDGET)
        )
        #: The answer to every request without ``Origin``: no CORS headers, ``Vary: Origin``.
        self.no_origin_decision: Decision = Decision.build(
            Action.ACTUAL, True, Reason(ReasonCode.NO_ORIGIN), vary_origin=True
        )

    def __repr__(self) -> str:
        return f"BucketPolicy(provider={self.provider!r}, rules={len(self.rules)})"

    def for_path(self, path: str) -> BucketPolicy:
        """The policy for ``path``: always this one (see :class:`~cors_core.PathRules`)."""
        return self

    # -- decisions ---------------------------------------------------------------------

    def memo_info(self) -> dict[str, MemoInfo]:
        """What the bucket policy's memos hold now, by name: ``origins`` (the rules each
        origin matches), ``actual`` and ``preflights`` (answers), ``request_headers``
        (parsed header lists). Each is bounded as :meth:`CORSPolicy.memo_info
        <cors_core.CORSPolicy.memo_info>` says.

        >>> from cors_core.buckets import from_s3
        >>> rules = from_s3([{"AllowedOrigins": ["https://app.example.com"],
        ...                   "AllowedMethods": ["GET"]}])
        >>> _ = rules.decide("GET", "https://app.example.com")
        >>> rules.memo_info()["origins"].keys
        ('https://app.example.com',)
        """
        return {
            "origins": self._origins.info(),
            "actual": self._actual.info(),
            "preflights": self._preflights.info(),
            "request_headers": self._request_headers.info(),
        }

    def decide(
        self,
        method: str,
        origin: str | None,
        request_method: str | None = None,
        request_headers: str | None = None,
        private_network: bool = False,
        # Not keyword-only, unlike the Engine protocol's: CPython specialises calls only
        # to functions without keyword-only parameters (adapters call this one directly
        # with five values; about 540 instructions per request).
        path: str = "",
        host: str | None = None,
        scheme: str = "http",
    ) -> Decision:
        """Decide one request as the provider's rules do (the adapters' entry point).

        Same arguments as :meth:`cors_core.CORSPolicy.decide`; ``path``, ``host`` and
        ``scheme`` are accepted and not read.

        >>> from cors_core.buckets import from_gcs
        >>> policy = from_gcs([{"origin": ["https://app.example.com"], "method": ["GET"]}])
        >>> policy.decide("GET", "https://app.example.com").headers
        (('Access-Control-Allow-Origin', 'https://app.example.com'),)
        """
        if origin is None:
            return self.no_origin_decision
        if request_method is not None and method == "OPTIONS":
            return self.preflight(origin, request_method, request_headers, private_network)
        key = (origin, method)
        cached = self._actual.get(key)
        if cached is not None:
            return cached
        found = self._match_actual(origin, method)
        if isinstance(found, Reason):
            decision = refused_actual(found)
        else:
            r = self._compiled[found]
            decision = Decision.build(
                Action.ACTUAL,
                True,
                Reason(ReasonCode.OK, None, f" by {r.label}"),
                ((_ACAO, "*" if r.star else origin), *r.actual_tail),
                vary_origin=True,
            )
        if len(origin) <= MAX_CACHED_ORIGIN and len(method) <= MAX_METHOD_LENGTH:
            self._actual.put(key, decision, len(origin) + len(method))
        return decision

    def preflight(
        self,
        origin: str,
        request_method: str,
        request_headers: str | None = None,
        private_network: bool = False,
    ) -> Decision:
        """Answer a preflight: 200 with the first matching rule's headers, or 403 and the
        reason no rule matches.

        >>> from cors_core.buckets import from_gcs
        >>> policy = from_gcs([{"origin": ["https://app.example.com"], "method": ["PUT"]}])
        >>> policy.preflight("https://app.example.com", "PUT").status
        200
        """
        if len(request_method) > MAX_METHOD_LENGTH:  # refused before it is cached or echoed
            return reject(method_too_long(request_method), debug=False)
        cacheable = len(origin) <= MAX_CACHED_ORIGIN and (
            request_headers is None or len(request_headers) <= _MAX_CACHED_HEADERS
        )
        key = (origin, request_method, request_headers, private_network)
        if cacheable:
            cached = self._preflights.get(key)
            if cached is not None:
                return cached
        decision = self._preflight(origin, request_method, request_headers, private_network)
        if cacheable:
            size = len(origin) + len(request_method) + len(request_headers or "")
            self._preflights.put(key, decision, size)
        return decision

    def decide_websocket(
        self, origin: str | None, host: str | None, scheme: str, *, path: str = ""
    ) -> Decision:
        """Websocket handshakes pass unchecked: a bucket's CORS rules say nothing of them.

        >>> from cors_core.buckets import from_gcs
        >>> from_gcs([]).decide_websocket("https://a.example", "b.example", "wss").allowed
        True
        """
        return self.no_origin_decision if origin is None else _PASS

    def matching_rule(
        self,
        method: str,
        origin: str,
        request_method: str | None = None,
        request_headers: str | None = None,
    ) -> BucketRule | None:
        """The rule that answers this request (``None``: no rule does).

        A preflight (``OPTIONS`` with ``request_method``) is matched on the requested
        method and headers, any other request on its method.

        >>> from cors_core.buckets import from_s3
        >>> policy = from_s3([
        ...     {"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["GET"]},
        ...     {"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["PUT"],
        ...      "AllowedHeaders": ["*"]}])
        >>> policy.matching_rule("OPTIONS", "https://a.example", "PUT", "x-a").index
        1
        >>> policy.matching_rule("DELETE", "https://a.example") is None
        True
        """
        if request_method is not None and method == "OPTIONS":
            if len(request_method) > MAX_METHOD_LENGTH:
                return None
            found = self._match_preflight(origin, request_method, request_headers)
            return None if isinstance(found, Reason) else self.rules[found[0]]
        actual = self._match_actual(origin, method)
        return None if isinstance(actual, Reason) else self.rules[actual]

    # -- matching ----------------------------------------------------------------------

    def _rules_for(self, origin: str) -> tuple[int, ...] | Reason:
        """The indices of the rules whose origins hold ``origin``, ascending (cached)."""
        cached = self._origins.get(origin)
        if cached is not None:
            return cached
        found: tuple[int, ...] | Reason
        if origin == "null":  # the opaque origin: only '*' covers it
            found = self._any
        elif parse_origin(origin) is None:  # bounded: refused past 320 characters
            found = Reason(ReasonCode.ORIGIN_MALFORMED, origin, origin_hint(origin))
        else:
            indices = set(self._exact.get(origin, ()))
            indices.update(self._any)
            size = len(origin)
            for prefix, suffix, i in self._globs:
                # One '*' of one or more characters: a prefix and a suffix test.
                if (
                    size > len(prefix) + len(suffix)
                    and origin.startswith(prefix)
                    and origin.endswith(suffix)
                ):
                    indices.add(i)
            found = tuple(sorted(indices))
        if len(origin) <= MAX_CACHED_ORIGIN:
            self._origins.put(origin, found, len(origin))
        return found

    def _origin_refusal(self, origin: str) -> Reason:
        parsed = parse_origin(origin)
        hint = near_miss_hint(self._by_host.get(parsed.host)) if parsed is not None else ""
        sentence = (
            f"origin {quote(origin)} is in no {self._list} entry's {self._origins_key}{hint}: "
            f"add it to the {self._origins_key} of the entry that should answer it"
        )
        return Reason(ReasonCode.ORIGIN_NOT_ALLOWED, origin, hint, sentence)

    def _method_refusal(self, origin: str, method: str, indices: tuple[int, ...]) -> Reason:
        allowing = "; ".join(
            f"{self._compiled[i].label} allows {self._compiled[i].methods_value or 'none'}"
            for i in indices[:4]
        )
        more = f" (and {len(indices) - 4} more)" if len(indices) > 4 else ""
        detail = f" (entries matching that origin: {allowing}{more})"
        if self.provider == "s3" and method not in S3_METHODS:
            fix = (
                "S3 allows only GET, PUT, HEAD, POST and DELETE, so no rule can allow it: "
                "send one of those (PUT to replace an object)"
            )
        else:
            fix = f"add it to the {self._methods_key} of one of them (methods are case-sensitive)"
        sentence = (
            f"no {self._list} entry allows method {quote(method)} for origin "
            f"{quote(origin)}{detail}; {fix}"
        )
        return Reason(ReasonCode.METHOD_NOT_ALLOWED, method, detail, sentence)

    def _match_actual(self, origin: str, method: str) -> int | Reason:
        found = self._rules_for(origin)
        if isinstance(found, Reason):
            return found
        if not found:
            return self._origin_refusal(origin)
        for i in found:
            if self._compiled[i].allows_method(method):
                return i
        return self._method_refusal(origin, method, found)

    def _names(self, request_headers: str) -> tuple[str, ...] | RequestHeadersError:
        if len(request_headers) > _MAX_CACHED_HEADERS:
            return parse_request_headers(request_headers)  # bounded work, not kept
        parsed = self._request_headers.get(request_headers)
        if parsed is None:
            parsed = self._request_headers.put(
                request_headers, parse_request_headers(request_headers), len(request_headers)
            )
        return parsed

    def _match_preflight(
        self, origin: str, method: str, request_headers: str | None
    ) -> tuple[int, tuple[str, ...]] | Reason:
        """``(rule index, requested names)``, or why no rule matches."""
        found = self._rules_for(origin)
        if isinstance(found, Reason):
            return found
        if not found:
            return self._origin_refusal(origin)
        if not is_token(method):
            return Reason(ReasonCode.METHOD_MALFORMED, method)
        by_method = tuple(i for i in found if self._compiled[i].allows_method(method))
        if not by_method:
            return self._method_refusal(origin, method, found)
        names: tuple[str, ...] = ()
        if request_headers is not None:
            parsed = self._names(request_headers)
            if isinstance(parsed, RequestHeadersError):
                return request_headers_refusal(parsed, request_headers)
            names = parsed
        refused_by: list[list[str]] = []
        for i in by_method:
            refused = self._compiled[i].refused_headers(names)
            if not refused:
                return i, names
            refused_by.append(refused)
        # Name the headers no candidate allows, else those the first candidate refuses.
        nowhere = [n for n in refused_by[0] if all(n in r for r in refused_by[1:])]
        refused = nowhere or refused_by[0]
        base = header_refusal(refused)
        labels = ", ".join(self._compiled[i].label for i in by_method[:4])
        detail = f" (checked: {labels})"
        names_text = ", ".join(quote(n) for n in refused)
        them = "them" if len(refused) > 1 else "it"
        sentence = (
            f"no {self._list} entry that allows {quote(method)} for origin {quote(origin)} "
            f"allows request header{'s' if len(refused) > 1 else ''} {names_text}{detail}: "
            f"add {them} to the {self._headers_key} of one of them (names are "
            "case-insensitive; one '*' matches any run of characters, as in 'x-amz-meta-*')"
        )
        return Reason(base.code, base.value, detail, sentence)

    def _preflight(
        self, origin: str, method: str, request_headers: str | None, pna: bool
    ) -> Decision:
        found = self._match_preflight(origin, method, request_headers)
        if isinstance(found, Reason):
            return reject(found, debug=False)
        index, names = found
        if pna:
            return reject(_NO_PRIVATE_NETWORK, debug=False)
        r = self._compiled[index]
        headers: list[tuple[str, str]] = [
            (_ACAO, "*" if r.star else origin),
            *r.preflight_tail,
            ("Access-Control-Allow-Methods", method if r.any_method else r.methods_value),
        ]
        if names:
            headers.append(("Access-Control-Allow-Headers", ", ".join(names)))
        headers += r.max_age
        headers += _PREFLIGHT_END
        return Decision.build(
            Action.RESPOND,
            True,
            Reason(ReasonCode.OK, None, f" by {r.label}"),
            tuple(headers),
            status=200,
            preflight=True,
        )


#: A bucket's answer to a Private Network Access preflight: no provider's CORS rules can
#: grant it (there is no option to name, unlike CORSPolicy's allow_private_network).
_NO_PRIVATE_NETWORK = Reason(
    ReasonCode.PRIVATE_NETWORK,
    sentence=(
        "the preflight asks for private network access "
        "(Access-Control-Request-Private-Network: true), which bucket CORS rules cannot "
        "grant: serve the page from a public address, or put a CORSPolicy with "
        "allow_private_network=True in front of the bucket"
    ),
)
