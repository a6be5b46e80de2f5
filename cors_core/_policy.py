"""``CORSPolicy``: a validated, immutable CORS configuration that decides requests."""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import filterfalse, repeat
from types import MappingProxyType
from typing import Any, Never

from cors_core._cache import CACHE_BUDGET as _CACHE_BUDGET
from cors_core._cache import MAX_CACHED_HEADERS as _MAX_CACHED_KEY
from cors_core._cache import MAX_CACHED_ORIGIN as _MAX_CACHED_ORIGIN
from cors_core._cache import BoundedCache, MemoInfo
from cors_core._config import (
    Settings,
    header_pattern_matches,
    options_from_mapping,
    unknown_options,
    validate,
)
from cors_core._decision import (
    Action,
    Decision,
    Reason,
    ReasonCode,
    refused_actual,
    refused_actual_lazily,
)
from cors_core._errors import ConfigError, Problem
from cors_core._fetch import SAFELISTED_REQUEST_HEADERS, STANDARD_METHODS, is_token
from cors_core._headers import (
    MAX_REQUEST_HEADERS_LENGTH,
    TOO_LONG,
    RequestHeadersError,
    header_globs_regex,
    parse_request_headers,
)
from cors_core._log import logger
from cors_core._origins import DEFAULT_PORTS, origin_parts, parse_origin
from cors_core._rejection import (
    PREFLIGHT_VARY,
    header_refusal,
    method_refusal,
    method_too_long,
    near_miss_hint,
    origin_hint,
    reject,
    request_headers_refusal,
)
from cors_core._request import MAX_METHOD_LENGTH
from cors_core._text import escape, quote
from cors_core._toml import read_toml
from cors_core._wording import TOML, reword

__all__ = ["CORSPolicy", "with_origin_hook"]

_OK = Reason(ReasonCode.OK)
_ACTUAL = Action.ACTUAL
_NOT_ALLOWED = ReasonCode.ORIGIN_NOT_ALLOWED
_MALFORMED = ReasonCode.ORIGIN_MALFORMED
#: Above every character of a header name (a token is ASCII below DEL): ``p + _PAST_NAMES``
#: sorts after every name that starts with ``p``, and before every other name above ``p``.
_PAST_NAMES = "\x7f"


