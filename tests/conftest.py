"""Fixtures shared by several test packages."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator

import pytest
from hypothesis import settings

# Speed is measured by the benchmarks, never asserted by a test: no per-example deadline
# (Hypothesis's default, 200 ms, fails an example that a busy machine merely slowed down).
# Under CI Hypothesis loads its own "ci" profile, which has none either.
if settings.get_current_profile_name() == "default":
    settings.register_profile("local", deadline=None)
    settings.load_profile("local")


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """A real handler on "cors_core" at DEBUG writing formatted lines to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("cors_core")
    old = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)


#: The CLI run in-process: ``run(*argv) -> (exit code, stdout, stderr)``.
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the ``cors-core`` CLI in-process: (exit code, stdout, stderr)."""
    from cors_core.cli import main

    def go(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return go
