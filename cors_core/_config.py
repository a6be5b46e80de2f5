"""Validation of CORS options into an immutable, precomputed form (all problems at once)."""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cors_core._errors import ConfigError, CORSConfigWarning, Problem
from cors_core._fetch import (
    FORBIDDEN_METHODS,
    is_forbidden_request_header,
    is_token,
    normalize_method,
)
from cors_core._headers import RESPONSE_HEADER_OPTIONS
from cors_core._log import log_config_warning
from cors_core._origins import (
    ConfigEntry,
    OriginMatcher,
    OriginPattern,
    check_wildcard_suffix,
    is_potentially_trustworthy,
    parse_config_origin,
    parse_origin,
)
from cors_core._regex import regex_problems
from cors_core._request import CORS_REQUEST_NAMES
from cors_core._text import suggest

__all__ = [
    "OPTION_NAMES",
    "PATHS_KEY",
    "HeaderPattern",
    "Settings",
    "header_pattern_matches",
    "options_from_mapping",
    "unknown_options",
    "validate",
]

MAX_MAX_AGE = 86400  # Firefox's cap; Chromium caps at 7200

OPTION_NAMES = (
    "allow_origins",
    "allow_origin_regex",
    "allow_origin_predicate",
    "allow_methods",
    "allow_headers",
    "expose_headers",
    "allow_credentials",
    "max_age",
    "allow_private_network",
    "allow_null_origin",
    "allow_public_suffix_wildcards",
    "preflight_status",
    "block_disallowed",
    "websocket_origins",
    "debug",
    "strict",
)


@dataclass(frozen=True, slots=True)
class Settings:
    """The validated, normalised options (what :class:`CORSPolicy` precomputes from), named
    as the options they come from; ``allow_all_*`` say ``"*"`` was given, ``matcher`` holds
    every origin entry, regex and the predicate."""

    allow_all_origins: bool
    matcher: OriginMatcher
    allow_null_origin: bool
    allow_all_methods: bool
    allow_methods: tuple[str, ...]
    allow_all_headers: bool
    allow_headers: tuple[str, ...]  # as written (matched case-insensitively)
    header_patterns: tuple[HeaderPattern, ...]
    expose_all_headers: bool
    expose_headers: tuple[str, ...]
    allow_credentials: bool
    max_age: int | None
    allow_private_network: bool
    preflight_status: int
    block_disallowed: bool
    websocket_origins: bool
    debug: bool


class _Collector:
    def __init__(self, strict: bool) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.strict = strict

    def error(self, option: str, entry: str, problem: str, fix: str) -> None:
        self.problems.append(Problem(option, entry, problem, fix))

    def warn(self, option: str, entry: str, problem: str, fix: str) -> None:
        (self.problems if self.strict else self.warnings).append(
            Problem(option, entry, problem, fix)
        )


def _as_list(c: _Collector, option: str, value: object, star_ok: bool) -> list[Any] | None:
    """A list-valued option; ``None`` means ``"*"``. Strings are refused (substring bugs)."""
    if isinstance(value, str):
        if value == "*" and star_ok:
            return None
        example = [v.strip() for v in value.split(",") if v.strip()] or ["..."]
        c.error(
            option,
            repr(value),
            "is a string where a list is expected (a string is matched character by character)",
            f"write {option}={example!r}" + (' or "*"' if star_ok else ""),
        )
        return []
    if value is None:
        return []
    if not isinstance(value, Iterable) or isinstance(value, bytes | dict):
        c.error(option, repr(value), "is not a list", f"write {option}=[...]")
        return []
    items = list(value)
    if star_ok and "*" in items:
        return None
    return items


def _bool(c: _Collector, option: str, value: object) -> bool:
    if not isinstance(value, bool):
        c.error(option, repr(value), "is not a bool", f"write {option}=True or False")
        return False
    return value


