"""Loading a CORS configuration from TOML files or plain mappings.

Three file shapes are read (with the standard library's :mod:`tomllib`):

- ``pyproject.toml`` with a ``[tool.cors]`` table;
- a standalone file with a ``[cors]`` table;
- a standalone file whose top-level keys are the options.

The keys are :class:`~cors_core.CORSPolicy`'s keyword options. Per-path rules go in a
``paths`` table: each ``"/pattern"`` maps to a table of options (which start from the
top-level options and override them) or to ``false`` for "no CORS on this path"::

    [tool.cors]
    allow_origins = ["https://app.example.com"]
    allow_methods = ["GET", "POST", "PUT"]

    [tool.cors.paths]
    "/internal/*" = false                 # no CORS headers at all below /internal

    [tool.cors.paths."/public/*"]
    allow_origins = ["*"]                 # inherits allow_methods from above

Paths no rule covers use the top-level options; when the file has path rules and no
top-level option, other paths get no CORS. A ``.json`` file holds the same keys as a JSON
object (at the top level, or under ``"cors"``).

Validation is the constructor's: every problem is reported at once in one
:class:`~cors_core.ConfigError`, unknown keys come with the closest real name, and
problems inside a path table name that path (``paths."/api/*".allow_origins``). Each
problem is written in the syntax of the file it was found in, fix included: a TOML file
gets ``allow_credentials = false`` and ``[tool.cors.paths."/api/*"]``, a JSON file
``"allow_credentials": false`` (:class:`Syntax`; a plain mapping gets
:class:`~cors_core.CORSPolicy`'s keywords, unless ``syntax=`` says otherwise).

Example::

    >>> from cors_core.loading import load_config
    >>> policy = load_config("pyproject.toml")  # CORSPolicy, or PathRules with paths
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import Any

from cors_core._config import PATHS_KEY, _caller_stacklevel, unknown_options
from cors_core._errors import ConfigError, CORSConfigWarning, Problem
from cors_core._paths import PathRules
from cors_core._policy import CORSPolicy
from cors_core._toml import ConfigTable, read_config, read_json, read_toml
from cors_core._wording import (
    JSON,
    PYTHON,
    TOML,
    JsonSyntax,
    Syntax,
    TomlSyntax,
    Value,
    render,
    reword,
)

__all__ = [
    "JSON",
    "PATHS_KEY",
    "PYTHON",
    "TOML",
    "ConfigTable",
    "JsonSyntax",
    "Syntax",
    "TomlSyntax",
    "Value",
    "load_config",
    "load_policies",
    "policy_from_mapping",
    "read_json",
    "read_toml",
    "render",
    "reword",
    "rules_from_mapping",
]

#: A problem and the table it was found in (``()``: the top level).
_Found = tuple[tuple[str, ...], Problem]


def _build(
    options: Mapping[str, Any],
    problems: list[_Found],
    where: tuple[str, ...],
    top: frozenset[tuple[str, str, str]] = frozenset(),
    doubts: list[_Found] | None = None,
) -> CORSPolicy | None:
    """The policy of ``options``, or ``None`` with every problem added to ``problems``:
    misspelt names beside the other options' problems (a typo hides nothing). A path's
    problem already reported for the top-level options it inherits (``top``) is not
    reported again. The configuration warnings the policy raises are added to ``doubts``
    (to be given in the file's syntax), the same way."""
    unknown = unknown_options(options)
    misspelt = {p.option for p in unknown}
    found = list(unknown)
    policy = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CORSConfigWarning)
        try:
            policy = CORSPolicy(**{k: v for k, v in options.items() if k not in misspelt})
        except ConfigError as exc:
            found += exc.problems
    for warning in caught:
        doubt = getattr(warning.message, "problem", None)
        if doubts is not None and isinstance(doubt, Problem):
            if (doubt.option, doubt.entry, doubt.problem) not in top:
                doubts.append((where, doubt))
        else:  # not ours to reword: passed on as it came
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    problems += [(where, p) for p in found if (p.option, p.entry, p.problem) not in top]
    return None if unknown else policy


