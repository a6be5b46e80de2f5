"""The ``adapters.django`` Django app: registers the CORS system checks.

Example (``settings.py``)::

    INSTALLED_APPS = [..., "adapters.django"]
"""

from __future__ import annotations

from django.apps import AppConfig  # type: ignore[import-untyped]


class CORSCoreConfig(AppConfig):  # type: ignore[misc]
    """App config: ``manage.py check`` then reports CORS configuration problems.

    >>> from django.apps import apps
    >>> apps.get_app_config("cors_core").name
    'adapters.django'
    """

    name = "adapters.django"
    label = "cors_core"
    verbose_name = "CORS (cors-core)"
    default = True

    def ready(self) -> None:
        """Register :func:`adapters.django.checks.check_cors_settings`.

        Live settings need nothing here: :mod:`adapters.django.conf` connects its
        ``setting_changed`` receiver when imported, so they work without this app too.
        """
        from django.core import checks  # type: ignore[import-untyped]

        from adapters.django.checks import check_cors_settings

        checks.register(check_cors_settings, checks.Tags.security)