def _origins(c: _Collector, o: dict[str, Any]) -> tuple[bool, list[ConfigEntry], bool]:
    creds = o["allow_credentials"] is True
    written = o["allow_origins"]
    if isinstance(written, Iterator):  # read again below, to name what '*' makes unread
        written = list(written)
    items = _as_list(c, "allow_origins", written, star_ok=True)
    if items is None:
        others = [i for i in written if i != "*"]
        if others:  # nothing written is dropped without a word
            c.warn(
                "allow_origins",
                ", ".join(map(repr, others)),
                ("is" if len(others) == 1 else "are")
                + " never read: '*' beside it already allows every origin",
                "remove '*' to allow only the listed origins, or remove the rest",
            )
        if creds:
            c.error(
                "allow_origins",
                "'*'",
                "allows every origin together with allow_credentials=True, so any website "
                "can read your users' authenticated responses",
                "list the trusted origins explicitly: allow_origins=['https://app.example.com'] "
                "(patterns such as 'https://*.example.com' are accepted); or, if pages send "
                "no cookies (a token API needs none), set allow_credentials=False",
            )
        return True, [], False
    entries: list[ConfigEntry] = []
    allow_null = False
    for item in items:
        parsed = parse_config_origin(item)
        if isinstance(parsed, Problem):
            c.problems.append(parsed)
            continue
        if parsed == "null":
            if o["allow_null_origin"] is not True:
                c.error(
                    "allow_origins",
                    "'null'",
                    "allows the opaque origin sent by sandboxed iframes, file:// pages and "
                    "redirects: any site can produce it",
                    "remove it, or confirm with allow_null_origin=True",
                )
            allow_null = True
            continue
        if (
            isinstance(parsed, OriginPattern)
            and creds
            and check_wildcard_suffix(parsed)
            and o["allow_public_suffix_wildcards"] is not True
        ):
            c.error(
                "allow_origins",
                repr(item),
                "matches every site registered under the public suffix "
                f"'{parsed.host.rstrip('.')}', with credentials",
                "list your own subdomains, or confirm with allow_public_suffix_wildcards=True",
            )
        if creds:
            _warn_untrustworthy(c, item, parsed)
        entries.append(parsed)
    return False, entries, allow_null


def _scheme_host(entry: ConfigEntry) -> tuple[str, str]:
    """Scheme and host of a validated entry (the base domain for ``*.`` patterns)."""
    if isinstance(entry, OriginPattern):
        return entry.scheme, entry.host
    parsed = parse_origin(entry)
    if parsed is not None:
        return parsed.scheme, parsed.host
    # Defensive: parse_config_origin refuses what parse_origin would not read (too long).
    scheme, _, rest = entry.partition("://")
    return scheme, rest


def _warn_untrustworthy(c: _Collector, item: object, entry: ConfigEntry) -> None:
    """Credentials for an origin a network attacker (or another app) can produce."""
    scheme, host = _scheme_host(entry)
    if is_potentially_trustworthy(scheme, host):
        return
    if scheme == "http":
        problem = "is plain http with credentials: a network attacker can impersonate it"
    else:
        problem = (
            f"uses the {scheme!r} scheme with credentials: nothing authenticates a page with "
            "that origin (a network attacker, or another app registering the scheme, can "
            "produce it)"
        )
    c.warn("allow_origins", repr(item), problem, "use https")


def _regexes(c: _Collector, value: object) -> list[re.Pattern[str]]:
    if value is None:
        return []
    sources = (
        [value]
        if isinstance(value, str | re.Pattern)
        else _as_list(c, "allow_origin_regex", value, star_ok=False) or []
    )
    out: list[re.Pattern[str]] = []
    for src in sources:
        if isinstance(src, re.Pattern):
            if isinstance(src.pattern, str):
                out.append(src)
                _regex_safety(c, src)
            else:
                c.error(
                    "allow_origin_regex",
                    repr(src),
                    "is a bytes pattern, but origins are matched as str",
                    "compile a str pattern",
                )
            continue
        if not isinstance(src, str):
            c.error("allow_origin_regex", repr(src), "is not a string", "write a regex string")
            continue
        try:
            compiled = re.compile(src)
        except re.error as exc:
            c.error("allow_origin_regex", repr(src), f"does not compile ({exc})", "fix the regex")
            continue
        out.append(compiled)
        _regex_safety(c, compiled)
    return out


def _regex_safety(c: _Collector, pattern: re.Pattern[str]) -> None:
    """Refuse regexes that can backtrack super-linearly or can never match an Origin."""
    for problem, fix in regex_problems(pattern):
        c.error("allow_origin_regex", repr(pattern.pattern), problem, fix)


