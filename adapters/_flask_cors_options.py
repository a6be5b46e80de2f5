"""flask-cors's vocabulary, translated once into :class:`cors_core.CORSPolicy` options.

The one place that knows flask-cors's names (``origins``, ``supports_credentials``,
``resources``, ``CORS_ORIGINS``, ...). Each is translated to the engine's option; options
whose behaviour is always on (``vary_header``, ``automatic_options``,
``intercept_exceptions``) are accepted when true; values that would turn a safety off are
refused with :class:`~cors_core.ConfigError` naming the fix. No CORS rule lives here.

Every problem names the option as the user wrote it (``origins``, ``CORS_ORIGINS``,
``supports_credentials`` ...) and writes its fix that way (``supports_credentials=False``,
``CORS_SUPPORTS_CREDENTIALS = False``): :class:`FlaskSyntax` renders the engine's
messages, as :mod:`cors_core.loading` renders them for a TOML file.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from cors_core import ConfigError, CORSConfigWarning, CORSPolicy, PathRules, Problem
from cors_core.audit import regex_admits
from cors_core.integration import OPTION_NAMES, Engine, backtracking_problems, suggest
from cors_core.loading import Syntax, Value, reword

__all__ = [
    "FLASK_CORS_CONFIG_KEYS",
    "FLASK_CORS_DEFAULT_METHODS",
    "FLASK_CORS_NAMES",
    "FlaskSyntax",
    "translate",
]

#: flask-cors's default ``methods`` (every method but CONNECT and TRACE).
FLASK_CORS_DEFAULT_METHODS = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")

#: flask-cors keyword -> the engine option it becomes (``None``: handled here).
FLASK_CORS_NAMES: Mapping[str, str | None] = {
    "origins": "allow_origins",
    "methods": "allow_methods",
    "supports_credentials": "allow_credentials",
    "resources": None,
    "send_wildcard": None,
    "vary_header": None,
    "automatic_options": None,
    "always_send": None,
    "intercept_exceptions": None,
}
#: Names both vocabularies share (same meaning; flask-cors's looser value forms accepted).
_SHARED = ("allow_headers", "expose_headers", "max_age", "allow_private_network")

#: flask-cors ``app.config`` keys and the keyword each stands for.
FLASK_CORS_CONFIG_KEYS: Mapping[str, str] = {
    f"CORS_{name.upper()}": name for name in (*FLASK_CORS_NAMES, *_SHARED)
}

#: Engine option -> the flask-cors keyword that sets it.
_FLASK_CORS_NAME = {
    "allow_origins": "origins",
    "allow_origin_regex": "origins",
    "allow_methods": "methods",
    "allow_credentials": "supports_credentials",
}


class FlaskSyntax(Syntax):
    """The engine's messages in the words of ``CORS(app, ...)`` / ``@cross_origin(...)``
    and ``app.config``: each option named as the user wrote it (a flask-cors keyword, one
    of ours, or its ``CORS_*`` key when ``app.config`` set it), with flask-cors's name
    for an option the user left to flask-cors's defaults. ``engine_words=False`` is for
    messages already worded in the user's names (this module's): only where each was
    written changes.

    >>> syntax = FlaskSyntax({"origins": "*", "supports_credentials": True},
    ...                      from_config={"supports_credentials"})
    >>> print(syntax.setting("allow_credentials", [Value("False", False)]))
    CORS_SUPPORTS_CREDENTIALS = False
    >>> syntax.name("allow_origins")
    'origins'
    """

    names: Collection[str] = (*OPTION_NAMES, *FLASK_CORS_NAMES)

    def __init__(
        self,
        options: Collection[str],
        from_config: Collection[str] = (),
        *,
        engine_words: bool = True,
    ) -> None:
        self._options = frozenset(options)
        self._engine_words = engine_words
        self._config = frozenset(from_config)
        self._flask_cors = _flask_cors_used({name: None for name in self._options})
        # Everything came from app.config: an option set nowhere is named there too.
        self._config_only = bool(self._config) and self._options <= self._config

    def _in_config(self, keyword: str) -> bool:
        return keyword in self._config or (self._config_only and keyword not in self._options)

    def written(self, option: str) -> str:
        """The keyword the user wrote for ``option`` (or would, in their vocabulary)."""
        if option in self._options or not self._engine_words:
            return option
        flask_cors = _FLASK_CORS_NAME.get(option)
        if flask_cors is not None and (flask_cors in self._options or self._flask_cors):
            return flask_cors
        engine = FLASK_CORS_NAMES.get(option)
        if engine is not None and engine in self._options:
            return engine
        return option

    def name(self, option: str) -> str:
        keyword = self.written(option)
        if self._in_config(keyword):
            return f"CORS_{keyword.upper()}"
        return keyword

    def setting(self, option: str, values: Sequence[Value]) -> str:
        given = " or ".join(self.value(v) for v in values)
        if self._in_config(self.written(option)):
            return f"{self.name(option)} = {given}"
        return f"{self.name(option)}={given}"


_ORIGIN_OPTIONS = ("allow_origins", "allow_origin_regex", "allow_origin_predicate")
#: Our own origin patterns, which also contain ``*``: ``https://*.example.com``, ``:*``.
_OUR_PATTERN = re.compile(r"[a-z][a-z0-9+.-]*://(\*\.[^*]+|[^*]+:\*)", re.IGNORECASE)

#: Accepted flask-cors flags: the value they must have, and why another one is refused.
_ALWAYS = {
    "vary_header": (
        True,
        "Vary: Origin is always sent when the answer depends on the origin (without it a "
        "shared cache serves one origin's answer to another)",
        "remove it",
    ),
    "automatic_options": (
        True,
        "preflights are always answered by the CORS layer, before Flask",
        "remove it; put @no_cors on a view whose own OPTIONS handler must answer",
    ),
    "intercept_exceptions": (
        True,
        "error responses always carry CORS headers (so the page can read the error)",
        "remove it",
    ),
}


def _split(value: object) -> object:
    """flask-cors's comma-separated string form of a list option, as a list."""
    if isinstance(value, str) and value != "*":
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def _origins(value: object, out: dict[str, Any]) -> list[Problem]:
    """flask-cors ``origins``: a string, a list, compiled or string regexes, each read as
    flask-cors reads it (a regex when it holds one of ``*\\]?$^[]()``, else a literal
    compared whole). What would be broader here than there is refused with the fix:
    a string flask-cors compares as a literal that matches no origin (two origins joined
    by ``|`` or ``,``), our ``*.`` pattern syntax (a broken regex to flask-cors), and a
    regex that admits foreign origins."""
    items: list[Any]
    if isinstance(value, str | re.Pattern):
        items = [value]
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        out["allow_origins"] = value  # the engine reports it
        return []
    if "*" in items or ".*" in items:
        out["allow_origins"] = ["*"]
        return []
    problems: list[Problem] = []
    exact: list[Any] = []
    regexes: list[Any] = []
    for item in items:
        if isinstance(item, str) and not is_regex_key(item):
            joined = [part.strip() for part in re.split(r"[|,]", item) if part.strip()]
            if len(joined) > 1:
                problems.append(
                    Problem(
                        "origins",
                        repr(item),
                        "is compared whole by flask-cors, so it matched no origin; read as "
                        "a list it would allow more than before",
                        f"list them: origins={joined!r}",
                    )
                )
                continue
            exact.append(item)
        elif isinstance(item, str) and _OUR_PATTERN.fullmatch(item):
            scheme, _, host = item.partition("://")
            if host.startswith("*."):
                regex = rf"{scheme}://([a-z0-9-]+\.)+{re.escape(host[2:])}"
                star, kind = "'*' repeats the '/' before it", "subdomain"
            else:  # host:*
                regex = rf"{scheme}://{re.escape(host[:-2])}(:\d+)?"
                star, kind = "'*' repeats the ':' before it", "port"
            problems.append(
                Problem(
                    "origins",
                    repr(item),
                    f"is a regex to flask-cors ({star}), so it matched no {kind}; read as a "
                    f"{kind} pattern it would allow more than before",
                    f"write the regex you meant: origins=[r'{regex}'] (or allow_origins="
                    f"[{item!r}], this library's {kind} pattern)",
                )
            )
        elif isinstance(item, str | re.Pattern):
            admits = regex_admits(item)
            if admits:
                origin, what = admits[0]
                problems.append(
                    Problem(
                        "origins",
                        f"r'{item.pattern if isinstance(item, re.Pattern) else item}'",
                        f"admits foreign origins such as {origin!r} ({what})",
                        f"anchor the host: origins=[r'{_anchored(item)}']",
                    )
                )
                continue
            regexes.append(item)
        else:
            exact.append(item)  # the engine reports it
    out["allow_origins"] = exact
    if regexes:
        out["allow_origin_regex"] = regexes
    return problems


