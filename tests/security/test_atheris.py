"""Optional coverage-guided fuzzing of the engine's parsers with atheris (skipped if absent).

atheris is a dev dependency where it ships wheels (CPython 3.11 on x86-64 Linux); elsewhere
the test skips. The fuzzer runs in a subprocess for a bounded number of inputs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris")

#: Coverage-guided fuzzing is tooling, and long: CI runs it with `pytest -m slow`.
pytestmark = pytest.mark.slow

TARGET = """
import sys
import atheris

with atheris.instrument_imports():
    from cors_core._fetch import TOKEN_RE
    from cors_core._headers import parse_request_headers
    from cors_core._origins import parse_origin


def one(data: bytes) -> None:
    text = data.decode("latin-1")
    parsed = parse_origin(text)
    if parsed is not None:
        assert parsed.serialize() == text, (parsed, text)
        assert not any(c in text for c in "\\r\\n\\x00 /?#@")
    names = parse_request_headers(text)
    if isinstance(names, tuple):
        assert list(names) == sorted(set(names))
        assert all(TOKEN_RE.fullmatch(n) and n == n.lower() for n in names)


atheris.Setup(sys.argv, one)
atheris.Fuzz()
"""


def test_atheris_parsers(tmp_path: Path) -> None:
    script = tmp_path / "fuzz_parsers.py"
    script.write_text(TARGET)
    runs = os.environ.get("CORS_ATHERIS_RUNS", "20000")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(script), f"-runs={runs}", "-max_len=4096"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
