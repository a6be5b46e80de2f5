"""Every code sample in the documentation runs, so none can rot.

Sources: ``docs/*.md``, ``README.md`` and ``CONTRIBUTING.md``.

- A fenced ``python`` block is executed on its own: a fresh namespace, a fresh temporary
  working directory. What a reader copies must run as it is. Functions it defines whose
  names start with ``test_`` are then called (awaited when they are coroutines), so a
  sample of a test suite is run, not only defined.
- A fenced ``pycon`` block (``>>>``) is a doctest (``ELLIPSIS`` and ``NORMALIZE_WHITESPACE``).
- A block right after a ``<!-- no-run -->`` line is only compiled: it needs something a
  test cannot give it (a running server, a Django settings module, your own ``app``).
  Keep those few.
- A block right after a ``<!-- file: NAME -->`` line is data, not code: it is written to
  ``NAME`` in the working directory of every sample of the same page, so a sample can load
  the TOML file shown just above it. A data block may be a ``--8<-- "path"`` line (the
  site includes that file of the repository there): the file's text is written.
"""

from __future__ import annotations

import asyncio
import doctest
import inspect
import logging
import re
import sys
import types
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md", ROOT / "CONTRIBUTING.md"]

NO_RUN = "<!-- no-run -->"
_FILE = re.compile(r"<!--\s*file:\s*(\S+)\s*-->")
_SNIPPET = re.compile(r'-{2}8<-{2}\s+"([^"]+)"')
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<lang>[\w+-]*)")


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    source: Path
    line: int  # 1-based line of the opening fence
    lang: str
    code: str
    marker: str  # the HTML comment on the line before the fence, or ""

    @property
    def id(self) -> str:
        return f"{self.source.relative_to(ROOT)}:{self.line}"

    @property
    def file_name(self) -> str | None:
        found = _FILE.fullmatch(self.marker)
        return found.group(1) if found else None


def blocks(source: Path) -> Iterator[Block]:
    """The fenced code blocks of a Markdown file (indented ones, e.g. in tabs, included)."""
    lines = source.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        previous = next((ln.strip() for ln in reversed(lines[:i]) if ln.strip()), "")
        marker = previous if previous.startswith("<!--") else ""
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            line = lines[j]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            j += 1
        yield Block(source, i + 1, opening["lang"].lower(), "\n".join(body) + "\n", marker)
        i = j + 1


ALL = [b for source in SOURCES if source.exists() for b in blocks(source)]
PYTHON = [b for b in ALL if b.lang in ("python", "py") and b.marker != NO_RUN]
NOT_RUN = [b for b in ALL if b.lang in ("python", "py") and b.marker == NO_RUN]
PYCON = [b for b in ALL if b.lang == "pycon" and b.marker != NO_RUN]


def data(block: Block) -> str:
    """A data block's text: its code, or the repository file a ``--8<--`` line includes."""
    included = _SNIPPET.fullmatch(block.code.strip())
    if included is None:
        return block.code
    return (ROOT / included.group(1)).read_text(encoding="utf-8")


def page_files(source: Path) -> dict[str, str]:
    """The data blocks of a page, by the file name they are written to."""
    return {b.file_name: data(b) for b in ALL if b.source == source and b.file_name}


def _page_files(block: Block) -> dict[str, str]:
    return page_files(block.source)


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh working directory; logging and warning filters restored afterwards."""
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    cors_level = logging.getLogger("cors_core").level
    with warnings.catch_warnings():
        yield tmp_path
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("cors_core").setLevel(cors_level)


def _write_files(block: Block, where: Path) -> None:
    for name, content in _page_files(block).items():
        (where / name).write_text(content, encoding="utf-8")


@pytest.mark.parametrize("block", PYTHON, ids=lambda b: b.id)
def test_python_block_runs(block: Block, sandbox: Path) -> None:
    _write_files(block, sandbox)
    code = compile(block.code, block.id, "exec")
    # A real module (frameworks such as Litestar resolve annotations through sys.modules).
    module = types.ModuleType(f"docs_example_{block.line}")
    sys.modules[module.__name__] = module
    try:
        exec(code, module.__dict__)
        _run_test_functions(module.__dict__, block)
    finally:
        del sys.modules[module.__name__]


def _run_test_functions(namespace: dict[str, object], block: Block) -> None:
    for name, value in list(namespace.items()):
        if not (name.startswith("test_") and inspect.isfunction(value)):
            continue
        if value.__code__.co_filename != block.id:
            continue  # imported, not defined here
        result = value()
        if inspect.iscoroutine(result):
            asyncio.run(result)


@pytest.mark.parametrize("block", PYCON, ids=lambda b: b.id)
def test_pycon_block_is_a_passing_doctest(block: Block, sandbox: Path) -> None:
    _write_files(block, sandbox)
    test = doctest.DocTestParser().get_doctest(
        block.code, {"__name__": "docs_example"}, block.id, str(block.source), block.line
    )
    assert test.examples, f"{block.id}: a pycon block without any >>> line"
    report: list[str] = []
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


@pytest.mark.parametrize("block", NOT_RUN, ids=lambda b: b.id)
def test_no_run_block_still_compiles(block: Block) -> None:
    compile(block.code, block.id, "exec")


def test_the_samples_were_found() -> None:
    assert (ROOT / "docs" / "index.md").exists()
    assert len(PYTHON) >= 20
    assert PYCON
    # no-run is for the few samples that cannot run here; everything else runs.
    assert len(NOT_RUN) <= len(PYTHON) // 4, [b.id for b in NOT_RUN]


def test_every_file_marker_names_a_data_block() -> None:
    for block in ALL:
        if block.file_name:
            assert block.lang not in ("python", "py", "pycon"), block.id
