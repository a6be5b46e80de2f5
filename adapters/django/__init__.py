"""Django integration: ``adapters.django.CORSMiddleware`` for ``settings.MIDDLEWARE``.

It reads the django-cors-headers setting names, so an existing project switches by
replacing ``"corsheaders.middleware.CorsMiddleware"`` with ``"adapters.django.CORSMiddleware"``
in ``MIDDLEWARE`` and ``"corsheaders"`` with ``"adapters.django"`` in ``INSTALLED_APPS``
(that entry registers the system checks). Laid out as Django apps are:

- :mod:`adapters.django.conf`: the settings, read live, and their translation into
  :class:`cors_core.CORSPolicy` options;
- :mod:`adapters.django.middleware`: :class:`CORSMiddleware`, which only applies the
  engine's decisions (sync and async);
- :mod:`adapters.django.decorators`: per-view policies, :func:`cross_origin` and
  :func:`no_cors`;
- :mod:`adapters.django.signals`: ``check_request_enabled``, django-cors-headers' signal;
- :mod:`adapters.django.checks`: the system checks (``manage.py check``), ids
  ``cors_core.E001`` ... (and django-cors-headers' ids mapped to them);
- :mod:`adapters.django.wording`: the engine's problems reworded in the settings written;
- :mod:`adapters.django.peer`: values django-cors-headers reads more narrowly than the
  engine would, refused at start-up (migrating never widens access);
- :mod:`adapters.django.defaults`: ``corsheaders.defaults``' names;
- :mod:`adapters.django.apps`: the app config.

Every name a project imports from django-cors-headers has an equivalent under the same
path with ``corsheaders`` replaced by ``adapters.django`` (``defaults.default_headers``,
``signals.check_request_enabled``, ``middleware.CorsMiddleware`` and its
``ACCESS_CONTROL_*`` constants, ``conf.conf``, ``checks.check_settings``).

Example (``settings.py``)::

    INSTALLED_APPS = [..., "adapters.django"]
    MIDDLEWARE = [
        "adapters.django.CORSMiddleware",      # as high as possible
        "django.middleware.common.CommonMiddleware",
        ...
    ]
    CORS_ALLOWED_ORIGINS = ["http://localhost:8080", "http://127.0.0.1:8080"]
    CORS_ALLOW_CREDENTIALS = True

Or with a policy of the engine (checked by ``manage.py check`` when given as a dotted path)::

    CORS_POLICY = "myproject.cors.policy"    # a CORSPolicy / PathRules, or a factory for one
"""

from __future__ import annotations

from adapters.django.conf import (
    DEFAULT_HEADERS,
    DEFAULT_METHODS,
    SETTING_NAMES,
    DjangoCORSConfig,
    load_config,
    settings_options,
)
from adapters.django.decorators import cross_origin, no_cors
from adapters.django.middleware import CORSMiddleware
from adapters.django.signals import check_request_enabled

__all__ = [
    "DEFAULT_HEADERS",
    "DEFAULT_METHODS",
    "SETTING_NAMES",
    "CORSMiddleware",
    "DjangoCORSConfig",
    "check_request_enabled",
    "cross_origin",
    "load_config",
    "no_cors",
    "settings_options",
]
