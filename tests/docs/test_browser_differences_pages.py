"""The pages show real output where browsers disagree (Chrome lets ``*`` cover
``Authorization``): the ``cors-core check`` transcript of ``docs/debugging.md`` and the
failure message of ``docs/testing.md`` are produced here and compared, line by line.

The pages wrap long lines with a hanging indent (a line starting with three spaces or
more continues the one above; real output lines start with none or two), so the
comparison unwraps them first. When a change alters an output, run it and paste it.
"""

from __future__ import annotations

import shlex
import types
from collections.abc import Iterator
from typing import Any

import pytest

from cors_core.cli import main
from cors_core.testing import assert_cors_allowed
from tests.diagnostics.apps import wildcard_headers_app
from tests.docs.test_docs_examples import ROOT, Block, blocks
from tests.servers import serve_asgi

DEBUGGING = ROOT / "docs" / "debugging.md"
TESTING = ROOT / "docs" / "testing.md"
SHOWN_URL = "http://127.0.0.1:8013"


def unwrap(lines: list[str]) -> list[str]:
    """Join each hanging-indent continuation line to the line it continues."""
    joined: list[str] = []
    for line in lines:
        if line.startswith("   ") and joined:
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    return joined


def block_starting(page: Any, lang: str, start: str) -> Block:
    found = [b for b in blocks(page) if b.lang == lang and b.code.startswith(start)]
    assert len(found) == 1, f"{page.name}: expected one {lang} block starting {start!r}"
    return found[0]


@pytest.fixture(scope="module")
def wildcard_url() -> Iterator[str]:
    with serve_asgi(wildcard_headers_app) as base:
        yield base


def test_debugging_page_shows_the_check_transcript(
    wildcard_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    block = block_starting(DEBUGGING, "console", f"$ cors-core check {SHOWN_URL}/me ")
    lines = block.code.splitlines()
    command = lines[0][2:]
    rest = lines[1:]
    while command.endswith("\\"):
        command = command[:-1] + rest.pop(0).strip()
    argv = shlex.split(command.replace(SHOWN_URL, wildcard_url))
    assert argv[0] == "cors-core"
    code = main(argv[1:])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert out.replace(wildcard_url, SHOWN_URL).splitlines() == unwrap(rest)


def test_testing_page_shows_the_failure_message() -> None:
    code = block_starting(TESTING, "python", "from starlette.applications import Starlette")
    module = types.ModuleType("docs_testing_differences")
    exec(compile(code.code, code.id, "exec"), module.__dict__)
    text = block_starting(TESTING, "text", "AssertionError: this request is BLOCKED")
    shown = unwrap(text.code.splitlines())
    assert shown[-1] == "  ..."
    with pytest.raises(AssertionError) as info:
        assert_cors_allowed(
            module.client,
            "/me",
            origin="https://app.example.com",
            headers={"Authorization": "Bearer t0ken"},
        )
    actual = ("AssertionError: " + str(info.value)).splitlines()
    assert actual[: len(shown) - 1] == shown[:-1]
