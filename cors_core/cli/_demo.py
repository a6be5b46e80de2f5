"""``cors-core demo``: the CLI's launcher for the interactive demo (:mod:`cors_core.cli.demo_app`).

The CLI sits on top of everything, so it alone (this module and :mod:`cors_core.cli`) may
reach into :mod:`adapters`; the engine never does.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["run_demo"]


def run_demo(args: Sequence[str]) -> int:
    """Run :func:`cors_core.cli.demo_app.main` with ``args``; 2 when the demo cannot be imported.

    >>> run_demo(["--help"])  # doctest: +ELLIPSIS
    usage: cors-core demo ...
    0
    """
    try:
        # Looked up at call time (a test may stand in a module of that name).
        demo: Any = importlib.import_module("cors_core.cli.demo_app")
    except ImportError as exc:
        print(f"cors-core demo: the demo is not available ({exc})", file=sys.stderr)
        return 2
    return int(demo.main(list(args)) or 0)
