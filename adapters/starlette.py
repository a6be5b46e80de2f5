"""starlette's ``CORSMiddleware`` as a drop-in: its keywords, its defaults, its reading.

The one-import switch from ``starlette.middleware.cors``::

    # was: from starlette.middleware.cors import CORSMiddleware
    from adapters.starlette import CORSMiddleware

:class:`CORSMiddleware` here is :class:`adapters.asgi.CORSMiddleware` (the same engine,
the same answers) with starlette's constructor, and one guarantee more: a setting is
never read more broadly than starlette reads it. starlette compares ``allow_origins``
entries, method names and header names as written; the engine reads some of them as
what they evidently mean. Each entry the engine would read more broadly (so that the
switch would widen access) is refused at construction with a
:class:`~cors_core.ConfigError` listing every one and its fix, in starlette's keywords:

- an ``allow_origins`` entry not written as browsers send origins (upper case, a default
  port such as ``:443``, a Unicode host, a non-canonical IPv6 address): starlette never
  matched it, the engine would match the origin it stands for;
- an ``allow_origins`` pattern, ``https://*.example.com`` or ``http://localhost:*``:
  starlette never matched it, the engine would match every subdomain or port (keep the
  pattern by importing :class:`adapters.asgi.CORSMiddleware` instead);
- an ``allow_headers`` glob such as ``x-*``: starlette never matched it, the engine
  would allow every name it covers;
- an ``allow_methods`` name the engine normalises as ``fetch()`` does (``delete``,
  ``put``, ``options`` ...): starlette compared it as written, so it never matched the
  upper-case name browsers send.

Which entries those are is asked of the engine itself: each entry is given to a
:class:`~cors_core.CORSPolicy` alone, which is asked whether it allows the entry as
written and nothing else (the origin the entry spells, the method name as listed, a
header name the glob covers); the fix a refusal offers is checked the same way. This
module holds no CORS rule.
Everything else is :class:`adapters.asgi.CORSMiddleware`'s behaviour, which is at least
as strict as starlette's (see ``docs/migrate-starlette.md``). An empty ``allow_headers``
(starlette's default) allows the four CORS-safelisted names, as in starlette; a list you
write allows the names it lists.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import warnings
from collections.abc import Callable, Collection, Iterator
from typing import Any, Never

import idna

from adapters.asgi import ASGIApp
from adapters.asgi import CORSMiddleware as _NativeCORSMiddleware
from cors_core import ConfigError, CORSConfigWarning, CORSPolicy, Problem
from cors_core.integration import OPTION_NAMES, suggest

__all__ = ["STARLETTE_KEYWORDS", "CORSMiddleware"]

#: starlette's ``CORSMiddleware`` keywords, in its order (``app`` first, then these).
STARLETTE_KEYWORDS = (
    "allow_origins",
    "allow_methods",
    "allow_headers",
    "allow_credentials",
    "allow_origin_regex",
    "allow_private_network",
    "expose_headers",
    "max_age",
)

_NATIVE = "adapters.asgi.CORSMiddleware"
#: Options of the engine that starlette's middleware does not have.
_NATIVE_ONLY = tuple(name for name in OPTION_NAMES if name not in STARLETTE_KEYWORDS)
_NATIVE_MENTION = re.compile(r"(?<![\w.])(" + "|".join(_NATIVE_ONLY) + r")(?!\w)")
#: Any origin: a probe for the method and header checks (allowed by ``["*"]``).
_PROBE_ORIGIN = "https://app.example.com"


class CORSMiddleware(_NativeCORSMiddleware):
    """starlette's ``CORSMiddleware`` keywords and defaults, never read more broadly.

    A drop-in for ``starlette.middleware.cors.CORSMiddleware``: the same keyword
    arguments (positional too, in starlette's order), the same defaults, answered by
    :class:`adapters.asgi.CORSMiddleware` (which this class is). A setting starlette
    never matched and the engine would read more broadly (``https://*.example.com``,
    ``https://App.Example.com:443``, ``allow_headers=["x-*"]``,
    ``allow_methods=["delete"]``) raises :class:`~cors_core.ConfigError` listing each
    one with its fix, together with every other problem the engine finds.

    Example::

        from fastapi import FastAPI
        from adapters.starlette import CORSMiddleware

        app = FastAPI()
        app.add_middleware(
            CORSMiddleware,
            allow_origins=["https://app.example.com"],
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )

    For the engine's patterns and its other options (``allow_origin_predicate``,
    ``debug``, ``policy=`` ...), import :class:`adapters.asgi.CORSMiddleware` instead.

    What it refuses, and the fix, in starlette's keywords::

        >>> from adapters.starlette import CORSMiddleware
        >>> async def app(scope, receive, send): ...
        >>> CORSMiddleware(app, allow_origins=["https://App.Example.com"], debug=True)
        Traceback (most recent call last):
          ...
        cors_core.ConfigError: invalid CORS configuration (2 problems):
          - debug is an option of adapters.asgi.CORSMiddleware, ...; fix: import
            CORSMiddleware from adapters.asgi to use debug=
          - allow_origins: 'https://App.Example.com' is not written as browsers send
            origins, ...; fix: write 'https://app.example.com'
    """

    def __init__(
        self,
        app: ASGIApp,
        allow_origins: Collection[str] = (),
        allow_methods: Collection[str] = ("GET",),
        allow_headers: Collection[str] = (),
        allow_credentials: bool = False,
        allow_origin_regex: str | re.Pattern[str] | None = None,
        allow_private_network: bool = False,
        expose_headers: Collection[str] = (),
        max_age: int = 600,
        **unknown: Never,
    ) -> None:
        options: dict[str, Any] = {
            "allow_origins": allow_origins,
            "allow_methods": allow_methods,
            "allow_headers": allow_headers,
            "allow_credentials": allow_credentials,
            "allow_origin_regex": allow_origin_regex,
            "allow_private_network": allow_private_network,
            "expose_headers": expose_headers,
            "max_age": max_age,
        }
        problems = [*_unknown_keywords(unknown), *_broader_readings(options)]
        # Refused anyway: only the problems are worth reading, not the engine's warnings.
        quiet = warnings.catch_warnings() if problems else contextlib.nullcontext()
        try:
            with quiet:
                if problems:
                    warnings.simplefilter("ignore", CORSConfigWarning)
                super().__init__(app, **options)
        except ConfigError as exc:
            problems += [_in_starlette_terms(problem) for problem in exc.problems]
        if problems:
            raise ConfigError(problems)


# -- keywords ------------------------------------------------------------------------------


def _unknown_keywords(unknown: dict[str, Any]) -> list[Problem]:
    problems = []
    for name in unknown:
        if name in _NATIVE_ONLY or name == "policy":
            problems.append(
                Problem(
                    name,
                    "",
                    "is an option of adapters.asgi.CORSMiddleware, not of starlette's "
                    "CORSMiddleware (which this one reproduces)",
                    f"import CORSMiddleware from adapters.asgi to use {name}=",
                )
            )
        else:
            valid = f"starlette's keywords are {', '.join(STARLETTE_KEYWORDS)}"
            problems.append(
                Problem(
                    name,
                    "",
                    "is not a keyword of starlette's CORSMiddleware",
                    suggest(name, STARLETTE_KEYWORDS, valid),
                )
            )
    return problems


#: The engine's refusal of ``allow_origins=["*"]`` with credentials, in starlette's terms
#: (the engine's fix offers its patterns, which this middleware refuses).
_STAR_WITH_CREDENTIALS = Problem(
    "allow_origins",
    "'*'",
    "allows every origin together with allow_credentials=True: starlette then reflects "
    "each request's origin, so any website can read your users' authenticated responses",
    "list the trusted origins: allow_origins=['https://app.example.com', ...]; or, if "
    "pages send no cookies (a token API needs none), set allow_credentials=False",
)


def _in_starlette_terms(problem: Problem) -> Problem:
    """The engine's problem, its fix pointing to adapters.asgi for an option starlette lacks."""
    if (problem.option, problem.entry) == ("allow_origins", "'*'"):
        return _STAR_WITH_CREDENTIALS
    mentioned = _NATIVE_MENTION.search(problem.fix)
    if mentioned is None:
        return problem
    fix = (
        f"{problem.fix} ({mentioned[1]} is an option of {_NATIVE}: "
        "import CORSMiddleware from adapters.asgi for it)"
    )
    return Problem(problem.option, problem.entry, problem.problem, fix)


