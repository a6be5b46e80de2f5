"""``python -m cors_core``: the ``cors-core`` command (see :mod:`cors_core.cli`)."""

from cors_core.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
