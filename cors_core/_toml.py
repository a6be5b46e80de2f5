"""Reading the CORS table of a TOML file (the standard library's :mod:`tomllib`) or a
JSON file.

Three TOML shapes: ``pyproject.toml`` with ``[tool.cors]``, a file with a ``[cors]``
table, or a file whose top-level keys are the options; a JSON file is an object of
options, or holds one under ``"cors"``. :mod:`cors_core.loading` turns the table into
policies; :meth:`cors_core.CORSPolicy.from_toml` reads one policy with it. The table
remembers its file's syntax, so that the problems found in it are written as the file
writes them.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

from cors_core._errors import ConfigError, Problem
from cors_core._wording import JsonSyntax, Syntax, TomlSyntax

__all__ = ["ConfigTable", "read_config", "read_json", "read_toml"]


class ConfigTable(dict[str, Any]):
    """The CORS table of a configuration file: a ``dict`` of its keys that also knows the
    file's :attr:`syntax` (TOML or JSON, and the table the options sit in), so that the
    problems :mod:`cors_core.loading` finds in it are written as the file writes them.

    >>> table = ConfigTable({"max_age": -1}, TomlSyntax(("tool", "cors")))
    >>> table["max_age"], table.syntax
    (-1, TomlSyntax(('tool', 'cors')))
    """

    def __init__(self, data: dict[str, Any], syntax: Syntax) -> None:
        super().__init__(data)
        self.syntax = syntax


def _file_error(file: Path, problem: str, fix: str) -> ConfigError:
    return ConfigError([Problem("config file", repr(str(file)), problem, fix)])


def read_toml(path: str | os.PathLike[str]) -> ConfigTable:
    """The CORS table of a TOML file (``[tool.cors]``, ``[cors]`` or the top level).

    Raises :class:`ConfigError` when the file cannot be read or parsed, or when a
    ``pyproject.toml`` has no ``[tool.cors]`` table.

    >>> read_toml("pyproject.toml")["allow_origins"]
    ['https://app.example.com']
    """
    file = Path(path)
    try:
        with file.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise _file_error(file, f"cannot be read ({exc.strerror})", "check the path") from None
    except tomllib.TOMLDecodeError as exc:
        raise _file_error(file, f"is not valid TOML ({exc})", "fix the syntax") from None
    tool = data.get("tool")
    if isinstance(tool, dict) and isinstance(tool.get("cors"), dict):
        return _table(tool["cors"], TomlSyntax(("tool", "cors")))
    if isinstance(data.get("cors"), dict):
        return _table(data["cors"], TomlSyntax(("cors",)))
    if file.name == "pyproject.toml" or "project" in data or "tool" in data:
        raise _file_error(
            file, "has no [tool.cors] table", "add a [tool.cors] table with allow_origins = [...]"
        )
    return _table(data, TomlSyntax())


def _table(data: dict[str, Any], syntax: Syntax) -> ConfigTable:
    return ConfigTable(dict(data), syntax)


def read_json(path: str | os.PathLike[str]) -> ConfigTable:
    """The CORS object of a JSON file: the top-level object, or its ``"cors"`` member.

    Raises :class:`ConfigError` when the file cannot be read or parsed, or holds no
    object.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "cors.json"
    >>> _ = path.write_text('{"cors": {"allow_origins": ["https://app.example.com"]}}')
    >>> table = read_json(path)
    >>> table["allow_origins"], table.syntax
    (['https://app.example.com'], JsonSyntax(('cors',)))
    """
    file = Path(path)
    try:
        data = json.loads(file.read_bytes())
    except OSError as exc:
        raise _file_error(file, f"cannot be read ({exc.strerror})", "check the path") from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bytes that are not UTF-8
        raise _file_error(file, f"is not valid JSON ({exc})", "fix the syntax") from None
    if isinstance(data, dict) and isinstance(data.get("cors"), dict):
        return _table(data["cors"], JsonSyntax(("cors",)))
    if not isinstance(data, dict):
        raise _file_error(file, "does not hold a JSON object", 'write {"allow_origins": [...]}')
    return _table(data, JsonSyntax())


def read_config(path: str | os.PathLike[str]) -> ConfigTable:
    """:func:`read_json` for a ``.json`` file, :func:`read_toml` for any other."""
    if Path(path).suffix.lower() == ".json":
        return read_json(path)
    return read_toml(path)
