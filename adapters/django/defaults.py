"""django-cors-headers' ``corsheaders.defaults`` under its own names.

``from corsheaders.defaults import default_headers, default_methods`` becomes
``from adapters.django.defaults import default_headers, default_methods``: the same
tuples as :data:`adapters.django.DEFAULT_HEADERS` and :data:`~adapters.django.DEFAULT_METHODS`,
to extend in ``settings.py``::

    CORS_ALLOW_HEADERS = (*default_headers, "x-request-id")

>>> default_methods
('DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST', 'PUT')
"""

from __future__ import annotations

from adapters.django.names import DEFAULT_HEADERS, DEFAULT_METHODS

__all__ = ["default_headers", "default_methods"]

#: ``corsheaders.defaults.default_headers``: the default ``CORS_ALLOW_HEADERS``.
default_headers = DEFAULT_HEADERS
#: ``corsheaders.defaults.default_methods``: the default ``CORS_ALLOW_METHODS``.
default_methods = DEFAULT_METHODS
