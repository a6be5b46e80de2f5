"""The adversarial benchmark runs end to end and reports every attack (no speed is asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import adversarial as adv
from benchmarks.run import main as benchmarks_main

KEYS = ["0", "1a", "1b", "1c", "2", "3", "4", "5", "6a", "6b"]


def _table_rows(text: str) -> list[list[str]]:
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[1:]]


@pytest.mark.slow
def test_tiny_run_reports_every_attack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "adversarial.md"
    assert adv.main(["--out", str(out)], budget=adv.TINY) == 0
    printed = capsys.readouterr().out
    written = out.read_text()
    assert written in printed
    rows = _table_rows(written)
    assert [r[0] for r in rows] == KEYS
    header = written.splitlines()[0]
    assert header.count("|") - 1 == 11
    for row in rows:
        assert len(row) == 11, row
        ours_us, star_us = row[2], row[3]
        assert ours_us not in ("", "-"), row  # every row has a time ...
        assert star_us not in ("", "-"), row
        if row[0] != "0":
            assert row[6] in ("PASS", "**FAIL**"), row  # ... and a verdict
    assert rows[-1][2] not in ("", "-")  # a time, "> N ms" or "refused at construction"
    assert "machine:" in written


def test_requests_are_as_big_as_promised_and_fresh() -> None:
    flood = adv.origin_lines_get()(0)
    assert sum(1 for k, _ in flood["headers"] if k == b"origin") == adv.ORIGIN_LINES
    fresh = adv.origin_lines_fresh(7)["headers"]
    assert sum(1 for k, _ in fresh if k == b"origin") == adv.ORIGIN_LINES
    assert fresh[-1] != fresh[-2]
    acrm = [dict(adv.acrm_preflight(i)["headers"]) for i in (1, 2)]
    assert len(acrm[0][b"access-control-request-method"]) == 250 * 1024
    assert acrm[0] != acrm[1]
    acrh = {adv.acrh_value(i) for i in range(64)}
    assert len(acrh) == 64 and {len(v) for v in acrh} == {8192}
    labels = {adv.labels_origin(i) for i in range(64)}
    assert len(labels) == 64
    one = next(iter(labels)).decode()
    assert 2000 <= len(one) <= 2048 and one.count(".") == adv.LABELS + 1
    for make in (adv.regex_near_miss, adv.backtracking_origin):
        values = {make(i) for i in (0, 1, 255, 10**6)}
        assert len(values) == 4
        for value in values:
            host = value.decode().removeprefix("https://")
            assert len(value) == 253 and len(host) <= 253
            assert max(len(label) for label in host.split(".")) == 63


def test_subcommand_dispatches(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake(argv: list[str]) -> int:
        seen.append(argv)
        return 0

    monkeypatch.setattr(adv, "main", fake)
    assert benchmarks_main(["adversarial", "--quick", "--out", "x.md"]) == 0
    assert seen == [["--quick", "--out", "x.md"]]
