"""The instruction-count benchmark counts something sensible (no speed is asserted)."""

from __future__ import annotations

import shutil

import pytest

from benchmarks import instructions


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_a_cached_answer_costs_fewer_instructions_than_a_never_seen_origin(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--requests", "200", "--only", "denied", "--protocol", "wsgi"]
    assert instructions.main(args) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[:2] == [
        "| protocol | scenario | bare | ours (own) | floor (own) | ours / floor "
        "| starlette (own) | ours / starlette |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    assert printed[2].startswith("| wsgi | denied | ")
    assert printed[2].endswith("x | - | - |")  # starlette is an ASGI middleware
    assert len(printed) == 3
    args = ["--requests", "200", "--only", "no-origin", "--protocol", "asgi"]
    assert instructions.main(args) == 0
    row = capsys.readouterr().out.splitlines()[2]
    assert row.startswith("| asgi | no-origin | ") and row.endswith("x |")
    assert 0 < float(row.split("|")[-2].strip().rstrip("x")) < 1  # ours costs less
    denied = instructions.per_request("asgi", "ours", "denied", 200)
    fresh = instructions.per_request("asgi", "ours", "fresh", 200)
    bare = instructions.per_request("asgi", "bare", "denied", 200)
    assert 0 < bare < denied < fresh


def test_without_valgrind_it_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(instructions.shutil, "which", lambda name: None)
    assert instructions.main([]) == 2
    assert "apt-get install valgrind" in capsys.readouterr().err
