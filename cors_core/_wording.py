"""Configuration problems, written once, rendered in the syntax the settings were written in.

Every :class:`~cors_core.Problem` is worded once, in :class:`~cors_core.CORSPolicy`'s
keyword syntax: ``allow_credentials=False``, ``write 'https://app.example.com'``. A
:class:`Syntax` renders option names and values for the place the user wrote the setting
(a TOML or JSON file, Django settings, flask-cors keywords or ``app.config`` keys), and
:func:`reword` applies it to a problem's option, entry, problem and fix. The messages keep
one source; no CORS rule is written twice.

The pieces of a message a syntax renders (found by :func:`parse`):

- an option named alone (``allow_origins``; a one-word name such as flask-cors's
  ``origins`` only when set) or set (``allow_origins=['https://a.com']``,
  ``allow_credentials=True or False``, ``allow_methods=[...] or "*"``);
- a value on its own: a quoted string (``'https://a.com'``), a list of them, ``True`` or
  ``False``. A string naming an option (``did you mean 'allow_origins'?``) is a name.

Example::

    >>> print(render("write allow_origins=['https://a.com'] or \\"*\\"", TOML))
    write allow_origins = ["https://a.com"] or "*"
    >>> print(render("set allow_credentials=False", JSON))
    set "allow_credentials": false
"""

from __future__ import annotations

import ast
import json
import math
import re
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from cors_core._config import OPTION_NAMES
from cors_core._errors import Problem

__all__ = [
    "JSON",
    "PYTHON",
    "TOML",
    "JsonSyntax",
    "Mention",
    "Syntax",
    "TomlSyntax",
    "Value",
    "key_path",
    "parse",
    "render",
    "reword",
]


@dataclass(frozen=True, slots=True)
class Value:
    """A Python literal written in a message: its text and its value."""

    source: str
    value: object


@dataclass(frozen=True, slots=True)
class Mention:
    """An option named in a message, with the values it is set to (none: named alone)."""

    option: str
    values: tuple[Value, ...] = ()


Segment = str | Value | Mention

_STRING_PREFIX = re.compile(r"[rRbB]?(['\"])")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_WORD_LITERALS = ("True", "False", "...")


def _string_end(text: str, start: int) -> int:
    """The end of the string literal at ``start`` (prefix included), or -1."""
    m = _STRING_PREFIX.match(text, start)
    if m is None:
        return -1
    quote, i = m.group(1), m.end()
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        if text[i] == "\n":
            return -1
        i += 1
    return -1


def _literal_end(text: str, start: int) -> int:
    """The end of the Python literal's text at ``start`` (not checked yet), or -1."""
    if text.startswith(_WORD_LITERALS, start):
        word = next(w for w in _WORD_LITERALS if text.startswith(w, start))
        return start + len(word)
    if start < len(text) and text[start] in "[({":
        depth, i = 0, start
        while i < len(text):
            char = text[i]
            if _STRING_PREFIX.match(text, i) and (char in "'\"" or text[i - 1] in " [({,:"):
                i = _string_end(text, i)
                if i < 0:
                    return -1
                continue
            if char in "[({":
                depth += 1
            elif char in "])}":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return -1
    number = _NUMBER.match(text, start)
    if number is not None:
        return number.end()
    return _string_end(text, start)


def _literal_at(text: str, start: int) -> Value | None:
    """The literal at ``start``, when its text evaluates as one."""
    end = _literal_end(text, start)
    if end < 0:
        return None
    source = text[start:end]
    try:
        # A regex in a fix (``'https://[a-z]+\.example\.com'``) has escapes Python does
        # not know: its compiler warns about them (a DeprecationWarning, a SyntaxWarning
        # from 3.12), which would reach the user's output, or fail under -W error. The
        # value is the same: the backslash is kept.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the compiler's are the only ones raised here
            value = ast.literal_eval(source)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return Value(source, value)


