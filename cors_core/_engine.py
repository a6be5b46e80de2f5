"""The engine protocol: what every policy kind offers the adapters.

:class:`Engine` is re-exported by :mod:`cors_core.integration`, the adapters' interface;
this module holds it alone so that the policy kinds and the adapters' helpers can both
name it without importing each other.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from cors_core._decision import Decision

__all__ = ["Engine"]


@runtime_checkable
class Engine(Protocol):
    """What every policy kind offers adapters: :class:`~cors_core.CORSPolicy`,
    :class:`~cors_core.PathRules`, :class:`cors_core.buckets.BucketPolicy` (and any object
    with these members).

    ``no_origin_decision`` is the fixed answer for requests without ``Origin`` (``None``
    when it depends on the path); ``uses_path`` / ``uses_host`` say whether :meth:`decide`
    reads ``path`` / ``host`` and ``scheme`` (adapters skip computing them otherwise);
    ``websocket_origins`` whether websocket handshakes must be checked; :meth:`for_path`
    gives the policy that governs a path (the Flask and Django layers ask it per view).
    A request that is not a preflight (no ``Access-Control-Request-Method``) is decided
    from its method and ``Origin`` (and path and host, when read) alone: adapters may call
    ``decide(method, origin)`` for it.

    >>> from cors_core import CORSPolicy
    >>> isinstance(CORSPolicy(), Engine)
    True
    """

    @property
    def uses_path(self) -> bool: ...

    @property
    def uses_host(self) -> bool: ...

    @property
    def websocket_origins(self) -> bool: ...

    @property
    def no_origin_decision(self) -> Decision | None: ...

    def decide(
        self,
        method: str,
        origin: str | None,
        request_method: str | None = None,
        request_headers: str | None = None,
        private_network: bool = False,
        *,
        path: str = "",
        host: str | None = None,
        scheme: str = "http",
    ) -> Decision:
        """Decide one request from its metadata."""
        ...

    def decide_websocket(
        self, origin: str | None, host: str | None, scheme: str, *, path: str = ""
    ) -> Decision:
        """Decide one websocket handshake."""
        ...

    def for_path(self, path: str) -> Any:
        """The policy that governs ``path`` (``None``: no CORS there); a policy that is the
        same everywhere returns itself."""
        ...
