"""Per-path rules: a different policy (or none) for parts of the URL space."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

from cors_core._decision import Action, Decision, Reason, ReasonCode
from cors_core._errors import ConfigError, Problem
from cors_core._policy import CORSPolicy

__all__ = ["PathPolicy", "PathRules", "is_engine", "normalize_path"]

#: What a path may map to: a :class:`CORSPolicy`, or any other engine with the same
#: ``decide``/``decide_websocket`` methods and ``websocket_origins`` (a
#: :class:`cors_core.buckets.BucketPolicy`, another :class:`PathRules` ...). Spelt
#: ``CORSPolicy | Any`` so that code written for ``CORSPolicy`` values keeps type-checking;
#: :class:`PathRules` checks the members when it is built.
PathPolicy: TypeAlias = CORSPolicy | Any

_NO_CORS = Decision.build(Action.PASS, True, Reason(ReasonCode.NO_CORS_FOR_PATH))


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
    """The routed path with ``.``/``..`` segments resolved and repeated slashes collapsed.

    ``path`` is the path the application routes, already percent-decoded once by the
    server (``scope["path"]``, ``PATH_INFO``): nothing is decoded again (``%2e`` here is a
    literal ``%2e``, sent as ``%252e``), ``+`` stays ``+`` and case is kept (flask-cors
    CVE-2024-6844, CVE-2024-6866). ``/api/../admin`` is judged as ``/admin``
    (CVE-2020-25032) and ``/api//internal`` as ``/api/internal``, the most
    restrictive reading of what a router may do with them.

    >>> normalize_path("/api/x/../internal//secrets")
    '/api/internal/secrets'
    >>> normalize_path("/api/%2e%2e/admin")
    '/api/%2e%2e/admin'
    """
    if "//" not in path and "/." not in path:
        return path or "/"
    segments = path.split("/")
    out: list[str] = []
    for seg in segments:
        if seg == ".." and out:
            out.pop()
        elif seg not in ("", ".", ".."):
            out.append(seg)
    result = "/" + "/".join(out)
    if segments[-1] in ("", ".", "..") and result != "/":
        result += "/"
    return result


class PathRules:
    """An ordered set of ``path pattern -> policy`` (or ``None`` for "no CORS here").

    Patterns are exact paths (``"/health"``) or prefixes ending in ``/*``
    (``"/api/*"`` covers ``/api`` and everything below it, not ``/apix``). The
    most specific pattern wins whatever the order: an exact path beats any
    prefix, a longer prefix beats a shorter one. Matching is on the path the
    application routes (percent-decoded once, as Starlette, Flask and Django see it:
    ``/api/%69nternal`` is ``/api/internal``), case-sensitive, ``+`` kept, after dot
    segments are resolved and repeated slashes collapsed (:func:`normalize_path`), so one
    configuration gives one answer on every server. Paths no rule covers use ``default``.
    A path may map to any policy kind: a :class:`CORSPolicy`, a bucket's rules
    (:func:`cors_core.buckets.from_s3`), another engine (see :data:`PathPolicy`), or ``None``.

    Example::

        >>> rules = PathRules(
        ...     {"/api/*": CORSPolicy(allow_origins=["https://app.example.com"]),
        ...      "/api/internal/*": None,
        ...      "/public/*": CORSPolicy(allow_origins=["*"])},
        ... )
        >>> rules.for_path("/api/internal/x") is None
        True
        >>> app = CORSMiddleware(app, policy=rules)
    """

    uses_path = True

    def __init__(
        self,
        rules: Mapping[str, PathPolicy | None] | Iterable[tuple[str, PathPolicy | None]],
        default: PathPolicy | None = None,
    ) -> None:
        items = list(rules.items() if isinstance(rules, Mapping) else rules)
        problems: list[Problem] = []
        exact: dict[str, PathPolicy | None] = {}
        prefixes: dict[str, PathPolicy | None] = {}
        for pattern, policy in items:
            if not isinstance(pattern, str) or not pattern.startswith("/"):
                problems.append(
                    Problem("paths", repr(pattern), "is not a path", "start it with '/'")
                )
                continue
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
        self._exact = exact
        # Longest prefix first: the most specific rule wins regardless of input order.
        self._prefixes = sorted(prefixes.items(), key=lambda kv: len(kv[0]), reverse=True)
        self._default = default

    def rules(self) -> tuple[tuple[str, PathPolicy | None], ...]:
        """Every rule as ``(pattern, policy)``, patterns as written, most specific first
        (exact paths, then prefixes by length); the default last, as ``("default", ...)``.

        >>> PathRules({"/api/*": None, "/health": None}).rules()
        (('/health', None), ('/api/*', None), ('default', None))
        """
        return (
            *self._exact.items(),
            *((f"{prefix}/*", policy) for prefix, policy in self._prefixes),
            ("default", self._default),
        )

    def for_path(self, path: str) -> PathPolicy | None:
        """The policy that governs the routed (decoded) ``path`` (``None``: CORS is off there)."""
        path = normalize_path(path)
        if path in self._exact:
            return self._exact[path]
        for prefix, policy in self._prefixes:
            if path == prefix or path.startswith(prefix + "/") or prefix == "":
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
        policy = self.for_path(path)
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
        """Websocket check with the policy that governs ``path``."""
        policy = self.for_path(path)
        if policy is None:
            return _NO_CORS
        return policy.decide_websocket(origin, host, scheme)

    #: Path rules pass host, scheme and path to the policies they hold.
    uses_host = True
    #: No fixed answer for requests without ``Origin``: it depends on the path.
    no_origin_decision: Decision | None = None

    @property
    def websocket_origins(self) -> bool:
        """Whether any rule checks websocket origins."""
        policies = [p for _, p in self._prefixes] + list(self._exact.values()) + [self._default]
        return any(p is not None and p.websocket_origins for p in policies)
