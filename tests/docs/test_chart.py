"""``benchmarks/chart.py`` draws the performance chart (no timing here: drawing only)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from benchmarks.chart import COUNTS, FIGSIZE, FONT_PT, IMAGE, STACKS, draw, main


def smallest_text(svg: str) -> tuple[float, float]:
    """``(viewBox width, smallest font-size)`` of an SVG that matplotlib wrote, both in its
    user units (points: a 7 in figure is 504 wide)."""
    view_box = re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', svg)
    assert view_box, "the chart has no viewBox"
    sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", svg)]
    assert sizes, "the chart has no text with a font-size (svg.fonttype must stay 'none')"
    return float(view_box.group(1)), min(sizes)


def _points() -> list[dict[str, object]]:
    return [
        {"stack": key, "peer": peer, "origins": n, "ours_us": 1.5, "peer_us": 5.0 + n / 100}
        for key, _, peer in STACKS
        for n in COUNTS
    ]


@pytest.mark.slow  # draws with matplotlib (tooling): CI runs it with `pytest -m slow`
def test_draw_writes_a_reproducible_svg(tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    draw(_points(), first, "test")
    draw(_points(), second, "test")
    text = first.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "django-cors-headers" in text  # text stays text (svg.fonttype none)
    assert first.read_bytes() == second.read_bytes()  # no date, fixed ids


@pytest.mark.slow  # draws with matplotlib (tooling): CI runs it with `pytest -m slow`
def test_main_redraws_from_json(tmp_path: Path) -> None:
    data = tmp_path / "points.json"
    data.write_text(json.dumps({"machine": {"nproc": 2, "python": "3.11"}, "points": _points()}))
    out = tmp_path / "chart.png"
    assert main(["--from-json", str(data), "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow  # draws with matplotlib (tooling): CI runs it with `pytest -m slow`
def test_draw_uses_the_declared_size_and_font(tmp_path: Path) -> None:
    out = tmp_path / "chart.svg"
    draw(_points(), out, "test")
    assert smallest_text(out.read_text()) == (FIGSIZE[0] * 72, FONT_PT)


def test_the_docs_chart_is_drawn_at_the_declared_size_and_font() -> None:
    """Changing FIGSIZE or FONT_PT means redrawing docs/assets (``--from-json`` or a run)."""
    assert smallest_text(IMAGE.read_text()) == (FIGSIZE[0] * 72, FONT_PT)
