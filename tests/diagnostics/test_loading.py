"""TOML / mapping configuration: same validation as the constructor, per-path rules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cors_core import ConfigError, CORSPolicy, PathRules
from cors_core.loading import load_config, load_policies, read_toml, rules_from_mapping

ORIGIN = "https://app.example.com"


def acao(policy: CORSPolicy | PathRules, origin: str, path: str = "/") -> str | None:
    d = policy.decide("GET", origin, path=path)
    return dict(d.headers).get("Access-Control-Allow-Origin")


def test_pyproject_tool_cors(write_toml: Callable[..., str]) -> None:
    path = write_toml(
        '[project]\nname = "x"\n\n[tool.cors]\n'
        f'allow_origins = ["{ORIGIN}"]\nallow_credentials = true\nmax_age = 60\n',
        "pyproject.toml",
    )
    policy = CORSPolicy.from_toml(path)
    assert isinstance(policy, CORSPolicy)
    assert policy.allow_credentials is True
    d = policy.decide("OPTIONS", ORIGIN, "PUT")
    assert d.status == 403  # PUT not in the default methods
    d = policy.decide("OPTIONS", ORIGIN, "GET")
    assert dict(d.headers)["Access-Control-Max-Age"] == "60"
    assert isinstance(load_config(Path(path)), CORSPolicy)


def test_standalone_cors_table_and_top_level(write_toml: Callable[..., str]) -> None:
    a = write_toml(f'[cors]\nallow_origins = ["{ORIGIN}"]\n', "a.toml")
    b = write_toml(f'allow_origins = ["{ORIGIN}"]\n', "b.toml")
    for path in (a, b):
        policy = CORSPolicy.from_toml(path)
        assert acao(policy, ORIGIN) == ORIGIN
        assert acao(policy, "https://evil.example") is None


def test_pyproject_without_tool_cors(write_toml: Callable[..., str]) -> None:
    path = write_toml('[project]\nname = "x"\n', "pyproject.toml")
    with pytest.raises(ConfigError) as info:
        read_toml(path)
    assert info.value.problems[0].problem == "has no [tool.cors] table"


def test_unreadable_and_invalid_toml(tmp_path: Path, write_toml: Callable[..., str]) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config(write_toml("allow_origins = [\n"))


def test_unknown_key_suggests_the_real_name() -> None:
    with pytest.raises(ConfigError) as info:
        CORSPolicy.from_mapping({"allow_origin": [ORIGIN], "alow_credentials": True})
    assert [(p.option, p.fix) for p in info.value.problems] == [
        ("allow_origin", "did you mean 'allow_origins'?"),
        ("alow_credentials", "did you mean 'allow_credentials'?"),
    ]


def test_same_errors_as_constructor() -> None:
    bad = {"allow_origins": "https://a.example", "max_age": -1}
    with pytest.raises(ConfigError) as from_ctor:
        CORSPolicy(**bad)
    with pytest.raises(ConfigError) as from_map:
        CORSPolicy.from_mapping(bad)
    assert from_map.value.problems == from_ctor.value.problems
    assert str(from_map.value) == str(from_ctor.value)


def test_from_mapping_refuses_paths() -> None:
    with pytest.raises(ConfigError, match="defines per-path rules"):
        CORSPolicy.from_mapping({"allow_origins": [ORIGIN], "paths": {"/x": False}})


def test_a_paths_table_is_refused_with_every_misspelt_name_beside_it() -> None:
    from cors_core.loading import policy_from_mapping

    for build in (CORSPolicy.from_mapping, policy_from_mapping):
        with pytest.raises(ConfigError) as caught:
            build({"allow_origns": [ORIGIN], "max_ag": 5, "paths": {}})
        assert [(p.option, p.problem, p.fix) for p in caught.value.problems] == [
            (
                "paths",
                "defines per-path rules, which a single CORSPolicy cannot hold",
                "use cors_core.loading.load_config or rules_from_mapping (they give PathRules)",
            ),
            ("allow_origns", "is not a CORS option", "did you mean 'allow_origins'?"),
            ("max_ag", "is not a CORS option", "did you mean 'max_age'?"),
        ]


PATHS = f"""
[tool.cors]
allow_origins = ["{ORIGIN}"]
allow_methods = ["GET", "PUT"]

[tool.cors.paths]
"/internal/*" = false
"/health" = false

[tool.cors.paths."/public/*"]
allow_origins = ["*"]