# -- the readings the engine would widen ----------------------------------------------------


def _listed(value: object) -> list[Any] | None:
    """The entries of a list-valued option (``None`` for a string or a non-iterable,
    which the engine refuses or reads as starlette does)."""
    if isinstance(value, str | bytes) or not isinstance(value, Collection):
        return None
    return list(value)


def _broader_readings(options: dict[str, Any]) -> list[Problem]:
    """A problem for each setting the engine would read more broadly than starlette.

    ``options`` is left holding what the engine is then given: the refused entries
    dropped (so its own problems are about the rest), an empty ``allow_headers`` left
    to the engine's default (starlette's reading of it: the CORS-safelisted names).
    """
    problems: list[Problem] = []
    origins = _listed(options["allow_origins"])
    if origins is not None:
        found, kept = _origin_problems(origins, options["allow_credentials"] is True)
        if found:
            problems += found
            options["allow_origins"] = kept
    methods = _listed(options["allow_methods"])
    if methods is not None and "*" not in methods:
        found, kept = _split(methods, _method_problem)
        if found:
            problems += found
            options["allow_methods"] = kept
    headers = _listed(options["allow_headers"])
    if headers is not None and "*" not in headers:
        found, kept = _split(headers, _header_problem)
        if found:
            problems += found
            options["allow_headers"] = kept
        if not kept:
            del options["allow_headers"]  # the engine's default: the safelisted names
    regex = options["allow_origin_regex"]
    if regex is not None and not isinstance(regex, str | re.Pattern):
        problems.append(_regex_list_problem(regex))
        options["allow_origin_regex"] = None
    return problems


