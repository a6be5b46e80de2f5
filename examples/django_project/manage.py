#!/usr/bin/env python
"""Django's command-line utility for the example project (``python manage.py check``)."""

import os
import sys
from pathlib import Path


def main() -> None:
    """Run a management command with this project's settings."""
    here = Path(__file__).resolve().parent
    sys.path[:0] = [str(here), str(here.parent.parent)]  # the project, and the repo root
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "todo_api.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