def _methods(c: _Collector, value: object) -> tuple[bool, tuple[str, ...]]:
    items = _as_list(c, "allow_methods", value, star_ok=True)
    if items is None:
        return True, ()
    out: list[str] = []
    for m in items:
        if not isinstance(m, str) or not is_token(m):
            c.error("allow_methods", repr(m), "is not a valid method name", "write e.g. 'PUT'")
            continue
        if m.upper() in FORBIDDEN_METHODS:
            c.error(
                "allow_methods", repr(m), "is a forbidden method browsers never send", "remove it"
            )
            continue
        normalized = normalize_method(m)  # what fetch() sends for it
        if normalized == m and m != m.upper():
            c.warn(
                "allow_methods",
                repr(m),
                "is not uppercase: methods are case-sensitive and fetch() sends it as the page "
                "wrote it (usually uppercase)",
                f"write {m.upper()!r}",
            )
        if normalized not in out:
            out.append(normalized)
    return False, tuple(out)


#: Most ``*`` wildcards in one ``allow_headers`` pattern, and most patterns in all: a
#: requested name is tested against at most ``MAX_HEADER_PATTERNS`` patterns, each in
#: time linear in the name.
MAX_HEADER_PATTERN_STARS = 4
MAX_HEADER_PATTERNS = 32

#: A header-name pattern: the literal (lowercase) parts between its ``*`` wildcards.
HeaderPattern = tuple[str, ...]


def _header_pattern(c: _Collector, option: str, h: str) -> HeaderPattern | None:
    """``x-amz-*`` (a glob) or flask-cors's ``X-COMPANY-.*`` (a regex) as glob parts.

    Only ``*`` (any run of name characters) is a wildcard; ``.*`` is read as ``*``. Other
    regex syntax is refused rather than matched literally.
    """
    glob = h.replace(".*", "*")
    parts = tuple(part.lower() for part in glob.split("*"))
    literal = "".join(parts)
    if (literal and not is_token(literal)) or re.search(r"[\\()\[\]{}?|$^+]", glob):
        c.error(
            option,
            repr(h),
            "is a header-name pattern with regex syntax other than '*' (or '.*')",
            "write a glob such as 'x-company-*' (one entry per prefix), or list the names",
        )
        return None
    if len(parts) - 1 > MAX_HEADER_PATTERN_STARS:
        c.error(
            option,
            repr(h),
            f"has more than {MAX_HEADER_PATTERN_STARS} '*' wildcards",
            "use fewer wildcards, e.g. 'x-company-*'",
        )
        return None
    return parts


def header_pattern_matches(parts: HeaderPattern, name: str) -> bool:
    """Whether a lowercase header ``name`` matches a pattern (``fullmatch``, linear time).

    >>> header_pattern_matches(("x-amz-", ""), "x-amz-date")
    True
    >>> header_pattern_matches(("x-amz-", ""), "x-amzdate")
    False
    """
    first, *middle, last = parts
    if len(name) < len(first) + len(last) or not name.startswith(first):
        return False
    if not name.endswith(last):
        return False
    at, end = len(first), len(name) - len(last)
    for part in middle:  # leftmost match of each part is optimal for '*'-only globs
        found = name.find(part, at, end)
        if found < 0:
            return False
        at = found + len(part)
    return True


def _header_names(
    c: _Collector, option: str, value: object
) -> tuple[bool, tuple[str, ...], tuple[HeaderPattern, ...]]:
    """(``"*"``?, names as written, patterns) of a header-name option.

    Names keep the case they were written in (they are sent so); matching is
    case-insensitive. ``allow_headers`` entries with ``*`` inside a name are patterns.
    """
    items = _as_list(c, option, value, star_ok=True)
    if items is None:
        return True, (), ()
    out: list[str] = []
    seen: set[str] = set()
    patterns: list[HeaderPattern] = []
    for h in items:
        if option == "allow_headers" and isinstance(h, str) and "*" in h:
            pattern = _header_pattern(c, option, h)
            if pattern is not None and pattern not in patterns:
                patterns.append(pattern)
            continue
        if not isinstance(h, str) or not is_token(h) or "*" in h:
            c.error(option, repr(h), "is not a valid header name", "write e.g. 'x-api-key'")
            continue
        name = h.lower()
        wrong = _wrong_list(option, name)
        if wrong is not None and option == "allow_headers":
            c.warn(option, repr(h), *wrong)  # harmless, but surely a mix-up: kept, warned
        elif wrong is not None:
            c.error(option, repr(h), *wrong)
            continue
        if option == "expose_headers" and name in ("set-cookie", "set-cookie2"):
            c.error(
                option,
                repr(h),
                "can never be exposed: browsers hide Set-Cookie from scripts",
                "remove it (cookies are sent with credentials, not read from headers)",
            )
            continue
        if option == "allow_headers" and is_forbidden_request_header(name):
            c.warn(
                option,
                repr(h),
                "is a header browsers never let a page send, so allowing it has no effect",
                "remove it",
            )
        if name not in seen:
            seen.add(name)
            out.append(h)
    if len(patterns) > MAX_HEADER_PATTERNS:
        c.error(
            option,
            f"{len(patterns)} patterns",
            f"is more than {MAX_HEADER_PATTERNS} header-name patterns",
            "merge them into fewer globs",
        )
        patterns = []
    return False, tuple(out), tuple(patterns)