def _anchored(regex: str | re.Pattern[str]) -> str:
    """The regex a flask-cors origin regex was meant to be: its first host, with a
    subdomain and a port where flask-cors admitted them, nothing after.

    Never more than flask-cors matched (``re.match``, case-insensitive): a subdomain or
    a port is kept only if it admitted one (``https?://example.com`` admitted no
    subdomain, and a regex ending in ``$`` no port).

    >>> _anchored(r"https?://example.com"), _anchored(r"https://.*\\.example\\.com")
    ('https?://example\\\\.com(:\\\\d+)?', 'https://([a-z0-9-]+\\\\.)example\\\\.com(:\\\\d+)?')
    """
    source = regex.pattern if isinstance(regex, re.Pattern) else regex
    hosts = _HOST_IN_REGEX.findall(source)
    host = hosts[0].replace("\\.", ".").replace("[.]", ".") if hosts else "example.com"
    # The schemes the regex matched, never more: ``http?`` is ``htt`` then an optional
    # ``p`` (only ``http`` is a scheme), ``https?`` both.
    scheme = next(
        (out for prefix, out in _SCHEMES if source.lstrip("^").startswith(prefix)), "https"
    )
    # A label as the regex allowed it, never more: ``\w`` has no ``-``.
    label = "[a-z0-9]+" if "\\w" in source else "[a-z0-9-]+"

    # flask-cors's own matching: a string case-insensitive, a compiled regex as compiled.
    matcher = regex if isinstance(regex, re.Pattern) else re.compile(source, re.IGNORECASE)

    def admitted(origin_host: str) -> bool:
        schemes = ("http", "https") if scheme == "https?" else (scheme,)
        return all(matcher.match(f"{s}://{origin_host}") for s in schemes)

    sub, shortest = "", host  # the shortest host the fix admits
    if admitted(f"a.{host}"):
        sub, shortest = (
            (rf"({label}\.)?", host) if admitted(host) else (rf"({label}\.)", f"a.{host}")
        )
    port = r"(:\d+)?" if admitted(f"{shortest}:8443") else ""
    return rf"{scheme}://{sub}{re.escape(host)}{port}"


