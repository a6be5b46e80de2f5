"""The adversarial benchmark runs end to end and reports every attack (no speed is asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import adversarial as adv
from benchmarks.run import main as benchmarks_main
from cors_core._headers import (
    MAX_REQUEST_HEADER_NAMES,
    MAX_REQUEST_HEADERS_LENGTH,
    parse_request_headers,
)
from cors_core._origins import MAX_ORIGIN_LENGTH, origin_parts
from cors_core._paths import normalize_path
from cors_core._request import MAX_METHOD_LENGTH

KEYS = ["0", "1a", "1b", "1c", "2", "3", "4", "5", "6a", "6b"]
KEYS += ["7a", "7b", "7p", "7c", "7d", "7e", "7f"]


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


def test_edge_requests_sit_at_each_bound_and_are_fresh() -> None:
    """Rows 7a-7f: the longest value the engine still reads, never one refused by length."""
    for value in (adv.edge_pattern_value, adv.edge_listed_value):
        lists = {value(i) for i in (0, 1, 255, 10**6)}
        assert len(lists) == 4
        for raw in lists:
            text = raw.decode()
            assert len(text) == MAX_REQUEST_HEADERS_LENGTH
            names = parse_request_headers(text)
            assert isinstance(names, tuple) and len(names) == MAX_REQUEST_HEADER_NAMES
    browser = adv.edge_pattern_value(7).decode()
    assert browser == ",".join(sorted(set(browser.split(","))))  # a browser's form
    assert parse_request_headers(adv.edge_listed_value(5).decode()) == tuple(adv.LISTED)
    methods = {adv.edge_method(i) for i in (0, 1, 10**6)}
    assert len(methods) == 3 and {len(m) for m in methods} == {MAX_METHOD_LENGTH}
    origins = {adv.edge_origin(i).decode() for i in (0, 1, 255, 10**6)}
    assert len(origins) == 4 and {len(o) for o in origins} == {MAX_ORIGIN_LENGTH}
    for origin in origins:  # read to the end: every label fits, only the host is too long
        host = origin.removeprefix("https://")
        assert max(len(label) for label in host.split(".")) <= 63 and len(host) > 253
        assert origin_parts(origin) is None
    for path in (adv.long_path, adv.dotted_path):
        paths = {path(i) for i in (0, 1, 10**6)}
        assert len(paths) == 3 and {len(p) for p in paths} == {adv.PATH_BYTES}
    assert normalize_path(adv.long_path(3)) == adv.long_path(3)
    assert normalize_path(adv.dotted_path(3)) != adv.dotted_path(3)  # normalised


def test_edge_rows_answer_as_intended() -> None:
    """Each edge row reaches the code it is meant to time (not an early length refusal)."""
    rows = {a.key: a for a in adv.attacks()}
    expected = {
        "7a": "204+ACAO",
        "7b": "204+ACAO",
        "7c": "403",
        "7d": "200",
        "7e": "200+ACAO",
        "7f": "200",  # a dot segment: no CORS, whatever the rules
    }
    for key, status in expected.items():
        attack = rows[key]
        answer, odd = adv.answer(attack.ours(), attack.make()(3), key, check=True)
        assert (answer, odd) == (status, None), key


def test_subcommand_dispatches(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake(argv: list[str]) -> int:
        seen.append(argv)
        return 0

    monkeypatch.setattr(adv, "main", fake)
    assert benchmarks_main(["adversarial", "--quick", "--out", "x.md"]) == 0
    assert seen == [["--quick", "--out", "x.md"]]
