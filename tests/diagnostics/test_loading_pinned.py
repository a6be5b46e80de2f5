"""Pinned: what ``cors_core.loading`` builds from a mapping and every sentence it says.

Found by mutation testing (``tools/mutate.py cors_core/loading.py``): the problems of a
``paths`` table in each file syntax, which policies a mapping defines, the warnings given
once each in the file's syntax, and a warning that is not the policy's passed on as it
came.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

import cors_core
from cors_core import ConfigError, CORSConfigWarning, CORSPolicy, PathRules
from cors_core.loading import (
    JSON,
    PYTHON,
    TOML,
    ConfigTable,
    JsonSyntax,
    TomlSyntax,
    load_config,
    load_policies,
    policy_from_mapping,
    rules_from_mapping,
)

A = "https://a.example"


def problems(mapping: Any, **kwargs: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_policies(mapping, **kwargs)
    return [str(p) for p in info.value.problems]


def test_a_paths_value_that_is_not_a_table_is_refused_in_the_mappings_syntax() -> None:
    options = {"allow_origins": [A], "paths": 3}
    assert problems(options) == ["paths: 3 is not a table; fix: write paths={'/api/*': {...}}"]
    assert problems(options, syntax=TOML) == [
        'paths: 3 is not a table; fix: write [paths."/api/*"]'
    ]
    pyproject = ConfigTable(options, TomlSyntax(("tool", "cors")))
    assert problems(pyproject) == ['paths: 3 is not a table; fix: write [tool.cors.paths."/api/*"]']
    json_file = ConfigTable(options, JsonSyntax(("cors",)))
    assert problems(json_file) == [
        'paths: 3 is not a table; fix: write "cors": {"paths": {"/api/*": {...}}}'
    ]
    # syntax= wins over the table's own.
    assert problems(pyproject, syntax=PYTHON) == problems(options)
    assert problems(options, syntax=JSON) == [
        'paths: 3 is not a table; fix: write "paths": {"/api/*": {...}}'
    ]


def test_a_path_mapped_to_a_value_is_refused_and_false_or_none_mean_no_cors() -> None:
    mapping = {"allow_origins": [A], "paths": {"/a/*": 3, "/b/*": None, "/c/*": False}}
    assert problems(mapping) == [
        "paths: '/a/*' maps to 3; fix: map it to a table of options, or to False for no CORS"
    ]
    assert problems({**mapping, "paths": {"/a/*": "x"}}, syntax=TOML) == [
        'paths: "/a/*" maps to "x"; fix: map it to a table of options, or to false for no CORS'
    ]
    policies = load_policies({"allow_origins": [A], "paths": {"/b/*": None, "/c/*": False}})
    assert list(policies) == ["*", "/b/*", "/c/*"]
    assert policies["/b/*"] is None and policies["/c/*"] is None
    assert isinstance(policies["*"], CORSPolicy)


def test_which_policies_a_mapping_defines() -> None:
    assert list(load_policies({})) == ["*"]  # the defaults
    assert list(load_policies({"paths": {}})) == ["*"]
    only_paths = load_policies({"paths": {"/a/*": {"allow_origins": [A]}}})
    assert list(only_paths) == ["/a/*"]
    inherited = load_policies({"allow_origins": [A], "paths": {"/a/*": {"max_age": 5}}})
    top, path = inherited["*"], inherited["/a/*"]
    assert top is not None and path is not None
    assert (top.options["allow_origins"], top.options["max_age"]) == ([A], 600)
    assert (path.options["allow_origins"], path.options["max_age"]) == ([A], 5)


def test_rules_from_mapping_gives_a_policy_or_path_rules_with_their_default() -> None:
    policy = rules_from_mapping({"allow_origins": [A]})
    assert isinstance(policy, CORSPolicy) and policy.options["allow_origins"] == [A]
    rules = rules_from_mapping({"allow_origins": [A], "paths": {"/x/*": False}})
    assert isinstance(rules, PathRules)
    assert rules.for_path("/x/1") is None
    default = rules.for_path("/y")
    assert isinstance(default, CORSPolicy) and default.options["allow_origins"] == [A]
    paths_only = rules_from_mapping({"paths": {"/a/*": {"allow_origins": [A]}}})
    assert isinstance(paths_only, PathRules)
    assert paths_only.for_path("/b") is None
    assert paths_only.for_path("/a/1") is not None


def test_rules_from_mapping_writes_problems_in_the_syntax_it_is_given() -> None:
    mapping = {"allow_origins": [A, "https://b.example/"], "paths": {"/x/*": False}}
    with pytest.raises(ConfigError) as info:
        rules_from_mapping(mapping, syntax=TOML)
    assert [str(p) for p in info.value.problems] == [
        'allow_origins: "https://b.example/" has a trailing slash; fix: write '
        '"https://b.example" (browsers send origins without any path)'
    ]
    with pytest.raises(ConfigError) as info:
        rules_from_mapping(mapping)
    assert [p.entry for p in info.value.problems] == ["'https://b.example/'"]


def test_policy_from_mapping_is_the_constructor_with_unknown_keys_named() -> None:
    policy = policy_from_mapping({"allow_origins": [A], "max_age": 5})
    assert isinstance(policy, CORSPolicy)
    assert (policy.options["allow_origins"], policy.options["max_age"]) == ([A], 5)
    with pytest.raises(ConfigError) as info:
        policy_from_mapping({"allow_origns": [A], "max_age": -1})
    assert [str(p) for p in info.value.problems] == [
        "allow_origns is not a CORS option; fix: did you mean 'allow_origins'?",
        "max_age: -1 is negative; fix: use 0 (no caching) or more",
    ]


def test_load_config_reads_a_file_into_path_rules(tmp_path: Path) -> None:
    path = tmp_path / "cors.json"
    path.write_text(json.dumps({"cors": {"allow_origins": [A], "paths": {"/x/*": False}}}))
    rules = load_config(path)
    assert isinstance(rules, PathRules)
    assert rules.for_path("/x/y") is None
    assert [p for p, _ in rules.rules()] == ["/x/*", "default"]


def test_a_problem_inherited_by_every_path_is_reported_once() -> None:
    mapping = {
        "allow_origns": [A],
        "max_age": -1,
        "paths": {"/a/*": {"alow": 1}, "/b/*": {"max_age": 3}},
    }
    assert problems(mapping) == [
        "allow_origns is not a CORS option; fix: did you mean 'allow_origins'?",
        "max_age: -1 is negative; fix: use 0 (no caching) or more",
        'paths."/a/*".alow is not a CORS option; fix: valid options: allow_origins, '
        "allow_origin_regex, allow_origin_predicate, allow_methods, allow_headers, "
        "expose_headers, allow_credentials, max_age, allow_private_network, "
        "allow_null_origin, allow_public_suffix_wildcards, preflight_status, "
        "block_disallowed, websocket_origins, debug, strict",
    ]


def test_each_warning_is_given_once_in_the_mappings_syntax() -> None:
    mapping = {
        "allow_origins": ["http://a.example"],
        "allow_credentials": True,
        "paths": {"/a/*": {"max_age": 1}, "/b/*": {"allow_origins": ["http://b.example"]}},
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_policies(mapping)
    assert [(w.category, str(w.message)) for w in caught] == [
        (
            CORSConfigWarning,
            "allow_origins: 'http://a.example' is plain http with credentials: a network "
            "attacker can impersonate it; fix: use https",
        ),
        (
            CORSConfigWarning,
            "paths.\"/b/*\".allow_origins: 'http://b.example' is plain http with "
            "credentials: a network attacker can impersonate it; fix: use https",
        ),
    ]
    # Nothing is warned when the configuration is refused: only its problems count.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ConfigError):
            load_policies({**mapping, "max_age": -1})
    assert caught == []


class NoisyList(list[str]):
    """An option value whose reading warns: the warning is not the policy's."""

    def __iter__(self) -> Any:
        warnings.warn("read from a NoisyList", UserWarning, stacklevel=1)
        return super().__iter__()


