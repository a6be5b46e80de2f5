"""Test engines written against the public engine protocol (cors_core.integration.Engine)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cors_core import Action, CORSPolicy, Decision, Reason, ReasonCode


@dataclass
class FixedNoOriginEngine:
    """A custom engine (the public :class:`cors_core.integration.Engine` protocol) whose
    answer to a request without ``Origin`` adds nothing, and which records every
    ``decide()`` call it gets."""

    inner: CORSPolicy
    no_origin_decision: Decision = field(
        default_factory=lambda: Decision.build(Action.ACTUAL, True, Reason(ReasonCode.NO_ORIGIN))
    )
    #: Every decide() call: (method, origin, request method, request headers, private network).
    decided: list[tuple[Any, ...]] = field(default_factory=list)
    uses_path = False
    uses_host = False
    websocket_origins = False

    def decide(
        self,
        method: str,
        origin: str | None,
        request_method: str | None = None,
        request_headers: str | None = None,
        private_network: bool = False,
        **where: Any,
    ) -> Decision:
        asked = (method, origin, request_method, request_headers, private_network)
        self.decided.append(asked)
        return self.inner.decide(*asked, **where)

    def decide_websocket(
        self, origin: str | None, host: str | None, scheme: str, *, path: str = ""
    ) -> Decision:
        return self.inner.decide_websocket(origin, host, scheme, path=path)

    def for_path(self, path: str) -> Any:
        return self
