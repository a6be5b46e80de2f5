"""Per-path rules: a different policy (or none) for parts of the URL space."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cors_core.decision import Action, Decision, Reason, ReasonCode
from cors_core.errors import ConfigError, Problem
from cors_core.policy import CORSPolicy

__all__ = ["PathRules", "normalize_path"]

_NO_CORS = Decision.build(Action.PASS, True, Reason(ReasonCode.NO_CORS_FOR_PATH))
_DOT_RE = re.compile(r"%2e", re.IGNORECASE)


def normalize_path(raw_path: str) -> str:
    """Resolve ``.``/``..`` segments (also percent-encoded ones) of a raw path.

    Nothing else is decoded: ``+`` stays ``+``, ``%2F`` stays ``%2F`` and case is
    kept, so rules match the bytes the client sent (flask-cors CVE-2024-6844,
    CVE-2024-6866) while ``/api/../admin`` is judged as ``/admin`` (CVE-2020-25032).

    >>> normalize_path("/api/%2e%2e/admin")
    '/admin'
    """
    path = raw_path.split("?", 1)[0]
    if "." not in path and "%" not in path:
        return path or "/"
    out: list[str] = []
    segments = path.split("/")
    for seg in segments[1:] if path.startswith("/") else segments:
        plain = _DOT_RE.sub(".", seg)
        if plain == ".":
            continue
        if plain == "..":
            if out:
                out.pop()
            continue
        out.append(seg)
    result = "/" + "/".join(out)
    if _DOT_RE.sub(".", segments[-1]) in (".", "..") and not result.endswith("/"):
        result += "/"
    return result


class PathRules:
    """An ordered set of ``path pattern -> policy`` (or ``None`` for "no CORS here").

    Patterns are exact paths (``"/health"``) or prefixes ending in ``/*``
    (``"/api/*"`` covers ``/api`` and everything below it, not ``/apix``). The
    most specific pattern wins whatever the order: an exact path beats any
    prefix, a longer prefix beats a shorter one. Matching is on the raw,
    undecoded, case-sensitive path after dot segments are resolved. Paths no
    rule covers use ``default``.

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
        rules: Mapping[str, CORSPolicy | None] | Iterable[tuple[str, CORSPolicy | None]],
        default: CORSPolicy | None = None,
    ) -> None:
        items = list(rules.items() if isinstance(rules, Mapping) else rules)
        problems: list[Problem] = []
        exact: dict[str, CORSPolicy | None] = {}
        prefixes: dict[str, CORSPolicy | None] = {}
        for pattern, policy in items:
            if not isinstance(pattern, str) or not pattern.startswith("/"):
                problems.append(
                    Problem("paths", repr(pattern), "is not a path", "start it with '/'")
                )
                continue
            if policy is not None and not isinstance(policy, CORSPolicy):
                problems.append(
                    Problem(
                        "paths",
                        repr(pattern),
                        "maps to something other than a CORSPolicy",
                        "map it to CORSPolicy(...) or None (no CORS)",
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
        if problems:
            raise ConfigError(problems)
        self._exact = exact
        # Longest prefix first: the most specific rule wins regardless of input order.
        self._prefixes = sorted(prefixes.items(), key=lambda kv: len(kv[0]), reverse=True)
        self._default = default

    def for_path(self, path: str) -> CORSPolicy | None:
        """The policy that governs ``path`` (``None``: CORS is off there)."""
        path = normalize_path(path)
        if path in self._exact:
            return self._exact[path]
        for prefix, policy in self._prefixes:
            if path == prefix or path.startswith(prefix + "/") or prefix == "":
                return policy
        return self._default

    def decide(
        self, method: str, origin: str | None, *args: Any, path: str = "", **kw: Any
    ) -> Decision:
        """Decide with the policy that governs ``path`` (see :meth:`CORSPolicy.decide`)."""
        policy = self.for_path(path)
        if policy is None:
            return _NO_CORS
        return policy.decide(method, origin, *args, path=path, **kw)

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