_SCHEMES = (("https?", "https?"), ("https", "https"), ("http?", "http"), ("http", "http"))
_HOST_IN_REGEX = re.compile(r"(?:[a-z0-9-]+(?:\\\.|\[\.\]|\.))+[a-z]{2,}", re.IGNORECASE)


def _max_age(value: object) -> object:
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def _flask_cors_used(options: Mapping[str, Any]) -> bool:
    return any(name in FLASK_CORS_NAMES for name in options)


def translate(options: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Engine options from a mix of flask-cors's and the engine's keywords.

    Applies flask-cors's defaults where the user relied on them: with no origin option at
    all, every origin (``"*"``, never with credentials), every method and every request
    header; with flask-cors's names, its method and header defaults. ``resources`` is
    left in the result for :func:`build`.

    >>> translate({"origins": "https://a.example", "supports_credentials": True})[0]
    {'allow_origins': ['https://a.example'], 'allow_credentials': True, \
'allow_methods': ['GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'], \
'allow_headers': '*'}
    """
    problems: list[Problem] = []
    out: dict[str, Any] = {}
    for name, value in options.items():
        if name in _ALWAYS:
            required, problem, fix = _ALWAYS[name]
            if value is not required:
                problems.append(Problem(name, repr(value), f"cannot be turned off: {problem}", fix))
            continue
        if name == "always_send":  # headers without Origin change nothing a browser does
            continue
        if name == "send_wildcard":
            if value is True and options.get("supports_credentials") is True:
                problems.append(
                    Problem(
                        name,
                        "True",
                        "sends '*' together with supports_credentials=True, which browsers refuse",
                        "remove send_wildcard (the origin is echoed with credentials)",
                    )
                )
            continue
        if name == "origins":
            if "allow_origins" in options:
                problems.append(
                    Problem(name, "", "is given with allow_origins", "keep one of the two")
                )
                continue
            problems += _origins(value, out)
            continue
        target = FLASK_CORS_NAMES.get(name, name)
        if target is None:  # resources
            out[name] = value
            continue
        if target in out or (target != name and target in options):
            problems.append(Problem(name, "", f"is given with {target}", "keep one of the two"))
            continue
        if name in ("methods", "allow_methods"):
            value = _split(value)
            if isinstance(value, list) and name == "methods":
                value = [m.upper() if isinstance(m, str) else m for m in value]
        elif name == "allow_headers" and isinstance(value, str) and "," in value:
            # flask-cors compares the whole string with each requested name: it matched
            # none. Read as a list it would allow more than before.
            names = _split(value)
            problems.append(
                Problem(
                    name,
                    repr(value),
                    "is one header name to flask-cors, compared whole with each requested "
                    "name, so it matched none; read as a list it would allow more than "
                    "before",
                    f"list them: allow_headers={names!r}",
                )
            )
            continue
        elif name in ("allow_headers", "expose_headers"):
            value = _split(value)
        elif name == "max_age":
            value = _max_age(value)
        out[target] = value
    if not any(name in out for name in (*_ORIGIN_OPTIONS, "resources")):
        out["allow_origins"] = ["*"]  # flask-cors: CORS(app) allows every origin
        flask_defaults = True
    else:
        flask_defaults = _flask_cors_used(options)
    if flask_defaults:
        out.setdefault("allow_methods", list(FLASK_CORS_DEFAULT_METHODS))
        out.setdefault("allow_headers", "*")
    return out, problems


ResourceKey = str | re.Pattern[str]

#: Whether flask-cors reads a ``resources`` key or an ``origins`` string as a regex (else:
#: a literal, compared whole): :meth:`cors_core.PathRules.is_regex_key`, the one home of
#: flask-cors's rule.
is_regex_key = PathRules.is_regex_key


def _resources(value: object) -> list[tuple[ResourceKey, dict[str, Any]]] | Problem:
    if isinstance(value, str | re.Pattern):
        return [(_fix_star(value), {})]
    if isinstance(value, Mapping):
        rules: list[tuple[ResourceKey, dict[str, Any]]] = []
        for key, options in value.items():
            if not isinstance(options, Mapping):
                return Problem(
                    "resources",
                    repr(key),
                    "maps to something other than a dict",
                    "map each path regex to a dict of options",
                )
            rules.append((_fix_star(key), dict(options)))
        return rules
    if isinstance(value, Iterable):
        return [(_fix_star(key), {}) for key in value]
    return Problem(
        "resources",
        repr(value),
        "is not a dict, a list or a string",
        "write resources={r'/api/*': {'origins': [...]}}",
    )


def _fix_star(key: Any) -> Any:
    """flask-cors reads a key of ``"*"`` (not a valid regex) as ``".*"``."""
    return ".*" if key == "*" else key


def _in_resource(key: ResourceKey, syntax: Syntax, problems: Iterable[Problem]) -> list[Problem]:
    return [
        Problem(f"resources[{key!r}].{p.option}", p.entry, p.problem, p.fix)
        for p in (reword(p, syntax) for p in problems)
    ]


def _policy(
    options: Mapping[str, Any], syntax: Syntax, key: ResourceKey | None = None
) -> CORSPolicy:
    """``CORSPolicy(**options)``, its warnings warned again in the user's words, as its
    errors are (``CORS_ALLOW_HEADERS``, ``CORS_ORIGINS = ...`` for ``app.config``; the
    resource's ``key`` first for a resource's policy)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CORSConfigWarning)
        policy = CORSPolicy(**options)
    for warned in caught:
        message = warned.message
        if isinstance(message, CORSConfigWarning) and message.problem is not None:
            problem = message.problem
            if key is None:
                message = CORSConfigWarning(reword(problem, syntax))
            else:
                message = CORSConfigWarning(_in_resource(key, syntax, [problem])[0])
        warnings.warn(message, stacklevel=2)
    return policy


