"""The demo page's buttons are the ones the documentation names, with the same labels.

The page is the one the demo serves (:func:`cors_core.cli.demo_app.page_app`, called in process);
the documentation is every page of ``docs/`` and the README. A page names a button in a
table whose first column is headed ``button`` (the demo's table: label, request, result),
or in prose as ``**Label** button``.
"""

from __future__ import annotations

import asyncio
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cors_core.cli.demo_app import LABELS, SCENARIOS, page_app

ROOT = Path(__file__).resolve().parents[2]
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_BOLD_BUTTON = re.compile(r"\*\*([^*]+)\*\*\s+button")


class _Buttons(HTMLParser):
    """Collects ``(id, label)`` of every ``<button>`` in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.buttons: list[tuple[str, str]] = []
        self._open: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "button":
            self._open, self._text = dict(attrs).get("id") or "", []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._open is not None:
            self.buttons.append((self._open, " ".join("".join(self._text).split())))
            self._open = None


def _served_page() -> str:
    """GET / from the demo's page server, in process."""
    app = page_app("http://127.0.0.1:8000", "http://localhost:8080")
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 200
    return b"".join(m.get("body", b"") for m in sent[1:]).decode("utf-8")


def _page_buttons() -> list[tuple[str, str]]:
    parser = _Buttons()
    parser.feed(_served_page())
    return parser.buttons


def _button_tables(text: str) -> list[list[list[str]]]:
    """Rows (cells) of each Markdown table whose first column is headed ``button``."""
    tables, rows, inside = [], [], False
    for line in [*text.splitlines(), ""]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and cells and cells[0].lower() == "button":
            rows, inside = [], True
        elif inside and line.lstrip().startswith("|"):
            if not set(line.strip()) <= set("|-: "):
                rows.append(cells)
        elif inside:
            tables.append(rows)
            inside = False
    return tables


def _doc_tables() -> dict[str, list[list[list[str]]]]:
    found = {}
    for path in DOC_FILES:
        tables = _button_tables(path.read_text(encoding="utf-8"))
        if tables:
            found[path.name] = tables
    return found


def _doc_bold_buttons() -> dict[str, list[str]]:
    found = {}
    for path in DOC_FILES:
        names = _BOLD_BUTTON.findall(path.read_text(encoding="utf-8"))
        if names:
            found[path.name] = names
    return found


def test_the_page_has_one_labelled_button_per_scenario_and_run_all() -> None:
    assert _page_buttons() == [
        ("btn-run-all", "Run all"),
        *((f"btn-{name}", LABELS[name]) for name in SCENARIOS),
    ]
    assert list(LABELS) == list(SCENARIOS)


def test_the_docs_table_lists_the_page_buttons_in_order() -> None:
    """Each documented table holds exactly the page's scenario buttons, as the page has them."""
    tables = _doc_tables()
    assert "index.md" in tables, "docs/index.md lost the demo's button table"
    scenario_buttons = [label for id_, label in _page_buttons() if id_ != "btn-run-all"]
    for page, page_tables in tables.items():
        for rows in page_tables:
            assert [row[0] for row in rows] == scenario_buttons, page


def test_the_docs_table_describes_each_scenario_as_the_demo_runs_it() -> None:
    for page, page_tables in _doc_tables().items():
        for rows in page_tables:
            for (label, request, result), name in zip(rows, SCENARIOS, strict=True):
                method, path, _, _, expected = SCENARIOS[name]
                assert request.startswith(f"`{method} {path}`"), (page, label, request)
                assert result.split(":")[0] == expected, (page, label, result)


def test_every_button_the_docs_name_is_on_the_page() -> None:
    labels = {label for _, label in _page_buttons()}
    named = {(page, name) for page, names in _doc_bold_buttons().items() for name in names}
    named |= {
        (page, row[0]) for page, tables in _doc_tables().items() for rows in tables for row in rows
    }
    assert ("index.md", "Run all") in named
    assert {(page, name) for page, name in named if name not in labels} == set()


def test_every_page_button_is_named_in_the_docs() -> None:
    named = {name for names in _doc_bold_buttons().values() for name in names}
    named |= {row[0] for tables in _doc_tables().values() for rows in tables for row in rows}
    assert [label for _, label in _page_buttons() if label not in named] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("| button | request |\n|---|---|\n| a | b |\n\nafter", [[["a", "b"]]]),
        ("| name | request |\n|---|---|\n| a | b |\n", []),
        ("| Button | x |\n| --- | :-: |\n| a | b |\n| c | d |", [[["a", "b"], ["c", "d"]]]),
    ],
)
def test_the_table_reader(text: str, expected: list[list[list[str]]]) -> None:
    assert [[row[:2] for row in rows] for rows in _button_tables(text)] == expected
