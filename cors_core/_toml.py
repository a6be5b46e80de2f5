"""Reading the CORS table of a TOML file (the standard library's :mod:`tomllib`).

Three shapes: ``pyproject.toml`` with ``[tool.cors]``, a file with a ``[cors]`` table, or
a file whose top-level keys are the options. :mod:`cors_core.loading` turns the table into
policies; :meth:`cors_core.CORSPolicy.from_toml` reads one policy with it.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from cors_core._errors import ConfigError, Problem

__all__ = ["read_toml"]


def read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
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
        raise ConfigError(
            [
                Problem(
                    "config file",
                    repr(str(file)),
                    f"cannot be read ({exc.strerror})",
                    "check the path",
                )
            ]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            [
                Problem(
                    "config file", repr(str(file)), f"is not valid TOML ({exc})", "fix the syntax"
                )
            ]
        ) from None
    tool = data.get("tool")
    if isinstance(tool, dict) and isinstance(tool.get("cors"), dict):
        return dict(tool["cors"])
    if isinstance(data.get("cors"), dict):
        return dict(data["cors"])
    if file.name == "pyproject.toml" or "project" in data or "tool" in data:
        raise ConfigError(
            [
                Problem(
                    "config file",
                    repr(str(file)),
                    "has no [tool.cors] table",
                    "add a [tool.cors] table with allow_origins = [...]",
                )
            ]
        )
    return dict(data)
