"""Test engines written against the public engine protocol (cors_core.integration.Engine)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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


def origin_of(length: int) -> str:
    """A well-formed origin under ``example.com`` of exactly ``length`` characters."""
    host = length - len("https://.example.com")
    labels = []
    while host > 0:
        size = min(60, host)
        labels.append("a" * size)
        host -= size + 1
    return "https://" + ".".join(labels) + ".example.com"


class Held(Mapping[Any, Decision]):
    """An engine's ``answers_by_origin`` (``str`` keys) or ``answers_by_raw_origin``
    (``bytes``), recording each origin looked up in it."""

    def __init__(self, held: dict[Any, Decision]) -> None:
        self.held = held
        self.looked_up: list[Any] = []

    def __getitem__(self, origin: Any) -> Decision:
        self.looked_up.append(origin)
        return self.held[origin]

    def get(self, origin: Any, default: Any = None) -> Any:
        self.looked_up.append(origin)
        return self.held.get(origin, default)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.held)

    def __len__(self) -> int:
        return len(self.held)