def build(options: Mapping[str, Any], from_config: Collection[str] = ()) -> Engine:
    """The engine for flask-cors-style (or engine) options; every problem in one error,
    each in the words the option was written in (``from_config``: the options that came
    from ``app.config``, named there ``CORS_*``).

    >>> build({"resources": {r"/api/*": {"origins": "*"}}}).for_path("/api/x")
    CORSPolicy(allow_origins=['*'], ...)
    """
    known = set(OPTION_NAMES) | set(FLASK_CORS_NAMES)
    # This module's problems name what the user wrote; the engine's, its own options.
    own = FlaskSyntax(options, from_config, engine_words=False)
    engine = FlaskSyntax(options, from_config)
    problems = [
        reword(
            Problem(name, "", "is not a CORS option", suggest(name, sorted(known), "remove it")),
            own,
        )
        for name in options
        if name not in known
    ]
    translated, more = translate({k: v for k, v in options.items() if k in known})
    problems += [reword(p, own) for p in more]
    resources = translated.pop("resources", None)
    if resources is None:
        try:
            policy = _policy(translated, engine)
        except ConfigError as exc:  # listed with the translation's problems
            problems += [reword(p, engine) for p in exc.problems]
        if problems:
            raise ConfigError(problems)
        return policy
    rules = _resources(resources)
    if isinstance(rules, Problem):
        raise ConfigError([*problems, reword(rules, own)])
    top = {k: v for k, v in options.items() if k in known and k != "resources"}
    built: list[tuple[ResourceKey, CORSPolicy]] = []
    for key, overrides in rules:
        if not isinstance(key, str | re.Pattern):
            problems.append(
                reword(
                    Problem(
                        "resources",
                        repr(key),
                        "is not a path or a regex",
                        "write the path as a string, e.g. r'/api/*'",
                    ),
                    own,
                )
            )
            continue
        if is_regex_key(key):
            try:
                compiled = key if isinstance(key, re.Pattern) else re.compile(key)
            except re.error as exc:
                problems.append(
                    reword(
                        Problem(
                            "resources",
                            repr(key),
                            f"does not compile ({exc})",
                            "fix the path regex",
                        ),
                        own,
                    )
                )
                continue
            # The path is the attacker's: a key that can backtrack is refused (ReDoS).
            for problem, fix in backtracking_problems(compiled):
                problems.append(
                    reword(
                        Problem(
                            "resources", repr(key), problem.replace("Origin", "request path"), fix
                        ),
                        own,
                    )
                )
        merged = {**top, **overrides}
        if "allow_origins" in overrides or "origins" in overrides:
            merged.pop("origins" if "allow_origins" in overrides else "allow_origins", None)
        resource_options, more = translate(merged)
        # the top-level options' problems are already listed
        mine = [p for p in more if p.option not in top]
        problems += _in_resource(key, FlaskSyntax(merged, engine_words=False), mine)
        try:
            built.append((key, _policy(resource_options, FlaskSyntax(merged), key)))
        except ConfigError as exc:
            problems += _in_resource(key, FlaskSyntax(merged), exc.problems)
    if problems:
        raise ConfigError(problems)
    # flask-cors's reading of the keys (literal paths, regexes, its order): PathRules'
    # "flask-cors" strategy; a path no key matches gets no CORS headers.
    return PathRules(built, keys="flask-cors")