def _names_pattern(names: Collection[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w'\".])(?:{alternatives})(?![\w'\"])")


_PATTERNS: dict[frozenset[str], re.Pattern[str]] = {}


def parse(text: str, names: Collection[str] = OPTION_NAMES) -> list[Segment]:
    """``text`` cut into prose, option mentions and literals.

    >>> parse("write allow_credentials=True or False")
    ['write ', Mention(option='allow_credentials', values=(Value(source='True', \
value=True), Value(source='False', value=False)))]
    """
    key = frozenset(names)
    pattern = _PATTERNS.get(key)
    if pattern is None:
        pattern = _PATTERNS.setdefault(key, _names_pattern(key))
    out: list[Segment] = []
    prose: list[str] = []
    i = 0
    while i < len(text):
        m = pattern.match(text, i)
        if m is not None and "_" not in m.group() and not text.startswith("=", m.end()):
            m = None  # a one-word name (flask-cors's ``origins``) alone is an English word
        if m is not None:
            values: list[Value] = []
            end = m.end()
            if text.startswith("=", end):
                first = _literal_at(text, end + 1)
                if first is not None:
                    values.append(first)
                    end += 1 + len(first.source)
                    while text.startswith(" or ", end):
                        alternative = _literal_at(text, end + 4)
                        if alternative is None:
                            break
                        values.append(alternative)
                        end += 4 + len(alternative.source)
            if text.startswith("=", m.end()) and not values:
                prose.append(text[i])  # ``option=`` followed by prose: leave it
                i += 1
                continue
            out += ["".join(prose), Mention(m.group(), tuple(values))]
            prose = []
            i = end
            continue
        starts_value = text[i] in "'\"[" or text.startswith(("True", "False"), i)
        if starts_value and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_'\"")):
            literal = _literal_at(text, i)
            end = i + len(literal.source) if literal is not None else i
            if literal is not None and (end == len(text) or not text[end].isalnum()):
                out += ["".join(prose), literal]
                prose = []
                i = end
                continue
        if text[i] in "rR" and (i == 0 or not text[i - 1].isalnum()):
            literal = _literal_at(text, i)  # a raw string: r'...'
            if literal is not None and isinstance(literal.value, str):
                out += ["".join(prose), literal]
                prose = []
                i += len(literal.source)
                continue
        prose.append(text[i])
        i += 1
    out.append("".join(prose))
    return [segment for segment in out if segment != ""]


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key_path(keys: Iterable[str]) -> str:
    """A dotted key path, each key quoted unless it is bare (TOML's dotted keys; a JSON
    path in the same form): ``paths."/api/*".allow_origins``.

    >>> key_path(["paths", "/api/*", "allow_origins"])
    'paths."/api/*".allow_origins'
    """
    return ".".join(k if _BARE_KEY.fullmatch(k) else _toml_string(k, ascii_only=True) for k in keys)


class Syntax:
    """How one place writes option names and values. The base class is
    :class:`~cors_core.CORSPolicy`'s keyword syntax, in which messages are worded, so it
    renders every message as it is.

    Subclasses override :meth:`name`, :meth:`value` and :meth:`setting` (and
    :meth:`location`, :meth:`table` for files).

    >>> print(PYTHON.setting("allow_credentials", [Value("False", False)]))
    allow_credentials=False
    """

    #: The names :func:`parse` recognises as options in this syntax's messages.
    names: Collection[str] = OPTION_NAMES

    def name(self, option: str) -> str:
        """How ``option`` is named where it was written."""
        return option

    def value(self, literal: Value) -> str:
        """How a value is written."""
        return literal.source

    def setting(self, option: str, values: Sequence[Value]) -> str:
        """``option`` set to ``values`` (alternatives, the first preferred)."""
        return f"{self.name(option)}=" + " or ".join(self.value(v) for v in values)

    def location(self, where: Sequence[str], option: str) -> str:
        """The option path of ``option`` inside the table ``where`` (``("paths", "/x")``)."""
        return key_path([*where, option]) if where else self.name(option)

    def table(self, where: Sequence[str]) -> str:
        """The table ``where`` (``("paths", "/api/*")``) as the user writes it.

        >>> PYTHON.table(["paths", "/api/*"])
        "paths={'/api/*': {...}}"
        """
        if not where:
            return "{...}"
        first, *rest = where
        return f"{first}=" + "".join(f"{{{k!r}: " for k in rest) + "{...}" + "}" * len(rest)

    def in_table(self, where: Sequence[str], fix: str) -> str:
        """``fix`` for a problem inside the table ``where``."""
        return fix


PYTHON = Syntax()


def _toml_string(text: str, *, ascii_only: bool = False) -> str:
    """``text`` as a TOML basic string; ``ascii_only`` escapes all but printable ASCII
    (``\\uXXXX``, ``\\UXXXXXXXX``: a key in a message shows no bidi control raw)."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char in "\b\t\n\f\r":
            out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        elif 0xD800 <= ord(char) <= 0xDFFF:
            out.append("\\ufffd" if ascii_only else "\ufffd")  # TOML has no lone surrogates
        elif ascii_only and ord(char) >= 0x80:
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _toml_value(value: object) -> str:
    if value is Ellipsis:
        return "..."
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return ("-inf" if value < 0 else "inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        if "\\" in value and "'" not in value and value.isprintable():
            return f"'{value}'"  # a literal string: regexes stay readable
        return _toml_string(value)
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        items = ", ".join(f"{key_path([str(k)])} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    return repr(value)


def _json_value(value: object) -> str:
    if value is Ellipsis:
        return "..."
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(_json_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        items = ", ".join(f"{json.dumps(str(k))}: {_json_value(v)}" for k, v in value.items())
        return "{" + items + "}"
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


class TomlSyntax(Syntax):
    """A TOML file whose CORS options sit in the table ``prefix`` (``("tool", "cors")``
    in ``pyproject.toml``, ``("cors",)``, or ``()`` for the top level).

    >>> print(TomlSyntax(("tool", "cors")).in_table(["paths", "/api/*"], "set x = 1"))
    in [tool.cors.paths."/api/*"]: set x = 1
    """

    def __init__(self, prefix: Sequence[str] = ()) -> None:
        self.prefix = tuple(prefix)

    def value(self, literal: Value) -> str:
        if isinstance(literal.value, str) and literal.value in self.names:
            return self.name(literal.value)
        return _toml_value(literal.value)

    def setting(self, option: str, values: Sequence[Value]) -> str:
        return f"{self.name(option)} = " + " or ".join(self.value(v) for v in values)

    def location(self, where: Sequence[str], option: str) -> str:
        return key_path([*where, option])

    def table(self, where: Sequence[str]) -> str:
        return f"[{key_path([*self.prefix, *where])}]"

    def in_table(self, where: Sequence[str], fix: str) -> str:
        return f"in {self.table(where)}: {fix}" if where else fix

    def __repr__(self) -> str:
        return f"TomlSyntax({self.prefix!r})"


class JsonSyntax(Syntax):
    """A JSON file whose CORS options sit in the object ``prefix`` (``("cors",)`` or ``()``).

    >>> print(JSON.setting("allow_origins", [Value("['https://a.com']", ["https://a.com"])]))
    "allow_origins": ["https://a.com"]
    """

    def __init__(self, prefix: Sequence[str] = ()) -> None:
        self.prefix = tuple(prefix)

    def name(self, option: str) -> str:
        return json.dumps(option)

    def value(self, literal: Value) -> str:
        if isinstance(literal.value, str) and literal.value in self.names:
            return self.name(literal.value)
        return _json_value(literal.value)

    def setting(self, option: str, values: Sequence[Value]) -> str:
        return f"{self.name(option)}: " + " or ".join(self.value(v) for v in values)

    def location(self, where: Sequence[str], option: str) -> str:
        return key_path([*where, option])

    def table(self, where: Sequence[str]) -> str:
        inner = "".join(f"{json.dumps(k)}: {{" for k in (*self.prefix, *where))
        return inner + "..." + "}" * len((*self.prefix, *where))

    def __repr__(self) -> str:
        return f"JsonSyntax({self.prefix!r})"


TOML = TomlSyntax()
JSON = JsonSyntax()


def render(text: str, syntax: Syntax) -> str:
    """``text`` (worded in keyword syntax) with its options and values in ``syntax``."""
    if type(syntax) is Syntax:
        return text
    out: list[str] = []
    for segment in parse(text, syntax.names):
        if isinstance(segment, str):
            out.append(segment)
        elif isinstance(segment, Value):
            out.append(syntax.value(segment))
        elif segment.values:
            out.append(syntax.setting(segment.option, segment.values))
        else:
            out.append(syntax.name(segment.option))
    return "".join(out)


def _entry(entry: str, syntax: Syntax) -> str:
    if not entry:
        return entry
    literal = _literal_at(entry, 0)
    if literal is None or len(literal.source) != len(entry):
        return entry
    return syntax.value(literal)


def reword(problem: Problem, syntax: Syntax, where: Sequence[str] = ()) -> Problem:
    """``problem`` (worded for keywords) in ``syntax``, found in the table ``where``.

    >>> p = Problem("allow_origins", "'*'", "is refused with allow_credentials=True",
    ...             "set allow_credentials=False")
    >>> print(reword(p, TomlSyntax(("cors",)), ["paths", "/api/*"]))
    paths."/api/*".allow_origins: "*" is refused with allow_credentials = true; fix: in \
[cors.paths."/api/*"]: set allow_credentials = false
    """
    fix = render(problem.fix, syntax)
    if any(isinstance(s, Mention) and s.values for s in parse(problem.fix, syntax.names)):
        fix = syntax.in_table(where, fix)
    return Problem(
        syntax.location(where, problem.option),
        _entry(problem.entry, syntax),
        render(problem.problem, syntax),
        fix,
    )