#: Request headers the browser itself sends; no response ever carries them.
_CORS_REQUEST_HEADERS = frozenset(name.decode("ascii") for name in CORS_REQUEST_NAMES)


def _wrong_list(option: str, name: str) -> tuple[str, str] | None:
    """(problem, fix) for a CORS header name in the wrong list; ``None`` when it is not."""
    if option == "allow_headers" and name in RESPONSE_HEADER_OPTIONS:
        controlled_by = RESPONSE_HEADER_OPTIONS[name]
        fix = (
            "remove it: the other names listed in allow_headers are what the policy answers in it"
            if controlled_by == option
            else f"remove it from allow_headers; set {controlled_by}=... to control it"
        )
        return (
            "is a CORS response header, which pages have no reason to send: listing it "
            "only lets a request carrying it pass the preflight, and sets nothing the "
            "policy answers",
            fix,
        )
    if option == "expose_headers" and name in _CORS_REQUEST_HEADERS:
        return (
            "is a request header the browser sends, never a response header a script "
            "could read, so exposing it changes nothing",
            "remove it from expose_headers (list response headers, e.g. 'x-total-count')",
        )
    if option == "expose_headers" and name in RESPONSE_HEADER_OPTIONS:
        # Four of them only ever come on preflights, which no script sees; the browser
        # reads the other three to decide what it hands the script at all.
        controlled_by = RESPONSE_HEADER_OPTIONS[name]
        fix = (
            "remove it: the other names listed in expose_headers are what the policy answers in it"
            if controlled_by == option
            else f"remove it from expose_headers; set {controlled_by}=... to control it"
        )
        return (
            "is a CORS response header the browser acts on itself, not an application "
            "header for scripts to read: exposing it serves no purpose",
            fix,
        )
    return None


