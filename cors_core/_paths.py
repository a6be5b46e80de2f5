"""Per-path rules: a different policy (or none) for parts of the URL space."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, TypeAlias

from cors_core._decision import Action, Decision, Reason, ReasonCode
from cors_core._errors import ConfigError, Problem
from cors_core._policy import CORSPolicy, with_origin_hook
from cors_core._regex import backtracking_problems
from cors_core._rejection import reject
from cors_core._text import suggest

__all__ = [
    "KEY_STRATEGIES",
    "MAX_PATH_LENGTH",
    "PathPolicy",
    "PathRules",
    "has_dot_segment",
    "is_engine",
    "normalize_path",
    "path_readings",
]

#: What a path may map to: a :class:`CORSPolicy`, or any other engine with the same
#: ``decide``/``decide_websocket`` methods and ``websocket_origins`` (a
#: :class:`cors_core.buckets.BucketPolicy`, another :class:`PathRules` ...). Spelt
#: ``CORSPolicy | Any`` so that code written for ``CORSPolicy`` values keeps type-checking;
#: :class:`PathRules` checks the members when it is built.
PathPolicy: TypeAlias = CORSPolicy | Any

_NO_CORS = Decision.build(Action.PASS, True, Reason(ReasonCode.NO_CORS_FOR_PATH))

#: Longest routed path :class:`PathRules` judges by default (longer: no CORS). Room for an
#: S3 object key (at most 1,024 bytes) below a bucket name, and short enough that judging
#: the longest such path costs at most about twice an ordinary denied request (the dot
#: segment scan reads the whole path; see the adversarial benchmark's path rows).
MAX_PATH_LENGTH = 2048

#: How :class:`PathRules` reads its keys (its ``keys=`` argument): ``"routes"``, exact
#: paths and ``/*`` prefixes, the most specific winning; ``"flask-cors"``, flask-cors's
#: ``resources``: literal paths equal to the whole path, other keys regexes
#: (``re.match``), tried in flask-cors's order.
KEY_STRATEGIES: Final = ("routes", "flask-cors")

#: What makes flask-cors read a ``resources`` key (or an ``origins`` string) as a regex.
_FLASK_CORS_REGEX_HINTS = frozenset("*\\]?$^[]()")


def is_engine(value: object) -> bool:
    """Whether ``value`` decides requests as a :class:`CORSPolicy` does (duck-typed).

    >>> is_engine(CORSPolicy()), is_engine("https://a.example")
    (True, False)
    """
    return (
        callable(getattr(value, "decide", None))
        and callable(getattr(value, "decide_websocket", None))
        and hasattr(value, "websocket_origins")
    )


def normalize_path(path: str) -> str:
    """``path`` with ``.``/``..`` segments resolved and repeated slashes collapsed.

    What a proxy or a server that normalises paths would route (:class:`PathRules` gives
    a path with dot segments no CORS, and judges repeated slashes both ways). ``path`` is
    already
    percent-decoded once by the server (``scope["path"]``, ``PATH_INFO``): nothing is
    decoded again (``%2e`` here is a literal ``%2e``, sent as ``%252e``), ``+`` stays
    ``+`` and case is kept.

    >>> normalize_path("/api/x/../internal//secrets")
    '/api/internal/secrets'
    >>> normalize_path("/api/%2e%2e/admin")
    '/api/%2e%2e/admin'
    """
    if "//" in path or "/." in path:
        return _resolve(path, dots=True, collapse=True)
    return path or "/"


def _resolve(path: str, *, dots: bool, collapse: bool) -> str:
    """``path`` with dot segments resolved (RFC 3986 ``remove_dot_segments``: ``..``
    also removes an empty segment) and/or repeated slashes collapsed."""
    segments = path.split("/")[1:] if path.startswith("/") else path.split("/")
    out: list[str] = []
    for seg in segments:
        if dots and seg == "..":
            if out:
                out.pop()
        elif not ((dots and seg == ".") or (collapse and seg == "")):
            out.append(seg)
    last = segments[-1] if segments else ""
    result = "/" + "/".join(out)
    if (last == "" or (dots and last in (".", ".."))) and not result.endswith("/"):
        result += "/"
    return result


def has_dot_segment(path: str) -> bool:
    """Whether ``path`` has a ``.`` or ``..`` segment.

    Browsers never send one: they resolve dot segments, ``%2e`` spellings included, before
    a request leaves. One reaches the app only when a client writes it by hand or hides a
    ``/`` from the browser as ``%2F`` (``/internal/..%2Fpublic``), and routers then serve
    it as it is (from a catch-all under ``/internal``) while a proxy may resolve it
    (``/public``). :class:`PathRules` gives such a path no CORS at all.

    >>> has_dot_segment("/internal/../public"), has_dot_segment("/a/.well-known/x")
    (True, False)
    """
    # "." in path is one memchr; the regex reads the path only when it holds a dot.
    return "." in path and _DOT_SEGMENT.search(path) is not None


_DOT_SEGMENT = re.compile(r"/\.\.?(?:/|$)")
_SLASHES = re.compile(r"//+")


def path_readings(path: str) -> tuple[str, ...]:
    """The paths a router may serve for the routed path ``path``: ``path`` itself, and
    with repeated slashes merged (werkzeug merges them, Starlette and Django do not).

    (A path with a dot segment has no reading with CORS: see :func:`has_dot_segment`.)

    >>> path_readings("/a//b/"), path_readings("/api/users")
    (('/a//b/', '/a/b/'), ('/api/users',))
    """
    if "//" not in path:
        return (path or "/",)
    return (path, _SLASHES.sub("/", path))


class PathRules:
    """An ordered set of ``path key -> policy`` (or ``None`` for "no CORS here").

    How keys match paths is chosen once, with ``keys=`` (:data:`KEY_STRATEGIES`):

    - ``keys="routes"`` (the default): exact paths (``"/health"``) or prefixes ending in
      ``/*`` (``"/api/*"`` covers ``/api`` and everything below it, not ``/apix``). The
      most specific pattern wins whatever the order: an exact path beats any prefix, a
      longer prefix beats a shorter one, and an exact rule also covers its slash twin
      (see :meth:`for_path`).
    - ``keys="flask-cors"``: flask-cors's ``resources``. A key without regex syntax
      (:meth:`is_regex_key`) is a literal path, equal to the whole path (``"/api/v1.0"``
      covers only ``/api/v1.0``); any other key, a string or a compiled regex, matches
      when ``re.match(key, path)`` does (``r"/api/*"`` covers every path starting with
      ``/api``), and ``"*"`` is ``".*"``. Keys are tried in flask-cors's order: literal
      paths, then compiled regexes, then regex strings, each by specificity (more
      ``/``, then longer), the first match winning. A regex key that can backtrack on a
      long path is refused (the path is the client's).

    Matching is on the path the application routes (percent-decoded once, below the
    mount point, as Starlette, Flask and Django see it: ``/api/%69nternal`` is
    ``/api/internal``), case-sensitive, ``+`` kept. Where a router may serve a path in
    more than one way, the stricter answer wins: a path with a ``.`` or ``..`` segment
    gets no CORS (:func:`has_dot_segment`), one with repeated slashes is judged as sent
    and merged (:func:`path_readings`). Paths no key covers use ``default``.
    A path may map to any policy kind: a :class:`CORSPolicy`, a bucket's rules
    (:func:`cors_core.buckets.from_s3`), another engine (see :data:`PathPolicy`), or ``None``.
    A misspelt ``keys=``, a malformed key or a key mapped to something that is not a
    policy raises :class:`~cors_core.ConfigError` naming each problem and its fix.

    Example::

        >>> rules = PathRules(
        ...     {"/api/*": CORSPolicy(allow_origins=["https://app.example.com"]),
        ...      "/api/internal/*": None,
        ...      "/public/*": CORSPolicy(allow_origins=["*"])},
        ... )
        >>> rules.for_path("/api/internal/x") is None
        True
        >>> resources = PathRules([("/api/public", CORSPolicy(allow_origins=["*"]))],
        ...                       keys="flask-cors")
        >>> resources.for_path("/api/public") is not None, resources.for_path("/api/public-x")
        (True, None)
    """

    uses_path = True

    def __init__(
        self,
        rules: Mapping[Any, PathPolicy | None] | Iterable[tuple[Any, PathPolicy | None]],
        default: PathPolicy | None = None,
        *,
        keys: str = "routes",
        max_path_length: int = MAX_PATH_LENGTH,
    ) -> None:
        items = list(rules.items() if isinstance(rules, Mapping) else rules)
        problems: list[Problem] = []
        if (
            not isinstance(max_path_length, int)
            or isinstance(max_path_length, bool)
            or max_path_length < 1
        ):
            problems.append(
                Problem(
                    "max_path_length",
                    repr(max_path_length),
                    "is not a positive whole number",
                    f"use the default ({MAX_PATH_LENGTH}) or the longest path your app serves",
                )
            )
        if not isinstance(keys, str) or keys not in KEY_STRATEGIES:
            both = (
                "write keys='routes' (exact paths and '/*' prefixes) or keys='flask-cors' "
                "(flask-cors's resources: literal paths and regexes)"
            )
            close = (
                suggest(keys.replace("_", "-").lower(), KEY_STRATEGIES)
                if isinstance(keys, str)
                else ""
            )
            problems.append(
                Problem(
                    "keys",
                    repr(keys),
                    "is not a key-matching strategy",
                    f"{close.replace('did you mean ', 'did you mean keys=')} {both}".strip(),
                )
            )
            keys = ""
        exact: dict[str, PathPolicy | None] = {}
        prefixes: dict[str, PathPolicy | None] = {}
        ordered: list[tuple[str | re.Pattern[str], PathPolicy | None]] = []
        for pattern, policy in items:
            if policy is not None and not is_engine(policy):
                problems.append(
                    Problem(
                        "paths",
                        repr(pattern),
                        "maps to something other than a CORSPolicy",
                        "map it to CORSPolicy(...), another policy such as "
                        "cors_core.buckets.from_s3(...), or None (no CORS)",
                    )
                )
                continue
            if keys == "flask-cors":
                key = _flask_cors_key(pattern, problems)
                if key is not None:
                    ordered.append((key, policy))
                continue
            if keys != "routes":
                continue
            if not isinstance(pattern, str) or not pattern.startswith("/"):
                problems.append(
                    Problem("paths", repr(pattern), "is not a path", "start it with '/'")
                )
                continue
            star = pattern.find("*")
            if star >= 0 and (star != len(pattern) - 1 or not pattern.endswith("/*")):
                problems.append(
                    Problem(
                        "paths",
                        repr(pattern),
                        "has '*' somewhere else than a final '/*'",
                        "write an exact path or a prefix such as '/api/*'",
                    )
                )
                continue
            table, key = (prefixes, pattern[:-2]) if star >= 0 else (exact, pattern)
            if key in table:
                problems.append(Problem("paths", repr(pattern), "is listed twice", "keep one"))
                continue
            table[key] = policy
        if default is not None and not is_engine(default):
            problems.append(
                Problem("default", repr(default), "is not a policy", "pass CORSPolicy(...) or None")
            )
        if problems:
            raise ConfigError(problems)
        #: The key-matching strategy (one of :data:`KEY_STRATEGIES`).
        self.keys = keys
        self._default = default
        self.max_path_length = max_path_length
        if keys == "flask-cors":
            ordered.sort(key=lambda rule: _flask_cors_order(rule[0]))
            # The keys as given (a compiled regex keeps its type and flags), to rebuild.
            self._source: tuple[tuple[Any, PathPolicy | None], ...] = tuple(ordered)
            self._ordered = tuple(
                (key.pattern if isinstance(key, re.Pattern) else key, policy)
                for key, policy in ordered
            )
            literal: dict[str, PathPolicy | None] = {}
            for key, policy in ordered:
                if isinstance(key, str) and not self.is_regex_key(key):
                    literal.setdefault(key, policy)  # flask-cors: the first match wins
            self._exact = literal
            self._prefixes: list[tuple[str, PathPolicy | None]] = []
            self._regexes = tuple(
                (key if isinstance(key, re.Pattern) else re.compile(key), policy)
                for key, policy in ordered
                if self.is_regex_key(key)
            )
            self._twinned: dict[str, str] = {}  # a literal key is the whole path
            self._longest = max((len(key) for key in literal), default=-1)
            self._slash_window = sys.maxsize  # a regex key may read the whole path
            # Shadows the class's routes lookup for this instance only: the routes strategy
            # keeps a plain method call on its hot path (specialised by the interpreter).
            setattr(self, "_lookup", self._flask_cors_lookup)  # noqa: B010
            return
        self._exact = exact
        # Longest prefix first: the most specific rule wins regardless of input order.
        self._prefixes = sorted(prefixes.items(), key=lambda kv: len(kv[0]), reverse=True)
        self._ordered = (
            *exact.items(),
            *((f"{prefix}/*", policy) for prefix, policy in self._prefixes),
        )
        self._regexes = ()
        self._source = self._ordered
        # Paths whose slash twin has an exact rule (see match()).
        self._twinned = {_twin(key): key for key in exact if key != "/"}
        # No path longer than every exact key (or its twin) is hashed to look it up.
        self._longest = max((len(key) + 1 for key in exact), default=-1)
        # Repeated slashes past this many characters change no rule's verdict: a prefix
        # rule reads at most len(prefix) + 1 characters, and a path still longer than
        # every exact key once its slashes are merged matches no exact key nor twin.
        self._slash_window = max(self._longest, *(len(p) + 1 for p in prefixes), 0) + 2

    @staticmethod
    def is_regex_key(key: str | re.Pattern[str]) -> bool:
        """Whether ``keys="flask-cors"`` reads ``key`` as a regex (else: a literal path,
        compared whole), as flask-cors does: a compiled regex, or a string holding one
        of ``*\\]?$^[]()``.

        >>> PathRules.is_regex_key("/api/*"), PathRules.is_regex_key("/api/v1.0")
        (True, False)
        """
        return isinstance(key, re.Pattern) or not _FLASK_CORS_REGEX_HINTS.isdisjoint(key)

    def rules(self) -> tuple[tuple[str, PathPolicy | None], ...]:
        """Every rule as ``(key, policy)``, keys as written (a compiled regex as its
        pattern) in the order they are tried, the default last, as ``("default", ...)``.

        With ``keys="routes"`` the most specific come first (exact paths, then prefixes
        by length); with ``keys="flask-cors"``, flask-cors's order.

        >>> PathRules({"/api/*": None, "/health": None}).rules()
        (('/health', None), ('/api/*', None), ('default', None))
        >>> PathRules([(r"/api/.*", None), ("/health", None)], keys="flask-cors").rules()
        (('/health', None), ('/api/.*', None), ('default', None))
        """
        return (*self._ordered, ("default", self._default))

    def with_origin_hook(self, hook: Callable[[str], bool]) -> PathRules:
        """These rules with each policy's :meth:`CORSPolicy.with_origin_hook` twin (a policy
        shared by several rules keeps one twin); ``None`` rules stay ``None``.

        >>> rules = PathRules({"/off/*": None}, default=CORSPolicy())
        >>> hooked = rules.with_origin_hook(lambda origin: True)
        >>> print(hooked.decide("GET", "https://a.example", path="/x").reason.code)
        origin_allowed_by_hook
        >>> print(hooked.decide("GET", "https://a.example", path="/off/x").reason.code)
        no_cors_for_path
        """
        twins: dict[int, PathPolicy | None] = {}

        def twin(policy: PathPolicy | None) -> PathPolicy | None:
            if id(policy) not in twins:
                twins[id(policy)] = with_origin_hook(policy, hook)
            return twins[id(policy)]

        return PathRules(
            [(key, twin(policy)) for key, policy in self._source],
            twin(self._default),
            keys=self.keys,
            max_path_length=self.max_path_length,
        )

    def for_path(self, path: str) -> PathPolicy | None:
        """The policy that governs the routed (decoded) ``path`` (``None``: CORS is off there).

        Every reading of ``path`` a router may serve is judged (:func:`path_readings`), and
        an exact rule also covers its path's slash twin (an exact ``/x`` covers ``/x/`` and
        the reverse: routers such as Flask with ``strict_slashes=False`` or a Django
        ``re_path(r"^x/?$")`` serve both from one view). When their rules differ, the
        stricter answer wins: ``None`` beats any policy, and between policies each request
        gets the strictest of their decisions.

        A path with a ``.`` or ``..`` segment, which browsers never send, has no CORS
        (:func:`has_dot_segment`).

        >>> rules = PathRules({"/internal/*": None, "/health": None},
        ...                   default=CORSPolicy(allow_origins=["*"]))
        >>> rules.for_path("/internal/../public") is None, rules.for_path("/health/") is None
        (True, True)
        """
        if len(path) > self.max_path_length or ("." in path and _DOT_SEGMENT.search(path)):
            return None  # too long to judge, or a dot segment (has_dot_segment, inlined)
        return self._governing(path)

    def _governing(self, path: str) -> PathPolicy | None:
        """:meth:`for_path` for a path known to hold no dot segment."""
        if "//" not in path[: self._slash_window] and (
            len(path) > self._longest or path not in self._twinned
        ):
            return self._lookup(path or "/")
        return _strictest(self._candidates(path))

    def _candidates(self, path: str) -> tuple[PathPolicy | None, ...]:
        """The rules of every reading of ``path``, each once, the routed reading's first."""
        found: dict[int, PathPolicy | None] = {}
        for reading in path_readings(path):
            policy = self._lookup(reading)
            found.setdefault(id(policy), policy)
            if reading in self._twinned:
                twin = self._exact[self._twinned[reading]]
                found.setdefault(id(twin), twin)
        return tuple(found.values())

    def _lookup(self, path: str) -> PathPolicy | None:
        """The rule of one reading of ``path`` with ``keys="routes"`` (``keys="flask-cors"``
        instances use :meth:`_flask_cors_lookup` instead)."""
        if len(path) <= self._longest and path in self._exact:
            return self._exact[path]
        for prefix, policy in self._prefixes:
            if path == prefix or path.startswith(prefix + "/") or prefix == "":
                return policy
        return self._default

    def _flask_cors_lookup(self, path: str) -> PathPolicy | None:
        """The rule of one reading of ``path`` with ``keys="flask-cors"``: the first key
        matching it in flask-cors's order (literal keys come first)."""
        if len(path) <= self._longest and path in self._exact:
            return self._exact[path]
        for pattern, policy in self._regexes:
            if pattern.match(path):
                return policy
        return self._default

    def decide(
        self,
        method: str,
        origin: str | None,
        request_method: str | None = None,
        request_headers: str | None = None,
        private_network: bool = False,
        *,
        path: str = "",
        host: str | None = None,
        scheme: str = "http",
    ) -> Decision:
        """Decide with the policy that governs ``path`` (see :meth:`CORSPolicy.decide`).

        >>> rules = PathRules({"/internal/*": None}, default=CORSPolicy(allow_origins=["*"]))
        >>> print(rules.decide("GET", "https://a.example", path="/internal/x").reason.code)
        no_cors_for_path
        """
        if len(path) > self.max_path_length:
            return _TOO_LONG
        if "." in path and _DOT_SEGMENT.search(path):  # has_dot_segment, inlined
            return _DOTS
        policy = self._governing(path)
        if policy is None:
            return _NO_CORS
        return policy.decide(
            method,
            origin,
            request_method,
            request_headers,
            private_network,
            path=path,
            host=host,
            scheme=scheme,
        )

    def decide_websocket(
        self, origin: str | None, host: str | None, scheme: str, *, path: str = ""
    ) -> Decision:
        """Websocket check with the policies that govern ``path``. A handshake is
        refused if any reading of the path has a policy that refuses it: for websockets
        the strict answer is the check, not its absence (``None`` rules check nothing).

        >>> rules = PathRules({"/ws/*": CORSPolicy(allow_origins=["https://a.example"])})
        >>> rules.decide_websocket("https://evil.example", "h", "wss", path="/x/../ws/c").status
        403
        """
        if origin is not None:
            if len(path) > self.max_path_length:
                return _WEBSOCKET_TOO_LONG
            if has_dot_segment(path):
                return _WEBSOCKET_DOTS
        answer = _NO_CORS
        for policy in self._candidates(path):
            if policy is not None:
                decision = policy.decide_websocket(origin, host, scheme, path=path)
                if not decision.allowed:
                    return decision
                if answer is _NO_CORS:
                    answer = decision
        return answer

    #: Path rules pass host, scheme and path to the policies they hold.
    uses_host = True
    #: No fixed answer for requests without ``Origin``: it depends on the path.
    no_origin_decision: Decision | None = None

    @property
    def websocket_origins(self) -> bool:
        """Whether any rule (or the default) checks websocket origins.

        >>> ws = CORSPolicy(allow_origins=["https://a.example"], websocket_origins=True)
        >>> PathRules([(r"/ws/.*", ws)], keys="flask-cors").websocket_origins
        True
        """
        return any(p is not None and p.websocket_origins for _, p in self.rules())


def _flask_cors_key(key: object, problems: list[Problem]) -> str | re.Pattern[str] | None:
    """``key`` as ``keys="flask-cors"`` reads it (``"*"`` is ``".*"``), or ``None`` with
    its problems listed: not a string or a regex, a regex that does not compile, or one
    that can backtrack on a long path."""
    if key == "*":
        key = ".*"
    if not isinstance(key, str | re.Pattern):
        problems.append(
            Problem(
                "paths",
                repr(key),
                "is not a path or a regex",
                "write the path as a string, e.g. r'/api/.*', or a compiled regex",
            )
        )
        return None
    if not PathRules.is_regex_key(key):
        return key
    try:
        compiled = key if isinstance(key, re.Pattern) else re.compile(key)
    except re.error as exc:
        problems.append(
            Problem("paths", repr(key), f"does not compile ({exc})", "fix the path regex")
        )
        return None
    refused = backtracking_problems(compiled)
    # The path is the client's: a key that can backtrack is refused (ReDoS).
    problems += [Problem("paths", repr(key), problem, fix) for problem, fix in refused]
    return None if refused else key


def _flask_cors_order(key: str | re.Pattern[str]) -> tuple[int, int, int, int]:
    """flask-cors's order: literal paths first, then compiled regexes, then regex
    strings; within each, more ``/`` first, then longer first."""
    text = key.pattern if isinstance(key, re.Pattern) else key
    if not PathRules.is_regex_key(key):
        kind = (0, 0)
    else:
        kind = (1, 0) if isinstance(key, re.Pattern) else (1, 1)
    return (*kind, -text.count("/"), -len(text))


def _twin(path: str) -> str:
    """``/x`` for ``/x/`` and ``/x/`` for ``/x``."""
    return path[:-1] if path.endswith("/") else path + "/"


def _strictest(policies: tuple[PathPolicy | None, ...]) -> PathPolicy | None:
    """The strictest of the rules of several readings of one path: ``None`` if any reading
    has no CORS, the one policy if they agree, else :class:`_Strictest` of them."""
    distinct = tuple({id(p): p for p in policies}.values())
    if len(distinct) == 1:
        return distinct[0]
    if any(p is None for p in distinct):
        return None
    return _Strictest(distinct)


class _Strictest:
    """Several policies that may each govern a path (one per reading): each request gets
    the strictest of their decisions. A refusal (the first, in reading order) beats any
    answer; if every policy allows the request but their answers differ (other headers,
    credentials, methods), the request gets no CORS: no answer can be proven no wider
    than each policy's own."""

    uses_path = True
    uses_host = True
    no_origin_decision: Decision | None = None

    def __init__(self, policies: tuple[PathPolicy, ...]) -> None:
        self.policies = policies

    @property
    def websocket_origins(self) -> bool:
        return any(p.websocket_origins for p in self.policies)

    def decide(
        self,
        method: str,
        origin: str | None,
        request_method: str | None = None,
        request_headers: str | None = None,
        private_network: bool = False,
        *,
        path: str = "",
        host: str | None = None,
        scheme: str = "http",
    ) -> Decision:
        decisions = [
            p.decide(
                method,
                origin,
                request_method,
                request_headers,
                private_network,
                path=path,
                host=host,
                scheme=scheme,
            )
            for p in self.policies
        ]
        return _strictest_decision(decisions, origin is None)

    def decide_websocket(
        self, origin: str | None, host: str | None, scheme: str, *, path: str = ""
    ) -> Decision:
        decisions = [p.decide_websocket(origin, host, scheme, path=path) for p in self.policies]
        return _strictest_decision(decisions, origin is None)

    def __repr__(self) -> str:
        return f"strictest of {list(self.policies)!r}"


def _strictest_decision(decisions: list[Decision], no_origin: bool) -> Decision:
    for decision in decisions:
        if not decision.allowed or decision.reason.code is ReasonCode.NO_CORS_FOR_PATH:
            return decision
    first = decisions[0]
    if all(
        (d.action, d.headers, d.vary_origin, d.status)
        == (first.action, first.headers, first.vary_origin, first.status)
        for d in decisions
    ):
        return first
    # No Origin: no CORS headers (a `*` answer cached for one reading must not serve the
    # others), and Vary: Origin so that no cache serves this answer to a CORS request.
    return _DIFFERENT_NO_ORIGIN if no_origin else _DIFFERENT


_DIFFERENT = Decision.build(
    Action.PASS,
    True,
    Reason(
        ReasonCode.NO_CORS_FOR_PATH,
        detail="readings",
        sentence=(
            "this path can be routed in several ways (dot segments, repeated or trailing "
            "slashes) whose path rules answer differently, so it gets no CORS headers, the "
            "strictest reading; give those paths one rule, or request the path as the app "
            "routes it"
        ),
    ),
)

_DIFFERENT_NO_ORIGIN = Decision.build(
    Action.ACTUAL, True, Reason(ReasonCode.NO_ORIGIN), vary_origin=True
)

_DOTS_SENTENCE = (
    "the path has a '.' or '..' segment, which browsers never send (they resolve them "
    "first): routers serve it as it is and proxies may resolve it, so it gets no CORS"
)
_DOTS = Decision.build(
    Action.PASS, True, Reason(ReasonCode.NO_CORS_FOR_PATH, detail="dots", sentence=_DOTS_SENTENCE)
)
_WEBSOCKET_DOTS = reject(
    Reason(ReasonCode.WEBSOCKET_ORIGIN, detail="dots", sentence=_DOTS_SENTENCE),
    debug=False,
    preflight=False,
)

_TOO_LONG_SENTENCE = (
    "the path is longer than PathRules' max_path_length, so it gets no CORS; raise "
    "max_path_length if the app serves such paths"
)
_TOO_LONG = Decision.build(
    Action.PASS,
    True,
    Reason(ReasonCode.NO_CORS_FOR_PATH, detail="too_long", sentence=_TOO_LONG_SENTENCE),
)
_WEBSOCKET_TOO_LONG = reject(
    Reason(ReasonCode.WEBSOCKET_ORIGIN, detail="too_long", sentence=_TOO_LONG_SENTENCE),
    debug=False,
    preflight=False,
)
