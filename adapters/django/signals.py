"""The one signal of the Django adapter: ``check_request_enabled``.

The replacement for ``corsheaders.signals.check_request_enabled``, with the same
contract: receivers are called with ``sender=None`` and ``request`` (the ``HttpRequest``),
and when any returns a truthy value that request's origin is allowed, preflights included,
as if it were listed in ``CORS_ALLOWED_ORIGINS`` (the answer follows the other settings:
credentials, methods, headers). The middleware gives each policy an origin hook
(:func:`cors_core.integration.with_origin_hook`, once, when the policy is built) that stands for the
receivers, so they are asked only when the policy's lists refuse a well-formed origin
(reason ``origin_not_allowed``: not for ``null``, a malformed origin, nor a refused
method or header), and for a request with an ``Origin`` on a path ``CORS_URLS_REGEX``
leaves out; with no receiver connected they cost nothing. What they allow carries the
reason ``origin_allowed_by_hook``. A path with CORS off (``@no_cors``, a ``None`` rule
of ``PathRules``) stays off. Under ASGI (Django 5.0+) they run through ``Signal.asend``,
so sync receivers may query the database. A receiver that raises is not caught, as in
django-cors-headers.

Example (``myapp/apps.py``)::

    from django.apps import AppConfig

    from adapters.django.signals import check_request_enabled


    def partner_origins(sender, request, **kwargs):
        return request.headers.get("Origin") in PARTNER_ORIGINS


    class MyAppConfig(AppConfig):
        name = "myapp"

        def ready(self) -> None:
            check_request_enabled.connect(partner_origins)
"""

from __future__ import annotations

from django.dispatch import Signal  # type: ignore[import-untyped]

__all__ = ["check_request_enabled"]

#: Sent with ``sender=None, request=request``; any truthy answer allows the request's origin.
check_request_enabled = Signal()
