"""``python -m cors_core``: the ``cors-core`` command (see :mod:`cors_core.cli`)."""

from cors_core.cli import main

raise SystemExit(main())