def _paths_problem(entry: str, problem: str, fix: str) -> _Found:
    return (), Problem(PATHS_KEY, entry, problem, fix)


def load_policies(
    mapping: Mapping[str, Any], *, syntax: Syntax | None = None
) -> dict[str, CORSPolicy | None]:
    """Every policy a mapping defines: ``"*"`` for the top level, then each path pattern.

    A path mapped to ``false`` (or ``None``) is ``None``: no CORS there. ``"*"`` is
    absent when the mapping has path rules and no top-level option. Used by
    :func:`rules_from_mapping` and by ``cors-core audit``, which probes each policy.

    Problems are written in ``syntax``: by default the syntax of the file a
    :class:`ConfigTable` was read from, else :class:`~cors_core.CORSPolicy`'s keywords.

    >>> sorted(load_policies({"allow_origins": ["https://a.example"]}))
    ['*']
    """
    if syntax is None:
        syntax = mapping.syntax if isinstance(mapping, ConfigTable) else PYTHON
    problems: list[_Found] = []
    base = {k: v for k, v in mapping.items() if k != PATHS_KEY}
    paths = mapping.get(PATHS_KEY, {})
    out: dict[str, CORSPolicy | None] = {}
    if not isinstance(paths, Mapping):
        table = syntax.table([PATHS_KEY, "/api/*"])
        problems.append(_paths_problem(repr(paths), "is not a table", f"write {table}"))
        paths = {}
    doubts: list[_Found] = []
    if base or not paths:
        out["*"] = _build(base, problems, (), doubts=doubts)
    top = frozenset((p.option, p.entry, p.problem) for _, p in [*problems, *doubts])
    for pattern, rule in paths.items():
        if rule is False or rule is None:
            out[pattern] = None
        elif isinstance(rule, Mapping):
            path_table = (PATHS_KEY, str(pattern))
            out[pattern] = _build({**base, **rule}, problems, path_table, top, doubts)
        else:
            problems.append(
                _paths_problem(
                    repr(pattern),
                    f"maps to {rule!r}",
                    "map it to a table of options, or to False for no CORS",
                )
            )
    if problems:
        raise ConfigError(reword(p, syntax, where) for where, p in problems)
    level = _caller_stacklevel()  # the user's line, also through load_config
    for found_in, doubt in doubts:  # each once, in the file's syntax
        warnings.warn(CORSConfigWarning(reword(doubt, syntax, found_in)), stacklevel=level)
    return out


def policy_from_mapping(mapping: Mapping[str, Any]) -> CORSPolicy:
    """A :class:`CORSPolicy` from a mapping of options (no ``paths``); same errors as the
    constructor, plus unknown keys with the closest real name
    (:meth:`CORSPolicy.from_mapping <cors_core.CORSPolicy.from_mapping>`).

    >>> policy_from_mapping({"allow_origins": ["https://a.example"]}).allow_credentials
    False
    """
    return CORSPolicy.from_mapping(mapping)


def rules_from_mapping(
    mapping: Mapping[str, Any], *, syntax: Syntax | None = None
) -> CORSPolicy | PathRules:
    """A :class:`CORSPolicy`, or :class:`PathRules` when the mapping has a ``paths`` table.

    Problems are written as :func:`load_policies` writes them (``syntax=TOML`` for a
    mapping parsed from TOML elsewhere).

    >>> rules_from_mapping({"allow_origins": ["https://a.example"],
    ...                     "paths": {"/internal/*": False}}).for_path("/internal/x") is None
    True
    """
    policies = load_policies(mapping, syntax=syntax)
    if PATHS_KEY not in mapping:
        policy = policies["*"]
        assert policy is not None
        return policy
    default = policies.pop("*", None)
    return PathRules(policies, default=default)


def load_config(path: str | os.PathLike[str]) -> CORSPolicy | PathRules:
    """Read a TOML file, or a ``.json`` file (see the module docs), into a
    :class:`CORSPolicy` or :class:`PathRules`; a :class:`~cors_core.ConfigError` lists
    every problem in the file's syntax.

    >>> app = CORSMiddleware(app, policy=load_config("pyproject.toml"))
    """
    return rules_from_mapping(read_config(path))
