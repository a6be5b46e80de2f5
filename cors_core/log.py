"""Logging of rejections, safe against log injection (request values are escaped)."""

from __future__ import annotations

import logging

from cors_core._text import quote
from cors_core.decision import Decision

__all__ = ["log_decision", "logger"]

#: The library's logger: rejections at DEBUG, configuration warnings at INFO.
logger = logging.getLogger("cors_core")


def log_decision(decision: Decision, method: str, path: str) -> None:
    """Log a rejected request at DEBUG with every request-supplied value escaped.

    Adapters call this only for decisions that are not allowed.

    >>> log_decision(policy.decide("GET", "https://evil.example"), "GET", "/api")
    """
    if logger.isEnabledFor(logging.DEBUG):
        kind = "preflight" if decision.preflight else "request"
        logger.debug(
            "CORS %s rejected: %s %s: [%s] %s",
            kind,
            quote(method),
            quote(path),
            decision.reason.code,
            decision.reason.message,
        )
