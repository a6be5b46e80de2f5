"""``benchmarks/chart.py`` draws the performance chart (no timing here: drawing only)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.chart import COUNTS, STACKS, draw, main


def _points() -> list[dict[str, object]]:
    return [
        {"stack": key, "peer": peer, "origins": n, "ours_us": 1.5, "peer_us": 5.0 + n / 100}
        for key, _, peer in STACKS
        for n in COUNTS
    ]


def test_draw_writes_a_reproducible_svg(tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    draw(_points(), first, "test")
    draw(_points(), second, "test")
    text = first.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "django-cors-headers" in text  # text stays text (svg.fonttype none)
    assert first.read_bytes() == second.read_bytes()  # no date, fixed ids


def test_main_redraws_from_json(tmp_path: Path) -> None:
    data = tmp_path / "points.json"
    data.write_text(json.dumps({"machine": {"nproc": 2, "python": "3.11"}, "points": _points()}))
    out = tmp_path / "chart.png"
    assert main(["--from-json", str(data), "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