def _max_age(c: _Collector, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        c.error("max_age", repr(value), "is not an integer number of seconds", "write e.g. 600")
        return None
    if value < 0:
        c.error("max_age", repr(value), "is negative", "use 0 (no caching) or more")
        return None
    if value > MAX_MAX_AGE:
        c.error(
            "max_age",
            repr(value),
            f"is absurd: browsers cap it (Chromium at 7200 s, Firefox at {MAX_MAX_AGE} s)",
            "use at most 7200",
        )
        return None
    return value


#: The packages whose frames a configuration warning skips to reach the user's line.
_OWN_PACKAGES = ("cors_core", "adapters")


def _is_own(module: object) -> bool:
    """Whether a frame's ``__name__`` is a module of this project (by name, not by path)."""
    return isinstance(module, str) and module.partition(".")[0] in _OWN_PACKAGES


def _caller_stacklevel() -> int:
    """``stacklevel`` for :func:`warnings.warn` in :func:`validate` that points at the
    user's line (the first frame whose module is outside ``cors_core`` and ``adapters``)."""
    level = 1
    frame = sys._getframe(1)  # validate's frame: stacklevel=1
    while frame.f_back is not None and _is_own(frame.f_globals.get("__name__")):
        frame = frame.f_back
        level += 1
    return level


def unknown_options(names: Iterable[str]) -> list[Problem]:
    """Problems for option names that do not exist, with the closest real name.

    >>> print(unknown_options(["allow_origin", "max_age"])[0])
    allow_origin is not a CORS option; fix: did you mean 'allow_origins'?
    """
    valid = f"valid options: {', '.join(OPTION_NAMES)}"
    return [
        Problem(name, "", "is not a CORS option", suggest(name, OPTION_NAMES, valid))
        for name in names
        if name not in OPTION_NAMES
    ]


#: The key of a configuration mapping (or TOML table) that holds per-path rules.
PATHS_KEY = "paths"


def options_from_mapping(mapping: Mapping[str, Any], *, check_names: bool = True) -> dict[str, Any]:
    """The keyword options of one policy, from a mapping (parsed TOML or JSON).

    Raises :class:`ConfigError` for unknown keys (with the closest real name) and for a
    ``paths`` table, which one policy cannot hold.

    >>> options_from_mapping({"allow_origins": ["https://a.example"]})
    {'allow_origins': ['https://a.example']}
    """
    if PATHS_KEY in mapping:  # refused with the misspelt names beside it, if any
        raise ConfigError(
            [
                Problem(
                    PATHS_KEY,
                    "",
                    "defines per-path rules, which a single CORSPolicy cannot hold",
                    "use cors_core.loading.load_config or rules_from_mapping (they give PathRules)",
                ),
                *unknown_options(name for name in mapping if name != PATHS_KEY),
            ]
        )
    problems = unknown_options(mapping) if check_names else []
    if problems:
        raise ConfigError(problems)
    return dict(mapping)


def validate(o: dict[str, Any]) -> Settings:
    """Validate every option; raise :class:`ConfigError` listing all problems, warn once each."""
    strict = o["strict"] is True
    c = _Collector(strict)
    creds = _bool(c, "allow_credentials", o["allow_credentials"])
    for flag in (
        "allow_private_network",
        "allow_null_origin",
        "allow_public_suffix_wildcards",
        "block_disallowed",
        "websocket_origins",
        "debug",
        "strict",
    ):
        _bool(c, flag, o[flag])
    allow_all, entries, allow_null = _origins(c, o)
    if allow_all and o["allow_private_network"] is True:
        c.error(
            "allow_private_network",
            "True",
            "is set together with allow_origins=['*']: every public website could then "
            "reach this private-network server (router, intranet, localhost service) from "
            "its visitors' browsers and read the responses",
            "list the origins allowed to reach it in allow_origins "
            "(e.g. ['https://app.example.com']), or set allow_private_network=False",
        )
    regexes = _regexes(c, o["allow_origin_regex"])
    predicate = o["allow_origin_predicate"]
    if predicate is not None and not callable(predicate):
        c.error("allow_origin_predicate", repr(predicate), "is not callable", "pass a function")
        predicate = None
    all_methods, methods = _methods(c, o["allow_methods"])
    all_headers, headers, header_patterns = _header_names(c, "allow_headers", o["allow_headers"])
    expose_all, expose, _ = _header_names(c, "expose_headers", o["expose_headers"])
    if expose_all and creds:
        c.error(
            "expose_headers",
            "'*'",
            "is not honoured by browsers for credentialed requests (it exposes only a header "
            "literally named '*')",
            "list the header names to expose",
        )
    max_age = _max_age(c, o["max_age"])
    status = o["preflight_status"]
    if type(status) is not int or status not in (200, 204):
        c.error(
            "preflight_status", repr(status), "must be 204 or 200", "use 204 (200 for old clients)"
        )
    if c.problems:
        raise ConfigError(c.problems)
    if c.warnings:
        level = _caller_stacklevel()
        for w in c.warnings:
            log_config_warning(w)
            warnings.warn(CORSConfigWarning(w), stacklevel=level)
    return Settings(
        allow_all_origins=allow_all,
        matcher=OriginMatcher.build(entries, regexes, predicate),
        allow_null_origin=allow_null,
        allow_all_methods=all_methods,
        allow_methods=methods,
        allow_all_headers=all_headers,
        allow_headers=headers,
        header_patterns=header_patterns,
        expose_all_headers=expose_all,
        expose_headers=expose,
        allow_credentials=creds,
        max_age=max_age,
        allow_private_network=o["allow_private_network"] is True,
        preflight_status=status,
        block_disallowed=o["block_disallowed"] is True,
        websocket_origins=o["websocket_origins"] is True,
        debug=o["debug"] is True,
    )