def _split(
    entries: list[Any], check: Callable[[object], Problem | None]
) -> tuple[list[Problem], list[Any]]:
    problems: list[Problem] = []
    kept: list[Any] = []
    for entry in entries:
        problem = check(entry)
        if problem is None:
            kept.append(entry)
        else:
            problems.append(problem)
    return problems, kept


def _probe(**options: Any) -> CORSPolicy | None:
    """The engine given one entry alone; ``None`` when it has something to say about it
    (refused, or warned: ``strict``), which the real construction reports."""
    try:
        return CORSPolicy(strict=True, **options)
    except ConfigError:
        return None


# -- allow_origins ----------------------------------------------------------------------------


def _origin_problems(origins: list[Any], credentials: bool) -> tuple[list[Problem], list[Any]]:
    if "*" in origins and not credentials:
        return [], origins  # every origin, in both: the other entries are not read
    # With credentials, '*' is refused by the engine (in starlette's words: see
    # _in_starlette_terms), and kept so that its other '*' refusals are found too.
    return _split(origins, _origin_problem)


def _origin_problem(entry: object) -> Problem | None:
    """The problem when the engine reads ``entry`` as more than the origin it spells."""
    if not isinstance(entry, str) or entry == "*":
        return None  # '*' means every origin, in both (refused with credentials)
    policy = _probe(allow_origins=[entry])
    if policy is None:
        return None
    if "*" in entry:  # an origin pattern (the engine refuses a '*' anywhere else)
        return Problem(
            "allow_origins",
            repr(entry),
            "is compared as written by starlette, so it never matched an origin; "
            f"adapters.asgi.CORSMiddleware reads it as a pattern matching {_covers(entry)}, "
            "which would widen access",
            _pattern_fix(entry),
        )
    if policy.decide("GET", entry).allowed:
        return None  # the engine matches exactly the origin it spells: as starlette does
    form = next((f for f in _browser_forms(entry) if policy.decide("GET", f).allowed), None)
    sent = f" (browsers send it as {form!r})" if form else ""
    return Problem(
        "allow_origins",
        repr(entry),
        "is not written as browsers send origins, so starlette, which compares it as "
        f"written, never matched it; adapters.asgi.CORSMiddleware would match it{sent}, "
        "which would widen access",
        f"write {form!r}"
        if form
        else "write the origin exactly as the browser sends it (location.origin): "
        "lower case, no default port, an internationalised host in its xn-- form",
    )