def test_a_warning_that_is_not_the_policys_is_passed_on_as_it_came() -> None:
    line = NoisyList.__iter__.__code__.co_firstlineno + 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        policies = load_policies({"allow_origins": NoisyList([A])})
    assert [(w.category, str(w.message), w.filename, w.lineno) for w in caught] == [
        (UserWarning, "read from a NoisyList", __file__, line)
    ]
    policy = policies["*"]
    assert policy is not None and policy.options["allow_origins"] == [A]


DOUBTFUL = {"allow_origins": ["http://a.example"], "allow_credentials": True}


def _doubtful_file(tmp_path: Path) -> Path:
    path = tmp_path / "cors.json"
    path.write_text(json.dumps(DOUBTFUL))
    return path


def test_warnings_never_point_inside_the_library(tmp_path: Path) -> None:
    """Through every entry point (load_config and rules_from_mapping call load_policies)."""
    library = str(Path(cors_core.__file__).parent)
    path = _doubtful_file(tmp_path)
    for call in (
        lambda: load_policies(DOUBTFUL),
        lambda: rules_from_mapping(DOUBTFUL),
        lambda: load_config(path),
    ):
        with pytest.warns(CORSConfigWarning) as caught:
            call()
        assert [w.filename.startswith(library) for w in caught] == [False]


def test_warnings_point_at_the_callers_line(tmp_path: Path) -> None:
    """As CORSPolicy(...) and CORSPolicy.from_toml do: at the line that loads, not at a line
    of cors_core (deselected in mutation runs: mutmut's trampoline is the caller there)."""
    path = _doubtful_file(tmp_path)
    with pytest.warns(CORSConfigWarning) as caught:
        load_policies(DOUBTFUL)
        rules_from_mapping(DOUBTFUL)
        load_config(path)
    first = test_warnings_point_at_the_callers_line.__code__.co_firstlineno
    assert [(w.filename, w.lineno - first) for w in caught] == [
        (__file__, 5),
        (__file__, 6),
        (__file__, 7),
    ]
