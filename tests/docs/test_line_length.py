"""Every line of every fenced code block in ``docs/*.md`` fits in 88 columns, so no reader
scrolls sideways to see the end of a line (an origin list, a command's last option).

Wrap Python inside brackets, shell commands with ``\\``, printed output with a hanging
indent (``pycon`` blocks are doctests with ``NORMALIZE_WHITESPACE``: a line break matches
a space). The only lines allowed to stay longer are real program output that a test
compares verbatim: those are listed in ``ALLOWED``, by page and first words.
"""

from __future__ import annotations

from tests.docs.test_docs_examples import ROOT, blocks

LIMIT = 88
#: The manual's pages and the files they include whole (``--8<--``): the contributing
#: and changelog pages are CONTRIBUTING.md and CHANGELOG.md.
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md"]
#: Files a page includes inside a code block: every line of them is code.
INCLUDED = [ROOT / "examples" / "buckets" / "s3-cors.json"]

_VERBATIM = "the command's output, compared verbatim by test_buckets_page"

#: (page, first words of the line, why it stays longer than LIMIT).
ALLOWED = (
    ("buckets.md", "$ cors-core explain --config", "the command test_buckets_page runs"),
    ("buckets.md", "[HIGH] any_origin_write", _VERBATIM),
    ("buckets.md", "[MEDIUM] any_request_header", _VERBATIM),
    ("buckets.md", "cors-core explain: warning:", _VERBATIM),
    ("buckets.md", "cors-core explain: PATCH", _VERBATIM),
    ("buckets.md", "1. fetch PATCH", _VERBATIM),
    ("buckets.md", "2. Preflight needed:", _VERBATIM),
    ("buckets.md", "3. Sent preflight OPTIONS", _VERBATIM),
    ("buckets.md", "4. Preflight got 403:", _VERBATIM),
    ("buckets.md", "verdict: BLOCKED", _VERBATIM),
    ("buckets.md", "the browser reports:", _VERBATIM),
    ("buckets.md", "- allow_credentials: True is left out", _VERBATIM),
    ("buckets.md", "- expose_headers: 'etag'", _VERBATIM),
    ("buckets.md", "- allow_headers: 'x-amz-meta-color'", _VERBATIM),
    ("buckets.md", "cors-core export: warning:", _VERBATIM),
)


def _allowed(page: str, line: str) -> tuple[str, str, str] | None:
    text = line.lstrip()
    return next((a for a in ALLOWED if a[0] == page and text.startswith(a[1])), None)


def _long_lines() -> list[tuple[str, int, str]]:
    """``(page, line number in the page, line)`` of every code line over LIMIT columns."""
    found = []
    for page in PAGES:
        for block in blocks(page):
            for offset, line in enumerate(block.code.splitlines(), start=1):
                if len(line) > LIMIT:
                    found.append((page.name, block.line + offset, line))
    for path in INCLUDED:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if len(line) > LIMIT:
                found.append((path.name, number, line))
    return found


def test_code_lines_fit_the_page() -> None:
    over = [
        f"docs/{page}:{number}: {len(line)} columns: {line.strip()[:60]}"
        for page, number, line in _long_lines()
        if _allowed(page, line) is None
    ]
    assert not over, f"code lines over {LIMIT} columns:\n" + "\n".join(over)


def test_every_allowed_line_is_still_there() -> None:
    """An entry of ALLOWED that no long line needs any more is removed."""
    used = {_allowed(page, line) for page, _, line in _long_lines()}
    assert set(ALLOWED) <= used, sorted(set(ALLOWED) - used)