def _browser_forms(entry: str) -> Iterator[str]:
    """Candidates for the form a browser sends of ``entry`` (the engine says which one)."""
    scheme, sep, authority = entry.partition("://")
    if not sep:
        return
    if authority.startswith("["):
        close = authority.find("]")
        host, port = authority[: close + 1], authority[close + 2 :]
        try:
            host = f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            return
    else:
        host, colon, port = authority.rpartition(":")
        if not colon:
            host, port = authority, ""
        try:
            host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            host = host.lower()
    for suffix in (f":{port}" if port else "", ""):
        yield f"{scheme.lower()}://{host}{suffix}"


def _covers(entry: str) -> str:
    subdomains, ports = "://*." in entry, entry.endswith(":*")
    if subdomains and ports:
        return "every subdomain on every port"
    return "every subdomain" if subdomains else "every port"


def _pattern_fix(entry: str) -> str:
    """List the origins, or a regex in starlette's ``allow_origin_regex``; or keep it."""
    keep = "or keep the pattern by importing CORSMiddleware from adapters.asgi"
    regex = re.escape(entry.lower()).replace(r"\*\.", r"(?:[a-z0-9-]+\.)+")
    regex = regex.replace(r":\*", r"(?::[0-9]+)?")
    if _probe(allow_origin_regex=regex) is None:
        return f"list the origins pages are served from, {keep}"
    return (
        "list the origins pages are served from, or write a regex: "
        f"allow_origin_regex={_raw(regex)}; {keep}"
    )


def _raw(text: str) -> str:
    """``text`` as a Python raw string literal (``repr`` where one cannot hold it)."""
    if "'" in text or "\n" in text or text.endswith("\\"):
        return repr(text)
    return f"r'{text}'"


# -- allow_methods and allow_headers ------------------------------------------------------------


def _method_problem(method: object) -> Problem | None:
    """The problem when the engine allows another name than the one listed."""
    if not isinstance(method, str):
        return None
    policy = _probe(allow_origins=["*"], allow_methods=[method])
    if policy is None or _preflight(policy, method):
        return None
    upper = method.upper()
    if not _preflight(policy, upper):  # defensive: the engine reads it as yet another name
        upper = ""
    sent = f"{upper!r}, the name fetch() sends for it" if upper else "the name fetch() sends"
    return Problem(
        "allow_methods",
        repr(method),
        f"is compared as written by starlette (case-sensitively), so it never matched {sent}; "
        "adapters.asgi.CORSMiddleware reads it as that name, which would widen access",
        f"write {upper!r}" if upper else "write the method as fetch() sends it",
    )


def _header_problem(name: object) -> Problem | None:
    """The problem when the engine reads a header name as a pattern (``x-*``)."""
    if not isinstance(name, str) or "*" not in name:
        return None  # a name: matched case-insensitively, in both
    policy = _probe(allow_origins=["*"], allow_headers=[name])
    if policy is None or not _preflight(policy, "GET", name.replace("*", "zz")):
        return None
    return Problem(
        "allow_headers",
        repr(name),
        "is compared as written by starlette, so it never allowed a header; "
        "adapters.asgi.CORSMiddleware reads it as a pattern matching every such name, "
        "which would widen access",
        "list the header names pages send: allow_headers=['x-token', ...]; or keep the "
        "pattern by importing CORSMiddleware from adapters.asgi",
    )


def _preflight(policy: CORSPolicy, method: str, headers: str | None = None) -> bool:
    return policy.decide("OPTIONS", _PROBE_ORIGIN, method, headers).allowed


# -- allow_origin_regex -----------------------------------------------------------------------


def _regex_list_problem(value: object) -> Problem:
    entries = _listed(value)
    joined = "|".join(f"(?:{e})" for e in entries or () if isinstance(e, str))
    fix = f"join them in one: allow_origin_regex={_raw(joined)}" if joined else "write one regex"
    return Problem(
        "allow_origin_regex",
        repr(value)[:200],
        "is not one regex string: starlette compiles allow_origin_regex with "
        "re.compile (a list is refused), where adapters.asgi.CORSMiddleware would take "
        "each regex of a list",
        f"{fix}; or import CORSMiddleware from adapters.asgi, which takes a list",
    )
