"""What :mod:`cors_core._wording` hands its callers, pinned exactly.

The values a message suggests are read back with the target's own parser (:mod:`tomllib`,
:mod:`json`): whatever Python literal a message holds, its TOML or JSON rendering means
the same value. :func:`parse` cuts a message into prose, option mentions and literals;
the prose around them is never touched, and the pieces join back into the message.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cors_core import Problem
from cors_core import _wording as wording
from cors_core._config import OPTION_NAMES
from cors_core._wording import (
    JSON,
    PYTHON,
    TOML,
    JsonSyntax,
    Mention,
    Syntax,
    TomlSyntax,
    Value,
    parse,
    render,
    reword,
)


@pytest.fixture(autouse=True)
def _cold_pattern_cache() -> Iterator[None]:
    """Each test compiles its option-name patterns anew (the cache outlives a test)."""
    wording._PATTERNS.clear()
    yield
    wording._PATTERNS.clear()


# -- values: read back by the target's parser --------------------------------------------

ANY_CHAR = st.characters(exclude_categories=())  # surrogates and control characters too
TRICKY = st.sampled_from(["'", '"', "\\", "\b", "\t", "\n", "\f", "\r", "\x01", "\x7f", "X"])
TEXT = st.lists(st.one_of(ANY_CHAR, TRICKY), max_size=12).map("".join)
INT = st.integers(min_value=-(2**63), max_value=2**63 - 1)
FLOAT = st.floats(allow_nan=False)


def _values(text: st.SearchStrategy[str], floats: st.SearchStrategy[float]) -> Any:
    scalars = st.one_of(st.booleans(), INT, floats, text)
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.tuples(inner, inner),
            st.dictionaries(text, inner, max_size=3),
        ),
        max_leaves=8,
    )


def _no_surrogates(text: str) -> str:
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def _as_toml(value: Any) -> Any:
    """What a TOML reader gives back for ``value``: lists for sequences, text keys."""
    if isinstance(value, str):
        return _no_surrogates(value)
    if isinstance(value, list | tuple):
        return [_as_toml(v) for v in value]
    if isinstance(value, dict):
        return {_no_surrogates(str(k)): _as_toml(v) for k, v in value.items()}
    return value


def _read_toml(text: str) -> Any:
    return tomllib.loads(f"k = {text}\n")["k"]


@given(_values(TEXT, FLOAT))
@example("\b\t\n\f\r")
@example("\ud800\udfff\ue000\ud7ff")
@example("a\\'b")
@example('X"\\')
@example(float("-inf"))
@example({})
@example({"a b": [1, -2.5], "": {}})
def test_a_toml_value_reads_back_as_the_same_value(value: Any) -> None:
    rendered = wording._toml_value(value)
    rendered.encode("utf-8")  # it can be written to a file
    assert _read_toml(rendered) == _as_toml(value)


@given(st.lists(_values(TEXT, st.floats(allow_nan=False, allow_infinity=False)), max_size=4))
@example(["^https://.*\\.example\\.com$", "it's\\d"])
@example([[1], [2, [3]], {"k": (4, 5)}])
@settings(max_examples=150)
def test_a_list_in_a_fix_renders_in_toml_as_the_same_list(value: list[Any]) -> None:
    out = render(f"set allow_origins={value!r} now", TOML)
    assert out.startswith("set allow_origins = ") and out.endswith(" now")
    assert _read_toml(out[len("set allow_origins = ") : -len(" now")]) == _as_toml(value)


JSON_TEXT = st.text(max_size=12)  # no lone surrogates: a JSON file is UTF-8


@given(st.lists(_values(JSON_TEXT, st.floats(allow_nan=False, allow_infinity=False)), max_size=4))
@example(["é", 'a"b\\', "\n\x00"])
@example([{"a": [1, {"b": (True, None is None)}]}, []])
@settings(max_examples=150)
def test_a_list_in_a_fix_renders_in_json_as_the_same_list(value: list[Any]) -> None:
    out = render(f"set allow_origins={value!r} or False", JSON)
    head = 'set "allow_origins": '
    assert out.startswith(head) and out.endswith(" or false")
    assert json.loads(out[len(head) : -len(" or false")]) == json.loads(json.dumps(value))


def test_toml_strings_escape_only_what_toml_requires() -> None:
    assert wording._toml_value("a b") == '"a b"'
    assert wording._toml_value("\x1f\x20\x7e\x7f\x80") == '"\\u001f ~\\u007f\x80"'
    assert wording._toml_value("tab\there") == '"tab\\there"'
    assert wording._toml_value("say \"hi\" \\o/ 'x'") == '"say \\"hi\\" \\\\o/ \'x\'"'
    assert wording._toml_value("\ud800|\udfff|\ud7ff|\ue000") == '"\ufffd|\ufffd|\ud7ff|\ue000"'


def test_a_regex_is_a_toml_literal_string_so_it_stays_readable() -> None:
    assert wording._toml_value(r"^https://.*\.example\.com$") == r"'^https://.*\.example\.com$'"
    # with a quote, or a character a literal string cannot hold, it is a basic string
    assert wording._toml_value("it's\\d") == '"it\'s\\\\d"'
    assert wording._toml_value("\\d\t") == '"\\\\d\\t"'


def test_toml_tables_numbers_and_unknown_values() -> None:
    assert wording._toml_value({}) == "{}"
    assert wording._toml_value({"a": 1, "b c": [True, 2.5]}) == '{ a = 1, "b c" = [true, 2.5] }'
    assert wording._toml_value((1, "x")) == '[1, "x"]'
    assert wording._toml_value(float("inf")) == "inf"
    assert wording._toml_value(float("-inf")) == "-inf"
    assert wording._toml_value(-0.5) == "-0.5"
    assert wording._toml_value(...) == "..."
    assert wording._toml_value(b"x") == "b'x'"  # no TOML for it: shown as written
    assert wording._toml_value(1j) == "1j"


def test_json_values_keep_non_ascii_and_show_the_unknown_as_written() -> None:
    assert wording._json_value("é ✓") == '"é ✓"'
    assert wording._json_value({}) == "{}"
    assert wording._json_value({"a": (1, "x"), "b": {}}) == '{"a": [1, "x"], "b": {}}'
    assert wording._json_value(...) == "..."
    assert wording._json_value(b"x") == "b'x'"
    assert wording._json_value(1j) == "1j"
    assert render("write 'é'", JSON) == 'write "é"'
    assert render("did you mean 'allow_origins'?", JSON) == 'did you mean "allow_origins"?'


# -- settings, names alone, and the prose around them ------------------------------------


def test_alternatives_render_in_each_syntax() -> None:
    text = "write allow_credentials=True or False, not allow_origins=['*'] or '*'"
    assert render(text, TOML) == (
        'write allow_credentials = true or false, not allow_origins = ["*"] or "*"'
    )
    assert render(text, JSON) == (
        'write "allow_credentials": true or false, not "allow_origins": ["*"] or "*"'
    )
    assert render('write allow_methods=[...] or "*"', TOML) == 'write allow_methods = [...] or "*"'
    assert render("write allow_methods=[...]", JSON) == 'write "allow_methods": [...]'


def test_an_alternative_that_is_not_a_value_ends_the_setting() -> None:
    text = "set allow_credentials=False or remove allow_origins"
    assert parse(text) == [
        "set ",
        Mention("allow_credentials", (Value("False", False),)),
        " or remove ",
        Mention("allow_origins"),
    ]
    assert render(text, TOML) == "set allow_credentials = false or remove allow_origins"


def test_an_option_named_alone_is_renamed() -> None:
    assert render("did you mean allow_origins?", JSON) == 'did you mean "allow_origins"?'
    assert render("set max_age=600 or 0", JSON) == 'set "max_age": 600 or 0'
    assert render("set max_age=-1.50.", TOML) == "set max_age = -1.5."


def test_an_option_set_to_prose_is_left_as_written() -> None:
    assert parse("write allow_origins=") == ["write allow_origins="]
    assert render("set allow_origins=whatever you need", JSON) == (
        "set allow_origins=whatever you need"
    )


def test_one_word_names_count_only_when_set() -> None:
    names = ("origins", "allow_origins")
    assert parse("the origins you list", names) == ["the origins you list"]
    assert parse("write origins='a'", names) == ["write ", Mention("origins", (Value("'a'", "a"),))]
    assert parse("allow_origins and origins", names) == [Mention("allow_origins"), " and origins"]


def test_the_longest_name_wins() -> None:
    names = ("max", "max-age")
    assert parse("set max-age=5", names) == ["set ", Mention("max-age", (Value("5", 5),))]
    assert parse("set max=5", names) == ["set ", Mention("max", (Value("5", 5),))]


def test_a_syntax_parses_its_own_names() -> None:
    class Shout(Syntax):
        names = ("origins",)

        def name(self, option: str) -> str:
            return option.upper()

        def setting(self, option: str, values: Any) -> str:
            return f"{self.name(option)} := " + " | ".join(self.value(v) for v in values)

    assert render("set origins='a' or 'b'", Shout()) == "set ORIGINS := 'a' | 'b'"

    class Table(TomlSyntax):
        names = (*OPTION_NAMES, "origins")

    problem = Problem("origins", "", "is wrong", "set origins=['a']")
    fixed = reword(problem, Table(("cors",)), ["paths", "/x"])
    assert fixed.fix == 'in [cors.paths."/x"]: set origins = ["a"]'


# -- literals in prose -------------------------------------------------------------------


def test_literals_in_prose() -> None:
    assert parse("'*' is refused") == [Value("'*'", "*"), " is refused"]
    assert render("'*' is refused", TOML) == '"*" is refused'
    assert render("set it to True, not False", TOML) == "set it to true, not false"
    assert render("write '' here", TOML) == 'write "" here'
    assert render("Trueish, Falsehood", TOML) == "Trueish, Falsehood"
    assert render("wait 1.50 seconds or (1, 2)", TOML) == "wait 1.50 seconds or (1, 2)"


def test_quotes_inside_words_are_prose() -> None:
    assert render("don't write 'a'", TOML) == 'don\'t write "a"'
    assert render("the user's origin 'x'", TOML) == 'the user\'s origin "x"'
    assert parse("a_'b' c") == ["a_'b' c"]
    assert parse("say '") == ["say '"]


def test_raw_strings() -> None:
    assert render("for r'x' and R'\\d'.", TOML) == "for \"x\" and '\\d'."
    assert parse("r'\\d+' is a regex") == [Value("r'\\d+'", "\\d+"), " is a regex"]
    assert parse("it is r'\\d+'") == ["it is ", Value("r'\\d+'", "\\d+")]
    assert parse("our r'x'") == ["our ", Value("r'x'", "x")]
    assert parse("b'x' is bytes") == ["b'x' is bytes"]


def test_escapes_and_unterminated_strings() -> None:
    assert parse("write '\\'' now") == ["write ", Value("'\\''", "'"), " now"]
    assert parse("write 'it\\'s' now") == ["write ", Value("'it\\'s'", "it's"), " now"]
    assert parse("write 'unterminated") == ["write 'unterminated"]
    assert parse("write 'two\nlines'") == ["write 'two\nlines'"]


@pytest.mark.parametrize(
    "text",
    [
        "set allow_origins=[1, 2",
        "set allow_origins=['abc",
        "set allow_origins=['a\nb'] now",
    ],
)
def test_an_unfinished_value_is_prose(text: str) -> None:
    assert parse(text) == [text]


def test_brackets_and_quotes_inside_strings_do_not_end_a_list() -> None:
    text = "set allow_origins=[u'a]', 'b''c)', r'd]', \"e}\"'f'] now"
    assert parse(text) == [
        "set ",
        Mention("allow_origins", (Value(text[18:-4], ["a]", "bc)", "d]", "e}f"]),)),
        " now",
    ]


def test_nested_and_hex_values() -> None:
    text = "set allow_origins=[0X1F, [10, [20]], {'k': (3,)}]"
    assert render(text, TOML) == "set allow_origins = [31, [10, [20]], { k = [3] }]"


# -- where a setting lives ---------------------------------------------------------------


def test_tables_as_each_syntax_writes_them() -> None:
    assert PYTHON.table([]) == "{...}"
    assert PYTHON.table(["paths"]) == "paths={...}"
    assert PYTHON.table(["paths", "/api/*", "x"]) == "paths={'/api/*': {'x': {...}}}"
    assert JsonSyntax(("cors",)).table(["paths", "/a"]) == '"cors": {"paths": {"/a": {...}}}'
    assert JSON.table([]) == "..."
    assert TomlSyntax(("tool", "cors")).table(["paths", "/a b"]) == '[tool.cors.paths."/a b"]'


def test_a_fix_at_the_top_level_is_not_put_in_a_table() -> None:
    problem = Problem("allow_origins", "'*'", "is refused", "set allow_credentials=False")
    assert str(reword(problem, TomlSyntax(("cors",)))) == (
        'allow_origins: "*" is refused; fix: set allow_credentials = false'
    )
    assert str(reword(problem, TomlSyntax(("cors",)), ["paths", "/a"])).endswith(
        'fix: in [cors.paths."/a"]: set allow_credentials = false'
    )


def test_an_entry_is_rendered_only_when_it_is_one_literal() -> None:
    def entry(text: str) -> str:
        return reword(Problem("allow_origins", text, "x", "y"), TOML).entry

    assert entry("'a'") == '"a"'
    assert entry("['a', 1]") == '["a", 1]'
    assert entry("'a', 'b'") == "'a', 'b'"
    assert entry("GE T") == "GE T"
    assert entry("") == ""


@given(st.text(alphabet="ab_ '\"r[](),=\\.1TrueFalsonw\n", max_size=30))
@settings(max_examples=300)
def test_parse_keeps_every_character(text: str) -> None:
    def source(segment: object) -> str:
        if isinstance(segment, str):
            return segment
        if isinstance(segment, Value):
            return segment.source
        assert isinstance(segment, Mention)
        return segment.option + "".join(
            ("=" if i == 0 else " or ") + v.source for i, v in enumerate(segment.values)
        )

    segments = parse(text, ("ab", "a_b"))
    assert "".join(source(s) for s in segments) == text
    assert "" not in segments
    assert not any(isinstance(a, str) and isinstance(b, str) for a, b in pairwise(segments))


def test_a_quoted_key_is_valid_toml_and_shows_only_printable_ascii() -> None:
    key = '/~é\x80\uffff\U00010000\u202e😀\ud800\x7f\t"\\'
    path = wording.key_path(["paths", key, "allow_origins"])
    assert path == (
        'paths."/~\\u00e9\\u0080\\uffff\\U00010000\\u202e\\U0001f600\\ufffd\\u007f\\t\\"\\\\"'
        ".allow_origins"
    )
    read = tomllib.loads(f"{path} = 1")["paths"]
    assert read == {key.replace("\ud800", "\ufffd"): {"allow_origins": 1}}
    assert TomlSyntax(("cors",)).table(["paths", "/😀"]) == '[cors.paths."/\\U0001f600"]'
    assert wording._toml_value({"😀": 1}) == '{ "\\U0001f600" = 1 }'


def test_each_set_of_names_has_its_own_pattern() -> None:
    assert parse("allow_origins") == [Mention("allow_origins")]
    assert parse("allow_origins or origins='a'", ("origins",)) == [
        "allow_origins or ",
        Mention("origins", (Value("'a'", "a"),)),
    ]
    assert parse("allow_origins") == [Mention("allow_origins")]


def test_the_keyword_syntax_sets_an_option_with_its_alternatives() -> None:
    values = [Value("False", False), Value("'x'", "x")]
    assert PYTHON.setting("allow_credentials", values) == "allow_credentials=False or 'x'"

    class Upper(Syntax):
        def name(self, option: str) -> str:
            return option.upper()

    assert render("set max_age=5 or 6, not allow_origins", Upper()) == (
        "set MAX_AGE=5 or 6, not ALLOW_ORIGINS"
    )


@pytest.mark.parametrize("action", ["always", "error"])
def test_a_regex_in_a_fix_is_read_as_a_literal_without_a_warning(action: str) -> None:
    """A quoted regex in a fix has escapes Python does not know (``\\.``): it is read as
    the literal it is, backslashes kept, and Python's compiler warning about the escapes
    never reaches the user (nor fails the reading under ``-W error``)."""
    import warnings

    text = "write allow_origin_regex='https://[a-z]+\\.example\\.com'"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter(action)
        segments = parse(text)
    assert caught == []
    assert segments == [
        "write ",
        Mention(
            "allow_origin_regex",
            (Value("'https://[a-z]+\\.example\\.com'", "https://[a-z]+\\.example\\.com"),),
        ),
    ]