[tool.cors.paths."/public/private/*"]
allow_credentials = true
"""


def test_paths_inherit_and_disable(write_toml: Callable[..., str]) -> None:
    rules = load_config(write_toml(PATHS, "pyproject.toml"))
    assert isinstance(rules, PathRules)
    assert rules.for_path("/internal/jobs") is None
    assert rules.for_path("/health") is None
    assert rules.decide("GET", ORIGIN, path="/internal/x").action.name == "PASS"
    assert rules.decide("GET", ORIGIN, path="/internal/x").reason.code == "no_cors_for_path"
    # /public/* overrides allow_origins, inherits allow_methods.
    assert acao(rules, "https://anyone.example", "/public/feed") == "*"
    public_put = rules.decide("OPTIONS", "https://anyone.example", "PUT", path="/public/feed")
    assert public_put.status == 204
    assert "PUT" in dict(public_put.headers)["Access-Control-Allow-Methods"]
    # the most specific path wins, starting from the top-level options again
    assert acao(rules, "https://anyone.example", "/public/private/x") is None
    assert acao(rules, ORIGIN, "/public/private/x") == ORIGIN
    # other paths use the top-level options
    assert acao(rules, ORIGIN, "/api/items") == ORIGIN
    assert acao(rules, "https://anyone.example", "/api/items") is None


def test_paths_only_means_no_cors_elsewhere() -> None:
    rules = rules_from_mapping({"paths": {"/api/*": {"allow_origins": [ORIGIN]}}})
    assert isinstance(rules, PathRules)
    assert rules.for_path("/other") is None
    assert acao(rules, ORIGIN, "/api/x") == ORIGIN
    assert list(load_policies({"paths": {"/api/*": {"allow_origins": [ORIGIN]}}})) == ["/api/*"]


def test_problems_in_path_tables_name_the_path() -> None:
    mapping = {
        "allow_origins": [ORIGIN],
        "paths": {
            "/api/*": {"allow_orign": ["x"]},
            "/files/*": {"allow_origins": ["https://files.example/"]},
            "/bad/*": "yes",
        },
    }
    with pytest.raises(ConfigError) as info:
        rules_from_mapping(mapping)
    problems = info.value.problems
    assert [(p.option, p.entry) for p in problems] == [
        ('paths."/api/*".allow_orign', ""),
        ('paths."/files/*".allow_origins', "'https://files.example/'"),
        ("paths", "'/bad/*'"),
    ]
    assert problems[0].fix == "did you mean 'allow_origins'?"
    assert problems[1].problem == "has a trailing slash"


def test_bad_path_pattern_is_refused() -> None:
    with pytest.raises(ConfigError, match="has '\\*' somewhere else"):
        rules_from_mapping({"allow_origins": [ORIGIN], "paths": {"/a/*/b": False}})
    with pytest.raises(ConfigError, match="is not a table"):
        rules_from_mapping({"allow_origins": [ORIGIN], "paths": ["/a"]})


# -- every mistake in a configuration reported, each exactly once ----------------------

#: name -> (where it goes, the key, the value, how its problem is recognised)
MISTAKES: dict[str, tuple[str | None, str, Any, Callable[[Any], bool]]] = {
    "top-misspelt": (
        None,
        "allow_origns",
        ["https://a.example"],
        lambda p: p.option == "allow_origns",
    ),
    "top-slash": (
        None,
        "allow_origins",
        ["https://t2.example/"],
        lambda p: "t2.example/" in p.entry,
    ),
    "top-max-age": (None, "max_age", -7, lambda p: p.entry == "-7"),
    "path-misspelt": (
        "/p1/*",
        "alow_methods",
        ["GET"],
        lambda p: p.option.endswith("alow_methods"),
    ),
    "path-slash": (
        "/p2/*",
        "allow_origins",
        ["https://p2.example/"],
        lambda p: "p2.example/" in p.entry,
    ),
    "path-max-age": ("/p3/*", "max_age", -9, lambda p: p.entry == "-9"),
}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.sets(st.sampled_from(sorted(MISTAKES)), min_size=1))
def test_every_mistake_is_reported_exactly_once(chosen: set[str]) -> None:
    """However the mistakes combine (a misspelt key beside other problems, top-level values
    inherited by every path), each is reported once and nothing else is."""
    mapping: dict[str, Any] = {"paths": {"/ok/*": {"allow_origins": ["https://ok.example"]}}}
    for name in chosen:
        where, key, value, _ = MISTAKES[name]
        table = mapping if where is None else mapping["paths"].setdefault(where, {})
        table[key] = value
    with pytest.raises(ConfigError) as info:
        rules_from_mapping(mapping)
    problems = info.value.problems
    for name in chosen:
        matched = [p for p in problems if MISTAKES[name][3](p)]
        assert len(matched) == 1, (name, [str(p) for p in problems])
    assert len(problems) == len(chosen), [str(p) for p in problems]


def test_a_misspelt_key_in_a_file_hides_no_other_problem(
    write_toml: Callable[..., str],
) -> None:
    path = write_toml(
        "[cors]\n"
        'allow_origns = ["https://a.example"]\n'
        'allow_origins = ["https://b.example/"]\n\n'
        '[cors.paths."/internal/*"]\n'
        'allow_origins = ["https://c.example/"]\n',
        "cors.toml",
    )
    with pytest.raises(ConfigError) as info:
        load_config(Path(path))
    assert [(p.option, p.entry) for p in info.value.problems] == [
        ("allow_origns", ""),
        ("allow_origins", '"https://b.example/"'),
        ('paths."/internal/*".allow_origins', '"https://c.example/"'),
    ]