class CORSPolicy:
    """An immutable, validated CORS policy: the engine every adapter asks.

    Construction validates every option at once and raises :class:`ConfigError`
    listing each problem with its fix. Everything that does not depend on the
    request (header pairs, sets, compiled patterns) is computed here, once.

    Options (keyword names match starlette's ``CORSMiddleware``):

    - ``allow_origins``: exact origins (``"https://app.example.com"``), subdomain
      patterns (``"https://*.example.com"``: one or more labels, never the apex),
      any-port patterns (``"http://localhost:*"``), or ``["*"]`` for every origin.
    - ``allow_origin_regex``: a regex (or list) matched with ``fullmatch``.
    - ``allow_origin_predicate``: ``callable(origin) -> bool`` asked last, every time.
    - ``allow_methods``: the methods a preflight may ask for, as listed (default GET, as
      in starlette); ``"*"`` covers the standard methods (an extension method such as
      ``PURGE`` is allowed by name only) and echoes the one asked.
    - ``allow_headers``: the request headers a preflight may ask for, as listed (default
      the four CORS-safelisted names: accept, accept-language, content-language,
      content-type), ``x-amz-*`` patterns, or ``"*"`` (echo what is asked).
    - ``expose_headers``: response headers scripts may read; ``"*"`` only without credentials.
    - ``allow_credentials``: cookies/HTTP auth; forbids ``"*"`` origins.
    - ``max_age``: seconds browsers may cache a preflight (``None``: header omitted).
    - ``allow_private_network``: answer Private Network Access preflights.
    - ``allow_null_origin`` / ``allow_public_suffix_wildcards``: explicit opt-ins.
    - ``preflight_status``: 204 (default) or 200.
    - ``block_disallowed``: answer 403 to actual requests from disallowed origins
      instead of calling the app (same-origin and Origin-less requests pass).
    - ``websocket_origins``: ASGI only; refuse websocket handshakes from disallowed origins.
    - ``debug``: development only; rejected preflights carry the reason in
      ``X-CORS-Reason`` and the body.
    - ``strict``: turn :class:`CORSConfigWarning` into errors.

    Not an option: :meth:`with_origin_hook` gives the same policy with an origin hook,
    asked when the lists refuse a well-formed origin (adapters use it for a framework's
    own rule, such as Django's ``check_request_enabled`` signal).

    Example::

        >>> policy = CORSPolicy(
        ...     allow_origins=["https://app.example.com", "https://*.example.com"],
        ...     allow_methods=["GET", "POST", "PUT"],
        ...     allow_headers=["authorization", "content-type"],
        ...     allow_credentials=True,
        ... )
        >>> d = policy.decide("OPTIONS", "https://app.example.com", "PUT", "authorization")
        >>> d.status, d.allowed
        (204, True)
    """

    uses_path = False

    def __init__(
        self,
        *,
        allow_origins: Iterable[str] = (),
        allow_origin_regex: str | Iterable[str] | None = None,
        allow_origin_predicate: Callable[[str], bool] | None = None,
        allow_methods: Iterable[str] | str = ("GET",),
        allow_headers: Iterable[str] | str = SAFELISTED_REQUEST_HEADERS,
        expose_headers: Iterable[str] | str = (),
        allow_credentials: bool = False,
        max_age: int | None = 600,
        allow_private_network: bool = False,
        allow_null_origin: bool = False,
        allow_public_suffix_wildcards: bool = False,
        preflight_status: int = 204,
        block_disallowed: bool = False,
        websocket_origins: bool = False,
        debug: bool = False,
        strict: bool = False,
        **unknown: Never,
    ) -> None:
        options = dict(locals())
        del options["self"], options["unknown"]
        self._build(options, _validate_all(options, unknown), None)

    def _build(
        self, options: Mapping[str, Any], s: Settings, hook: Callable[[str], bool] | None
    ) -> None:
        """Precompute everything from the validated settings ``s`` (fresh caches)."""
        self._options: Mapping[str, Any] = options
        self._s = s
        self._hook = hook
        self._hook_failures = 0
        self._hook_refused = "" if hook is None else "; the origin hook did not allow it either"
        self._vary = not (s.allow_all_origins and not s.allow_credentials)
        self._block = s.block_disallowed
        # A predicate or a hook is asked every time an origin the lists refuse comes back.
        self._asks = s.matcher.predicate is not None or hook is not None
        self._cacheable = not self._asks
        # Per origin, the answer to its actual requests (which also says whether it is
        # allowed, and why): one Decision, reused by its preflights.
        self._origins: BoundedCache[str, Decision] = BoundedCache(4096, _CACHE_BUDGET)
        # The same answers by the Origin header's bytes (ASCII origins), for ASGI adapters:
        # a held answer is found without decoding the header (about 930 instructions of a
        # refused GET's 17,100 through the ASGI adapter). Written and emptied only with
        # _origins (see _keep), so its keys are some of _origins' keys: the same bounds.
        self._raw_origins: dict[bytes, Decision] = {}
        # Origins only allow_origin_predicate or the origin hook can allow: their answers
        # (allowed by the predicate, allowed by the hook, refused), prebuilt.
        self._asked: BoundedCache[str, tuple[Decision, Decision, Decision]] = BoundedCache(
            4096, _CACHE_BUDGET
        )
        self._preflights: BoundedCache[tuple[Any, ...], Decision] = BoundedCache(
            4096, _CACHE_BUDGET
        )
        self._request_headers: BoundedCache[str, tuple[str, ...] | RequestHeadersError] = (
            BoundedCache(1024, _CACHE_BUDGET)
        )
        self._predicate_failures = 0
        self._patterns = s.matcher.has_patterns
        self._matches_patterns = s.matcher.matches_patterns
        # Whether matching needs the parsed origin ('*.' / ':*' patterns, a predicate, a hook).
        self._parse_to_match = self._asks or bool(s.matcher.any_port_hosts or s.matcher.suffixes)
        self._predicate = s.matcher.predicate
        self._exact = s.matcher.exact
        self._allow_all = s.allow_all_origins
        # Allowed exact origins by host: one lookup both finds an exact match and gives the
        # "scheme and port must match" hint (one probe into one table, whatever its size).
        by_host: dict[str, tuple[str, ...]] = {}
        for allowed in sorted(s.matcher.exact):
            parsed_allowed = parse_origin(allowed)
            if parsed_allowed is not None:
                by_host[parsed_allowed.host] = (*by_host.get(parsed_allowed.host, ()), allowed)
        self._by_host = by_host
        tail: list[tuple[str, str]] = []
        if s.allow_credentials:
            tail.append(("Access-Control-Allow-Credentials", "true"))
        actual_tail = list(tail)
        if s.expose_all_headers or s.expose_headers:
            actual_tail.append(
                (
                    "Access-Control-Expose-Headers",
                    "*" if s.expose_all_headers else ", ".join(s.expose_headers),
                )
            )
        self._actual_tail = tuple(actual_tail)
        self._methods = frozenset(STANDARD_METHODS if s.allow_all_methods else s.allow_methods)
        self._methods_value = (
            "every standard method: " + ", ".join(sorted(STANDARD_METHODS))
            if s.allow_all_methods
            else ", ".join(s.allow_methods)
        )
        self._headers = frozenset(h.lower() for h in s.allow_headers)
        self._headers_value = ", ".join(s.allow_headers)
        self._header_patterns = s.header_patterns
        # allow_headers patterns, prepared for the sorted requested names: a prefix glob
        # ('x-amz-*') allows one run of them, found by bisection; the other one-'*' globs
        # are one regex, which drops the names they allow from the comma-joined list in
        # one linear pass; globs with more '*' are matched name by name (str.find).
        patterns = s.header_patterns
        self._prefix_runs = tuple((p[0], p[0] + _PAST_NAMES) for p in patterns if p[1:] == ("",))
        ends = [(p[0], p[1]) for p in patterns if len(p) == 2 and p[1]]
        self._drop_ends = header_globs_regex(ends).sub if ends else None
        self._inner_patterns = tuple(p for p in patterns if len(p) > 2)
        vary = PREFLIGHT_VARY
        end: list[tuple[str, str]] = []
        if s.max_age is not None:
            end.append(("Access-Control-Max-Age", str(s.max_age)))
        end.append(("Vary", vary))
        if s.preflight_status == 200:
            end += [("Content-Type", "text/plain"), ("Content-Length", "0")]
        self._preflight_tail = tuple(tail)
        self._headers_too_long = self._reject(request_headers_refusal(TOO_LONG, ""))
        self._preflight_end = tuple(end)
        self._no_origin = Decision.build(
            Action.ACTUAL,
            True,
            Reason(ReasonCode.NO_ORIGIN),
            (("Access-Control-Allow-Origin", "*"), *self._actual_tail) if not self._vary else (),
            vary_origin=self._vary,
        )
        #: The answer to every request without ``Origin`` (it depends on nothing else), so
        #: adapters may skip :meth:`decide` when a request carries no CORS header at all.
        self.no_origin_decision: Decision = self._no_origin
        self._answers: Mapping[str, Decision] = MappingProxyType(
            self._origins if not self._block else {}
        )
        self._raw_answers: Mapping[bytes, Decision] = MappingProxyType(
            self._raw_origins if not self._block else {}
        )
        # Keyed by the preflight's values alone only when no predicate or hook is asked.
        self._held_preflights: Mapping[tuple[Any, ...], Decision] = (
            self._preflights if self._cacheable else {}
        )
        self._preflight_answers: Mapping[tuple[Any, ...], Decision] = MappingProxyType(
            self._held_preflights
        )
        # Every allowed origin's answer when it is "*" (no credentials): one, shared.
        self._star = None
        if not self._vary:
            self._star = Decision.build(Action.ACTUAL, True, _OK, self._no_origin.headers)

    # -- introspection -----------------------------------------------------------------

    @property
    def options(self) -> Mapping[str, Any]:
        """The options this policy was built from (as passed)."""
        return self._options

    @property
    def allow_credentials(self) -> bool:
        """Whether credentialed requests are allowed."""
        return self._s.allow_credentials

    @property
    def websocket_origins(self) -> bool:
        """Whether websocket handshakes are checked against the origin rules."""
        return self._s.websocket_origins

    @property
    def uses_host(self) -> bool:
        """Whether decisions read ``Host`` and the scheme (only ``block_disallowed`` does)."""
        return self._s.block_disallowed

    @property
    def varies_on_origin(self) -> bool:
        """Whether responses depend on ``Origin`` (everything but ``"*"`` without credentials)."""
        return self._vary

    def for_path(self, path: str) -> CORSPolicy | None:
        """The policy for ``path``: always this one (see :class:`PathRules`)."""
        return self

    @property
    def answers_by_origin(self) -> Mapping[str, Decision]:
        """The answers to actual requests (not preflights) by ``Origin``, read-only: what
        :meth:`decide` returns for such a request from that origin, whatever its method,
        for the origins it has answered lately. Empty with ``block_disallowed`` (a refusal
        then depends on ``Host``). Adapters may look an origin up here before calling
        :meth:`decide`: a C-level lookup where a call costs about 600 instructions.
        Keys are at most 128 characters (``integration.MAX_CACHED_ORIGIN``): check the
        length first and a hostile value is never hashed.

        >>> fresh = CORSPolicy(allow_origins=["https://app.example.com"])
        >>> "https://app.example.com" in fresh.answers_by_origin
        False
        >>> d = fresh.decide("PUT", "https://app.example.com")
        >>> fresh.answers_by_origin["https://app.example.com"] is d
        True
        """
        return self._answers

    def _held(
        self,
    ) -> tuple[
        Mapping[str, Decision], Mapping[bytes, Decision], Mapping[tuple[Any, ...], Decision]
    ]:
        """The memos behind :attr:`answers_by_origin`, :attr:`answers_by_raw_origin` and
        :attr:`preflight_answers` themselves, for :class:`cors_core.integration.Gate`
        (whose adapters only read them): a lookup there costs about 200 instructions fewer
        than through the read-only views, and a miss raises nothing. Gate asks only
        policies it may call directly, never one with ``block_disallowed`` (whose origin
        views are empty)."""
        return self._origins, self._raw_origins, self._held_preflights

    @property
    def preflight_answers(self) -> Mapping[tuple[Any, ...], Decision]:
        """The answers to preflights lately answered, read-only, by
        ``(origin, request_method, request_headers, private_network)``: what
        :meth:`decide` returns for an ``OPTIONS`` request with those values. Empty when
        ``allow_origin_predicate`` or an origin hook is asked (the answer then depends on
        more). Adapters may look a preflight up here before calling :meth:`decide`. No
        key holds an origin longer than 128 characters (``integration.MAX_CACHED_ORIGIN``),
        a method longer than 64 (``MAX_METHOD_LENGTH``) or a header list longer than 1024
        (``MAX_CACHED_HEADERS``): check the lengths first and a hostile value is never
        hashed.

        >>> fresh = CORSPolicy(allow_origins=["https://app.example.com"], allow_methods=["PUT"])
        >>> d = fresh.decide("OPTIONS", "https://app.example.com", "PUT", "x-token")
        >>> fresh.preflight_answers[("https://app.example.com", "PUT", "x-token", False)] is d
        True
        """
        return self._preflight_answers

    @property
    def answers_by_raw_origin(self) -> Mapping[bytes, Decision]:
        """:attr:`answers_by_origin` keyed by the ``Origin`` header's bytes, as an ASGI
        server delivers them (``origin.encode("latin-1")``), for ASCII origins: an ASGI
        adapter finds a held answer without decoding the header first. Read-only, empty
        with ``block_disallowed``, keys at most 128 bytes (check the length first).

        >>> fresh = CORSPolicy(allow_origins=["https://app.example.com"])
        >>> d = fresh.decide("GET", "https://app.example.com")
        >>> fresh.answers_by_raw_origin[b"https://app.example.com"] is d
        True
        """
        return self._raw_answers

    @property
    def origin_hook(self) -> Callable[[str], bool] | None:
        """The hook :meth:`with_origin_hook` added (``None``: none)."""
        return self._hook

    def with_origin_hook(self, hook: Callable[[str], bool]) -> CORSPolicy:
        """This policy, also allowing the well-formed origins ``hook`` admits.

        ``hook(origin)`` is asked only when the lists refuse a well-formed, non-``null``
        origin (reason ``origin_not_allowed``), after ``allow_origin_predicate``, on every
        such request (never cached); only ``True`` admits. An admitted origin gets a
        listed origin's answer (methods, headers, credentials checked as for any other)
        with the reason ``origin_allowed_by_hook``; a refused one keeps
        ``origin_not_allowed``. A hook that raises refuses, and is logged once (then
        counted). The new policy is built once, from the same validated options (no
        warning repeated) with caches of its own, and replaces any hook this one had;
        this one is unchanged, and policies without a hook pay nothing. Adapters use it
        for request-scoped rules (Django's ``check_request_enabled`` signal); application
        code can use ``allow_origin_predicate``.

        >>> base = CORSPolicy(allow_origins=["https://app.example.com"],
        ...                   allow_methods=["GET", "PUT"])
        >>> hooked = base.with_origin_hook(lambda origin: origin.endswith(".partner.example"))
        >>> print(hooked.decide("GET", "https://a.partner.example").reason.code)
        origin_allowed_by_hook
        >>> print(hooked.decide("OPTIONS", "https://a.partner.example", "DELETE").reason.code)
        method_not_allowed
        >>> print(base.decide("GET", "https://a.partner.example").reason.code)
        origin_not_allowed
        """
        if not callable(hook):
            raise ConfigError(
                [Problem("origin hook", repr(hook)[:200], "is not callable", _HOOK_FIX)]
            )
        twin = object.__new__(type(self))
        twin._build(self._options, self._s, hook)
        return twin

    def __repr__(self) -> str:
        shown = {
            k: v
            for k, v in self._options.items()
            if v not in ((), None, False)
            and not (k == "allow_headers" and v == SAFELISTED_REQUEST_HEADERS)
        }
        args = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        return f"CORSPolicy({args})"

    # -- decisions ---------------------------------------------------------------------

    def memo_info(self) -> dict[str, MemoInfo]:
        """What the policy's memos hold now, by name: ``origins`` (each origin's answer),
        ``raw_origins`` (the same answers by the header's bytes, for ASCII origins),
        ``asked`` (origins only the predicate or the origin hook can allow),
        ``preflights`` and ``request_headers`` (parsed header lists).

        Each is bounded in entries and in characters of request-supplied text, whatever
        the requests: a flood of fresh values empties a memo, it never grows past its
        bounds. Values too long to be worth keeping are answered without being kept.

        >>> fresh = CORSPolicy(allow_origins=["https://app.example.com"])
        >>> _ = fresh.decide("GET", "https://app.example.com")
        >>> fresh.memo_info()["origins"].keys
        ('https://app.example.com',)
        >>> fresh.memo_info()["preflights"].entries
        0
        """
        return {
            "origins": self._origins.info(),
            "raw_origins": MemoInfo(
                len(self._raw_origins),
                sum(map(len, self._raw_origins)),
                self._origins.maxsize,
                self._origins.max_size,
                tuple(self._raw_origins),
            ),
            "asked": self._asked.info(),
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
        """Decide one request from its metadata (the adapters' single entry point).

        ``origin`` is the ``Origin`` header (several values joined by ``", "``, which is
        then malformed), ``request_method``/``request_headers`` the
        ``Access-Control-Request-*`` values (``None`` when absent; several
        request-headers lines joined by ``","``), ``private_network`` whether
        ``Access-Control-Request-Private-Network: true`` was sent. ``host`` and
        ``scheme`` recognise same-origin requests for ``block_disallowed``.

        >>> print(policy.decide("GET", None).reason.code)
        no_origin
        """
        if origin is None:
            return self._no_origin
        # cors_core._request.is_preflight, inlined (Origin is present here): calling it
        # cost about 500 instructions on every request with Origin (5 % of an allowed GET
        # through the WSGI adapter); a property test holds the two to the same answer.
        if request_method is not None and method == "OPTIONS":
            # preflight()'s cache hit, inlined (about 700 instructions of the 18,600 a
            # cached preflight costs through the ASGI adapter); the same key, the same
            # bounds: values too long to be cached are never hashed.
            if (
                self._cacheable
                and len(origin) <= _MAX_CACHED_ORIGIN
                and len(request_method) <= MAX_METHOD_LENGTH
                and (request_headers is None or len(request_headers) <= _MAX_CACHED_KEY)
            ):
                cached = self._preflights.get(
                    (origin, request_method, request_headers, private_network)
                )
                if cached is not None:
                    return cached
            return self.preflight(origin, request_method, request_headers, private_network)
        # An over-long origin is never cached: not even hashed for the lookup.
        result = (len(origin) <= _MAX_CACHED_ORIGIN and self._origins.get(origin)) or self._match(
            origin
        )
        if result.allowed or not self._block:
            return result
        return self._reject_unless_same_origin(result, origin, host, scheme)

    def preflight(
        self,
        origin: str,
        request_method: str,
        request_headers: str | None = None,
        private_network: bool = False,
    ) -> Decision:
        """Answer a preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``).

        >>> policy.preflight("https://app.example.com", "PUT").status
        204
        """
        if len(request_method) > MAX_METHOD_LENGTH:  # refused before it is cached or echoed
            return self._reject(method_too_long(request_method))
        if len(origin) > _MAX_CACHED_ORIGIN or (
            request_headers is not None and len(request_headers) > _MAX_CACHED_KEY
        ):  # never a browser's: answer without hashing or keeping the huge value
            return self._preflight(
                origin, self._origin(origin), request_method, request_headers, private_network
            )
        key: tuple[Any, ...] = (origin, request_method, request_headers, private_network)
        if self._cacheable:
            cached = self._preflights.get(key)
            if cached is not None:
                return cached
            result = self._origin(origin)
        else:  # the predicate or hook is asked every time; each outcome's answer is cached
            result = self._origin(origin)
            key += (result.allowed and result.reason.code,)
            cached = self._preflights.get(key)
            if cached is not None:
                return cached
        answer = self._preflight(origin, result, request_method, request_headers, private_network)
        size = len(origin) + len(request_method) + len(request_headers or "")
        return self._preflights.put(key, answer, size)

    def decide_websocket(
        self, origin: str | None, host: str | None, scheme: str, *, path: str = ""
    ) -> Decision:
        """Decide a websocket handshake: refused (403) only for a disallowed foreign origin.

        ``path`` is accepted for symmetry with :meth:`PathRules.decide_websocket`.

        >>> policy.decide_websocket("https://evil.example", "api.example.com", "wss").allowed
        False
        """
        if origin is None:
            return self._no_origin
        result = self._origin(origin)
        if result.allowed:
            return result
        http_scheme = {"ws": "http", "wss": "https"}.get(scheme, scheme)
        if _same_origin(origin, http_scheme, host):
            return self._same_origin_pass(origin)
        reason = Reason(ReasonCode.WEBSOCKET_ORIGIN, origin)
        return self._reject(reason, status=403, preflight=False)

    # -- internals ---------------------------------------------------------------------

    def _origin(self, origin: str) -> Decision:
        result = self._origins.get(origin)
        if result is not None:
            return result
        return self._match(origin)

    def _match(self, origin: str) -> Decision:
        if self._asks:
            asked = self._asked.get(origin)
            if asked is not None:  # only the predicate or the origin hook can allow it
                return self._consult(origin, asked)
        if origin == "null":  # the opaque origin: no serialization, allowed only on request
            if self._s.allow_null_origin or self._allow_all:
                return self._keep(origin, self._allowed(origin))
            return self._keep(origin, refused_actual(Reason(ReasonCode.ORIGIN_NULL, origin)))
        if not self._parse_to_match:
            # Exact origins and regexes only: a match needs no parsing first (exact entries
            # are serializations; a regex's match is confirmed well formed here), and a
            # never-seen, refused origin is answered without parsing it at all: why it is
            # refused is worked out only if someone reads the reason.
            if origin in self._exact or (
                (self._allow_all or (self._patterns and self._matches_patterns(origin, None)))
                and origin_parts(origin) is not None
            ):
                return self._keep(origin, self._allowed(origin))
            return self._keep(origin, refused_actual_lazily(self._why_refused, origin))
        # '*.' or ':*' patterns, a predicate or a hook: matching needs the parsed origin.
        parts = origin_parts(origin)
        if parts is None:  # why (origin_hint) is worked out only if the reason is read
            return self._keep(origin, refused_actual_lazily(self._why_refused, origin))
        same_host = self._by_host.get(parts[1])  # the exact origins with this host
        if (
            self._allow_all
            or (same_host is not None and origin in same_host)
            or (self._patterns and self._matches_patterns(origin, parts))
        ):
            return self._keep(origin, self._allowed(origin))
        if self._asks:
            # Asked every time (answers may change), but every outcome is built once.
            no = refused_actual(Reason(_NOT_ALLOWED, origin, self._hook_refused))
            outcomes = (
                no if self._predicate is None else self._allowed(origin),
                no if self._hook is None else self._allowed_by_hook(origin),
                no,
            )
            if len(origin) <= _MAX_CACHED_ORIGIN:
                self._asked.put(origin, outcomes, len(origin))
            return self._consult(origin, outcomes)
        # The hint, lazily:
        return self._keep(origin, refused_actual_lazily(self._why_refused, origin))

    def _consult(self, origin: str, asked: tuple[Decision, Decision, Decision]) -> Decision:
        """The answer for a well-formed ``origin`` the lists refuse: ``asked`` holds its
        three prebuilt outcomes (allowed by the predicate, by the hook, refused)."""
        predicate = self._predicate
        if predicate is not None and self._ask(predicate, origin):
            return asked[0]
        hook = self._hook
        if hook is not None and self._ask_hook(hook, origin):
            return asked[1]
        return asked[2]

    def _why_refused(self, origin: str) -> Reason:
        """Why a non-null origin no allow-list entry matched is refused: malformed (with what
        one look tells), or well formed and not listed (with the near-miss hint)."""
        parts = origin_parts(origin)
        if parts is None:
            return Reason(_MALFORMED, origin, origin_hint(origin))
        same_host = self._by_host.get(parts[1])
        hint = near_miss_hint(same_host[0]) if same_host else ""
        return Reason(_NOT_ALLOWED, origin, hint)

    def _keep(self, origin: str, result: Decision) -> Decision:
        """``result``, cached for ``origin`` unless no browser sends an origin that long."""
        size = len(origin)
        if size > _MAX_CACHED_ORIGIN:
            return result
        # BoundedCache.put, inlined to empty both memos together (and one call less per
        # never-seen origin: about 420 instructions); a test holds it to put's result at
        # each bound.
        cache = self._origins
        if len(cache) >= cache.maxsize or cache.size + size > cache.max_size:
            cache.clear()
            cache.size = 0
            self._raw_origins.clear()
        cache[origin] = result
        cache.size += size
        if origin.isascii():  # what an ASGI server delivers: latin-1 bytes, here ASCII
            self._raw_origins[origin.encode()] = result
        return result

    def _allowed_by_hook(self, origin: str) -> Decision:
        """``origin``'s answer when only the origin hook allows it: a listed origin's
        headers, the reason :attr:`ReasonCode.ORIGIN_ALLOWED_BY_HOOK`."""
        return Decision.build(
            Action.ACTUAL,
            True,
            Reason(ReasonCode.ORIGIN_ALLOWED_BY_HOOK, origin),
            (("Access-Control-Allow-Origin", origin), *self._actual_tail),
            vary_origin=True,
        )

    def _allowed(self, origin: str) -> Decision:
        if self._star is not None:
            return self._star
        return Decision.build(
            Action.ACTUAL,
            True,
            _OK,
            (("Access-Control-Allow-Origin", origin), *self._actual_tail),
            vary_origin=self._vary,
        )

    def _preflight(
        self, origin: str, result: Decision, method: str, request_headers: str | None, pna: bool
    ) -> Decision:
        """The preflight's answer; ``result`` is the origin's (its actual requests')."""
        s = self._s
        if not result.allowed:
            return self._reject(result.reason)
        if not is_token(method):
            return self._reject(Reason(ReasonCode.METHOD_MALFORMED, method))
        if method not in self._methods:
            return self._reject(method_refusal(method, self._methods_value, self._methods))
        names: tuple[str, ...] = ()
        extra: Sequence[str] = ()  # requested names only a pattern allows
        if request_headers is not None:
            parsed: tuple[str, ...] | RequestHeadersError | None
            if len(request_headers) > MAX_REQUEST_HEADERS_LENGTH:  # one answer, prebuilt
                return self._headers_too_long
            if len(request_headers) > _MAX_CACHED_KEY:
                parsed = parse_request_headers(request_headers)  # bounded work, not kept
            else:
                parsed = self._request_headers.get(request_headers)
            if parsed is None:
                parsed = self._request_headers.put(
                    request_headers, parse_request_headers(request_headers), len(request_headers)
                )
            if isinstance(parsed, RequestHeadersError):
                return self._reject(request_headers_refusal(parsed, request_headers))
            names = parsed
            if not s.allow_all_headers and not self._headers.issuperset(names):
                # The names allow_headers does not list, sorted (as parsed): a pattern must
                # allow each, and the answer lists them. C-level passes, no Python loop.
                extra = (
                    names
                    if self._headers.isdisjoint(names)
                    else list(filterfalse(self._headers.__contains__, names))
                )
                refused = self._not_matched(extra)
                if refused:
                    return self._reject(header_refusal(refused))
        if pna and not s.allow_private_network:
            return self._reject(Reason(ReasonCode.PRIVATE_NETWORK))
        headers: list[tuple[str, str]] = [
            ("Access-Control-Allow-Origin", "*" if self._star is not None else origin),
            *self._preflight_tail,
            (
                "Access-Control-Allow-Methods",
                method if s.allow_all_methods else self._methods_value,
            ),
        ]
        if s.allow_all_headers:
            if names and request_headers is not None:
                headers.append(("Access-Control-Allow-Headers", _as_sent(request_headers, names)))
        elif self._header_patterns and names:
            # Browsers compare names, not patterns: list the requested names a pattern allows.
            value = self._headers_value
            if extra:
                if request_headers and request_headers != ",".join(names):  # as sent
                    extra = _spelled(request_headers, extra)
                value = f"{value}, {', '.join(extra)}" if value else ", ".join(extra)
            headers.append(("Access-Control-Allow-Headers", value))
        elif self._headers_value:
            headers.append(("Access-Control-Allow-Headers", self._headers_value))
        if pna:
            headers.append(("Access-Control-Allow-Private-Network", "true"))
        headers.extend(self._preflight_end)
        return Decision.build(
            Action.RESPOND,
            True,
            result.reason,  # ok, or origin_allowed_by_hook
            tuple(headers),
            status=s.preflight_status,
            preflight=True,
        )

    def _not_matched(self, names: Sequence[str]) -> list[str]:
        """Those of the sorted, unique ``names`` no ``allow_headers`` pattern allows, sorted.

        Each prefix glob (``x-amz-*``) allows one run of the sorted names, cut out by two
        bisections; one regex pass over the comma-joined names left drops those the other
        one-``*`` globs allow; globs with more ``*`` are then tried on each name still
        left. Linear in the names.
        """
        rest: Sequence[str] = names
        for prefix, past in self._prefix_runs:
            start = bisect_left(rest, prefix)
            end = bisect_left(rest, past, start)
            if start < end:
                rest = [*rest[:start], *rest[end:]]
        if rest and self._drop_ends is not None:
            left = self._drop_ends("", "," + ",".join(rest))
            rest = left[1:].split(",") if left else []
        if rest and self._inner_patterns:
            inner = self._inner_patterns
            rest = [n for n in rest if not any(header_pattern_matches(p, n) for p in inner)]
        return list(rest)

    def _reject(self, reason: Reason, status: int = 403, preflight: bool = True) -> Decision:
        return reject(reason, debug=self._s.debug, status=status, preflight=preflight)

    def _reject_unless_same_origin(
        self, result: Decision, origin: str, host: str | None, scheme: str
    ) -> Decision:
        if _same_origin(origin, scheme, host):
            return self._same_origin_pass(origin)
        return self._reject(result.reason, preflight=False)

    def _ask(self, predicate: Callable[[str], bool], origin: str) -> bool:
        """The predicate's answer; one that raises denies, and the app keeps serving.

        The first failure is logged with its traceback; later ones only as a running count
        (at 2, 4, 8, ... failures), so a broken predicate cannot flood the logs.
        """
        try:
            return predicate(origin) is True
        except Exception:
            self._predicate_failures += 1
            count = self._predicate_failures
            if count == 1:
                logger.exception(
                    "allow_origin_predicate raised; the origin is treated as denied "
                    "(later failures are only counted)"
                )
            elif count & (count - 1) == 0:
                logger.error("allow_origin_predicate has raised %d times", count)
            return False

    def _ask_hook(self, hook: Callable[[str], bool], origin: str) -> bool:
        """The origin hook's answer (``True`` admits, anything else refuses); one that
        raises refuses, and the app keeps serving.

        The first failure is logged at ERROR as one line of printable ASCII (the
        exception's type, its message escaped, where it was raised: no traceback, whose
        last line would repeat the message as it is); later ones only as a running count.
        """
        try:
            return hook(origin) is True
        except Exception as exc:
            self._hook_failures += 1
            count = self._hook_failures
            if count == 1:
                logger.error(
                    "CORS origin hook %s raised %s at %s; origin %s is treated as refused "
                    "(later failures are only counted)",
                    escape(_name(hook)),
                    escape(_describe(exc)),
                    escape(_where(exc)),
                    quote(origin),
                )
            elif count & (count - 1) == 0:
                logger.error("CORS origin hook %s has raised %d times", escape(_name(hook)), count)
            return False

    def _same_origin_pass(self, origin: str) -> Decision:
        return Decision.build(
            Action.ACTUAL, True, Reason(ReasonCode.SAME_ORIGIN, origin), vary_origin=True
        )

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> CORSPolicy:
        """Build a policy from a mapping of options (e.g. parsed TOML or JSON).

        Same validation and errors as the constructor; unknown keys raise
        :class:`ConfigError` with the closest real option name.

        >>> CORSPolicy.from_mapping({"allow_origins": ["https://app.example.com"]})
        CORSPolicy(allow_origins=['https://app.example.com'], ...)
        """
        return cls(**options_from_mapping(mapping, check_names=False))

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> CORSPolicy:
        """Build a policy from a TOML file: ``[tool.cors]``, ``[cors]`` or top-level keys.

        ``path`` is a ``str`` or :class:`pathlib.Path`. Files with per-path rules
        need :func:`cors_core.loading.load_config`.

        A :class:`ConfigError` writes every problem, fix included, in TOML, the file's
        own syntax (``allow_credentials = false``).

        >>> policy = CORSPolicy.from_toml("pyproject.toml")
        """
        try:
            return cls.from_mapping(read_toml(path))
        except ConfigError as exc:
            raise ConfigError(reword(problem, TOML) for problem in exc.problems) from None


_HOOK_FIX = "pass a function that takes the origin (a str) and returns True to allow it"


def with_origin_hook(engine: Any, hook: Callable[[str], bool]) -> Any:
    """``engine`` also allowing the well-formed origins ``hook`` admits, for the engines
    that take a hook (:meth:`CORSPolicy.with_origin_hook`, :meth:`PathRules.with_origin_hook`);
    ``None`` (no CORS) and other engines (a bucket's rules) are returned as they are.

    >>> with_origin_hook(None, bool) is None
    True
    """
    method = getattr(engine, "with_origin_hook", None)
    return engine if method is None else method(hook)


def _name(hook: Callable[..., object]) -> str:
    """The hook's qualified name, for the log."""
    name = getattr(hook, "__qualname__", None) or type(hook).__qualname__
    module = getattr(hook, "__module__", None)
    return f"{module}.{name}" if isinstance(module, str) else str(name)


def _describe(exc: BaseException) -> str:
    """``Type: message``, whatever the exception's ``__str__`` does."""
    try:
        text = str(exc)
    except Exception:
        text = "<unprintable>"
    return f"{type(exc).__qualname__}: {text[:200]}" if text else type(exc).__qualname__


def _where(exc: BaseException) -> str:
    """``file:line`` where ``exc`` was raised (the innermost frame)."""
    tb = exc.__traceback__
    if tb is None:
        return "?"
    while tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"


def _validate_all(options: dict[str, Any], unknown: Mapping[str, Any]) -> Settings:
    """:func:`validate`, with unknown option names reported beside every other problem."""
    problems = unknown_options(unknown)
    if not problems:
        return validate(options)
    try:
        validate(options)
    except ConfigError as exc:
        problems += exc.problems
    raise ConfigError(problems)


def _as_sent(request_headers: str, names: Sequence[str] = ()) -> str:
    """The requested names as the client wrote them (already validated tokens), each once,
    in the order first sent, written as first sent. ``names``: the parsed names, when known
    (a browser's list is exactly them, and is then echoed as is).

    >>> _as_sent("X-Token, ,x-token,Content-Type")
    'X-Token, Content-Type'
    """
    if names and request_headers == ",".join(names):
        return request_headers.replace(",", ", ")
    sent = list(filter(None, map(str.strip, request_headers.split(","), repeat(" \t"))))
    lowered = list(map(str.lower, sent))
    seen = dict.fromkeys(lowered, "")  # the order names were first sent in
    # the earliest spelling of each name written last, so kept
    seen.update(zip(reversed(lowered), reversed(sent), strict=True))
    return ", ".join(seen.values())


def _spelled(request_headers: str, names: Sequence[str]) -> list[str]:
    """``names`` (lowercase) as the client first wrote each in ``request_headers``, as
    ``"*"`` echoes them.

    >>> _spelled("X-Amz-Date, x-amz-date,X-Other", ["x-amz-date"])
    ['X-Amz-Date']
    """
    first: dict[str, str] = {}
    for sent in request_headers.split(","):
        name = sent.strip(" \t")
        first.setdefault(name.lower(), name)
    return [first.get(name, name) for name in names]


def _same_origin(origin: str, scheme: str, host: str | None) -> bool:
    if not host:
        return False
    host = host.lower()
    default = DEFAULT_PORTS.get(scheme)
    if default and host.endswith(":" + default):
        host = host[: -len(default) - 1]
    return origin == f"{scheme}://{host}"
