"""Every configuration problem speaks the syntax of the place the setting was written in.

One mistake at a time (trailing-slash origin, ``*`` with credentials, negative
``max_age``, misspelt key, a string for a list, a bad method, a non-bool, ``null``),
written in each place a user writes settings: ``CORSPolicy`` keywords, a TOML file (three
shapes, top level or a path table), a JSON file, Django settings, flask-cors keywords and
flask-cors ``app.config`` keys. The reported option is that place's name, and the fix is
read back with that place's own parser (:mod:`tomllib`, :mod:`json`, :mod:`ast`): a
suggested line is written into the configuration, which is loaded again, and the
problem is gone.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.django import load_config as django_config
from adapters.flask import CORS
from cors_core import ConfigError, CORSPolicy, Problem
from cors_core.loading import load_config, rules_from_mapping

APP = "https://app.example.com"
Options = dict[str, Any]


# -- the mistakes, in the engine's options ---------------------------------------------


@dataclass(frozen=True)
class Mistake:
    options: Options
    option: str  # the engine option at fault
    how: str  # how the fix is applied: assign, entry, rename, number
    bad: Any = None  # the bad entry, for "entry"


MISTAKES = {
    "trailing slash": Mistake({"allow_origins": [f"{APP}/"]}, "allow_origins", "entry", f"{APP}/"),
    "star with credentials": Mistake(
        {"allow_origins": ["*"], "allow_credentials": True}, "allow_origins", "assign"
    ),
    "negative max_age": Mistake({"allow_origins": [APP], "max_age": -5}, "max_age", "number"),
    "misspelt key": Mistake({"allow_origns": [APP]}, "allow_origns", "rename"),
    "string for a list": Mistake({"allow_origins": APP}, "allow_origins", "assign"),
    "bad method": Mistake(
        {"allow_origins": [APP], "allow_methods": ["GE T"]}, "allow_methods", "entry", "GE T"
    ),
    "credentials not a bool": Mistake(
        {"allow_origins": [APP], "allow_credentials": "yes"}, "allow_credentials", "assign"
    ),
    "null origin": Mistake({"allow_origins": ["null"]}, "allow_origins", "assign"),
}


# -- reading a fix back with each syntax's own parser ----------------------------------


def _longest(rest: str, parse: Callable[[str], Any]) -> Any:
    for end in range(len(rest), 0, -1):
        try:
            return parse(rest[:end])
        except (ValueError, SyntaxError, tomllib.TOMLDecodeError):
            continue
    raise AssertionError(f"no value parses at {rest!r}")


def _toml(text: str) -> Any:
    return tomllib.loads(f"k = {text}")["k"]


def _python(text: str) -> Any:
    return ast.literal_eval(text.strip())


def _json(text: str) -> Any:
    return json.loads(text)


@dataclass(frozen=True)
class Reader:
    """How one syntax writes ``name = value`` and a value alone."""

    assignment: str  # a regex whose group 1 is the name, ending before the value
    string: str  # a regex matching one string value
    parse: Callable[[str], Any]
    name_in_prose: Callable[[str], str]  # the name in "did you mean X?"

    def assignments(self, fix: str) -> list[tuple[str, Any]]:
        found = []
        for m in re.finditer(self.assignment, fix):
            found.append((m.group(1), _longest(fix[m.end() :], self.parse)))
        return found

    def strings(self, fix: str) -> list[Any]:
        return [self.parse(m.group()) for m in re.finditer(self.string, fix)]


TOML_READER = Reader(r"(?:^|(?<=[\s:]))([A-Za-z_][\w-]*) = ", r'"(?:[^"\\]|\\.)*"', _toml, str)
JSON_READER = Reader(r'"(\w+)": ', r'"(?:[^"\\]|\\.)*"', _json, json.loads)
KEYWORD_READER = Reader(r"(?<![\w.'\"])([a-z_]+)=", r"'(?:[^'\\]|\\.)*'", _python, _python)
SETTINGS_READER = Reader(r"\b(CORS_[A-Z_]+) = ", r"'(?:[^'\\]|\\.)*'", _python, _python)

#: What a fix written for a file must not contain: Python's booleans, keyword
#: arguments, single-quoted strings.
PYTHON_ISMS = re.compile(r"\b(True|False|None)\b|\w=[^=]|(?<!\w)'[^']*'")


# -- the places ------------------------------------------------------------------------


class Place:
    """Where settings are written: names, a loader, and the reader of its fixes."""

    reader: Reader = KEYWORD_READER
    kinds: frozenset[str] = frozenset(MISTAKES)

    def name(self, option: str, options: Options) -> str:
        return option

    def engine(self, name: str) -> tuple[str, Callable[[Any], Any]]:
        """The engine option a name sets, and the value it means."""
        return name, lambda value: value

    def load(self, options: Options) -> None:
        CORSPolicy(**options)

    def check_syntax(self, fix: str) -> None:
        pass


class Keywords(Place):
    def __repr__(self) -> str:
        return "CORSPolicy(...)"


class FileSyntax(Place):
    """A TOML or JSON file, the options at the top or in a ``paths`` table."""

    def __init__(self, kind: str, prefix: tuple[str, ...], in_path: bool, tmp: Path) -> None:
        self.kind, self.prefix, self.in_path, self.tmp = kind, prefix, in_path, tmp
        self.reader = TOML_READER if kind == "toml" else JSON_READER

    def __repr__(self) -> str:
        return f"{self.kind} file {self.prefix} {'path table' if self.in_path else 'top'}"

    def name(self, option: str, options: Options) -> str:
        return f'paths."/api/*".{option}' if self.in_path else option

    def text(self, options: Options) -> str:
        if self.kind == "json":
            body: Any = {"paths": {"/api/*": options}} if self.in_path else options
            for key in reversed(self.prefix):
                body = {key: body}
            return json.dumps(body)
        header = [f"[{'.'.join(self.prefix)}]"] if self.prefix else []
        lines = [f"{k} = {json.dumps(v)}" for k, v in options.items()]
        if self.in_path:
            table = ".".join([*self.prefix, 'paths."/api/*"'])
            return "\n".join([f"[{table}]", *lines]) + "\n"
        return "\n".join([*header, *lines]) + "\n"

    def load(self, options: Options) -> None:
        name = "pyproject.toml" if self.prefix == ("tool", "cors") else f"cors.{self.kind}"
        path = self.tmp / name
        path.write_text(self.text(options), encoding="utf-8")
        load_config(path)

    def check_syntax(self, fix: str) -> None:
        assert not PYTHON_ISMS.search(fix), fix
        if self.kind == "toml" and self.in_path and self.reader.assignments(fix):
            table = ".".join([*self.prefix, 'paths."/api/*"'])
            assert fix.startswith(f"in [{table}]: "), fix
            assert f"[{table}]" in self.text({"max_age": 1})


#: Django's settings for the engine options the mistakes use.
DJANGO = {
    "allow_origins": "CORS_ALLOWED_ORIGINS",
    "allow_credentials": "CORS_ALLOW_CREDENTIALS",
    "max_age": "CORS_PREFLIGHT_MAX_AGE",
    "allow_methods": "CORS_ALLOW_METHODS",
    "allow_origns": "CORS_ALLOWED_ORIGNS",
}


class Django(Place):
    reader = SETTINGS_READER

    def __repr__(self) -> str:
        return "Django settings"

    def settings(self, options: Options) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for option, value in options.items():
            if option == "allow_origins" and value == ["*"]:
                out["CORS_ALLOW_ALL_ORIGINS"] = True
            elif option in DJANGO:
                out[DJANGO[option]] = value
            else:
                out.setdefault("CORS_OPTIONS", {})[option] = value
        return out

    def name(self, option: str, options: Options) -> str:
        return next(iter(self.settings({option: options[option]})))

    def engine(self, name: str) -> tuple[str, Callable[[Any], Any]]:
        if name == "CORS_ALLOW_ALL_ORIGINS":
            return "allow_origins", lambda value: ["*"] if value else []
        if name == "CORS_OPTIONS":
            return "CORS_OPTIONS", lambda value: value
        return next(o for o, s in DJANGO.items() if s == name), lambda value: value

    def load(self, options: Options) -> None:
        django_config(SimpleNamespace(**self.settings(options)))


#: flask-cors's names for the engine options the mistakes use.
FLASK_CORS = {
    "allow_origins": "origins",
    "allow_credentials": "supports_credentials",
    "allow_methods": "methods",
    "max_age": "max_age",
    "allow_origns": "orgins",
    "allow_null_origin": "allow_null_origin",
}


class FlaskCors(Place):
    # flask-cors takes a string of origins: not a mistake there.
    kinds = frozenset(MISTAKES) - {"string for a list"}

    def __init__(self, config: bool) -> None:
        self.config = config
        self.reader = SETTINGS_READER if config else KEYWORD_READER

    def __repr__(self) -> str:
        return "flask-cors app.config" if self.config else "flask-cors keywords"

    def _key(self, option: str) -> str:
        keyword = FLASK_CORS[option]
        return f"CORS_{keyword.upper()}" if self.config else keyword

    def name(self, option: str, options: Options) -> str:
        return self._key(option)

    def engine(self, name: str) -> tuple[str, Callable[[Any], Any]]:
        return next(o for o in FLASK_CORS if self._key(o) == name), lambda value: value

    def load(self, options: Options) -> None:
        app = Flask("fix-syntax")
        keys = {self._key(option): value for option, value in options.items()}
        if self.config:
            app.config.update(keys)
            CORS(app)
        else:
            CORS(app, **keys)


# -- applying a fix --------------------------------------------------------------------


def _fixed(place: Place, mistake: Mistake, problem: Problem) -> list[Options]:
    """The configurations the fix suggests (at least one must load)."""
    reader, options = place.reader, mistake.options
    if mistake.how == "assign":
        out = []
        for name, value in reader.assignments(problem.fix):
            option, meaning = place.engine(name)
            if option == "CORS_OPTIONS":
                out.append({**options, **value})
            else:
                out.append({**options, option: meaning(value)})
        return out
    if mistake.how == "entry":
        (first, *_) = reader.strings(problem.fix)
        entries = [first if e == mistake.bad else e for e in options[mistake.option]]
        return [{**options, mistake.option: entries}]
    if mistake.how == "rename":
        said = re.fullmatch(r"did you mean (.+)\?", problem.fix)
        assert said is not None, problem.fix
        option, _ = place.engine(reader.name_in_prose(said.group(1)))
        value = options[mistake.option]
        return [{option: value, **{k: v for k, v in options.items() if k != mistake.option}}]
    number = re.search(r"-?\d+", problem.fix)
    assert number is not None, problem.fix
    return [{**options, mistake.option: int(number.group())}]


def _refused(place: Place, options: Options) -> list[Problem]:
    with pytest.raises(ConfigError) as info:
        place.load(options)
    return list(info.value.problems)


PLACES = st.sampled_from(["keywords", "toml", "json", "django", "flask", "flask config"])
SHAPES = st.sampled_from([(), ("cors",), ("tool", "cors")])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(sorted(MISTAKES)),
    where=PLACES,
    shape=SHAPES,
    in_path=st.booleans(),
)
def test_each_fix_is_written_as_the_place_writes_it_and_applying_it_works(
    tmp_path: Path, kind: str, where: str, shape: tuple[str, ...], in_path: bool
) -> None:
    place: Place = {
        "keywords": lambda: Keywords(),
        "toml": lambda: FileSyntax("toml", shape, in_path, tmp_path),
        "json": lambda: FileSyntax("json", ("cors",) if shape else (), in_path, tmp_path),
        "django": lambda: Django(),
        "flask": lambda: FlaskCors(config=False),
        "flask config": lambda: FlaskCors(config=True),
    }[where]()
    if kind not in place.kinds:
        return
    mistake = MISTAKES[kind]
    (problem,) = _refused(place, mistake.options)
    assert problem.option == place.name(mistake.option, mistake.options), (place, problem)
    place.check_syntax(problem.fix)
    candidates = _fixed(place, mistake, problem)
    loaded = []
    for options in candidates:
        try:
            place.load(options)
        except ConfigError as exc:
            assert all(p.option != problem.option for p in exc.problems) or not loaded
            continue
        loaded.append(options)
    assert loaded, (place, str(problem), candidates)


# -- pinned examples, one per place ----------------------------------------------------


STAR = {"allow_origins": ["*"], "allow_credentials": True}


def test_a_toml_path_table_gets_its_table_and_toml_values(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[tool.cors]\nallow_origins = ["https://app.example.com"]\nallow_credentials = true\n'
        '\n[tool.cors.paths."/public/*"]\nallow_origins = ["*"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value.problems[0]) == (
        'paths."/public/*".allow_origins: "*" allows every origin together with '
        "allow_credentials = true, so any website can read your users' authenticated "
        'responses; fix: in [tool.cors.paths."/public/*"]: list the trusted origins '
        'explicitly: allow_origins = ["https://app.example.com"] (patterns such as '
        '"https://*.example.com" are accepted); or, if pages send no cookies (a token API '
        "needs none), set allow_credentials = false"
    )


def test_a_json_file_gets_json(tmp_path: Path) -> None:
    path = tmp_path / "cors.json"
    path.write_text(json.dumps({"cors": {**STAR, "max_age": -1}}), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert [str(p) for p in info.value.problems] == [
        'allow_origins: "*" allows every origin together with "allow_credentials": true, '
        "so any website can read your users' authenticated responses; fix: list the trusted "
        'origins explicitly: "allow_origins": ["https://app.example.com"] (patterns such as '
        '"https://*.example.com" are accepted); or, if pages send no cookies (a token API '
        'needs none), set "allow_credentials": false',
        "max_age: -1 is negative; fix: use 0 (no caching) or more",
    ]


def test_a_mapping_keeps_keyword_syntax_unless_told() -> None:
    with pytest.raises(ConfigError) as info:
        rules_from_mapping({"allow_credentials": "yes"})
    assert info.value.problems[0].fix == "write allow_credentials=True or False"


@pytest.mark.parametrize(
    ("config", "keywords", "option", "fix_part"),
    [
        (
            {},
            {"origins": "*", "supports_credentials": True},
            "origins",
            "supports_credentials=False",
        ),
        ({}, {"supports_credentials": True}, "origins", "origins=['https://app.example.com']"),
        (
            {"CORS_ORIGINS": "*", "CORS_SUPPORTS_CREDENTIALS": True},
            {},
            "CORS_ORIGINS",
            "CORS_SUPPORTS_CREDENTIALS = False",
        ),
        (
            {"CORS_SUPPORTS_CREDENTIALS": True},
            {"origins": "*"},
            "origins",
            "set CORS_SUPPORTS_CREDENTIALS = False",
        ),
        ({"CORS_ORIGINS": ["null"]}, {}, "CORS_ORIGINS", "CORS_ALLOW_NULL_ORIGIN = True"),
        (
            {},
            {"allow_origins": ["*"], "supports_credentials": True},
            "allow_origins",
            "allow_origins=[",
        ),
    ],
)
def test_flask_cors_problems_name_what_was_written(
    config: Options, keywords: Options, option: str, fix_part: str
) -> None:
    app = Flask("named")
    app.config.update(config)
    with pytest.raises(ConfigError) as info:
        CORS(app, **keywords)
    (problem,) = info.value.problems
    assert problem.option == option
    assert fix_part in problem.fix, problem.fix


def test_config_error_is_shown_under_its_public_name() -> None:
    assert ConfigError.__module__ == "cors_core"
    assert ConfigError.__qualname__ == "ConfigError"
    try:
        CORSPolicy(allow_origins=["*"], allow_credentials=True)
    except ConfigError as exc:
        shown = traceback.format_exception(exc)
    assert shown[-1].startswith("cors_core.ConfigError: invalid CORS configuration (1 problem):")


def test_from_toml_writes_its_problems_in_toml(tmp_path: Path) -> None:
    path = tmp_path / "cors.toml"
    path.write_text('allow_origins = ["*"]\nallow_credentials = true\nmax_age = -1\n')
    with pytest.raises(ConfigError) as info:
        CORSPolicy.from_toml(path)
    first, second = info.value.problems
    assert first.fix.endswith("set allow_credentials = false")
    assert 'allow_origins = ["https://app.example.com"]' in first.fix
    assert "allow_credentials=" not in first.fix
    assert (second.option, second.entry) == ("max_age", "-1")


def test_a_files_warnings_are_in_its_syntax_and_given_once(tmp_path: Path) -> None:
    """A doubtful entry at the top of a file is inherited by every path table: it is still
    one warning, written in TOML; one only a path table holds names that table."""
    import warnings

    from cors_core import CORSConfigWarning
    from cors_core.loading import load_config

    path = tmp_path / "cors.toml"
    path.write_text(
        'allow_origins = ["http://a.example"]\nallow_credentials = true\n'
        '[paths."/api/*"]\nmax_age = 10\n'
        '[paths."/admin/*"]\nallow_origins = ["https://b.example", "http://c.example"]\n'
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_config(path)
    texts = [str(w.message) for w in caught if issubclass(w.category, CORSConfigWarning)]
    assert texts == [
        'allow_origins: "http://a.example" is plain http with credentials: a network '
        "attacker can impersonate it; fix: use https",
        'paths."/admin/*".allow_origins: "http://c.example" is plain http with credentials: '
        "a network attacker can impersonate it; fix: use https",
    ]
