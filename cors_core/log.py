"""Logging of rejections and configuration warnings, safe against log injection.

Everything goes to the ``"cors_core"`` logger: rejected requests at DEBUG,
configuration warnings at INFO. Request-supplied values (origin, method, path,
request headers) are escaped with :func:`cors_core._text.quote`, so CR, LF,
NEL, other control bytes and non-ASCII can never start a forged log line
(flask-cors CVE-2024-1681).

Example::

    import logging
    logging.basicConfig(level=logging.DEBUG)
    logging.getLogger("cors_core").setLevel(logging.DEBUG)  # see every rejection
"""

from __future__ import annotations

import logging
import re

from cors_core._text import quote
from cors_core.decision import Decision
from cors_core.errors import Problem

__all__ = ["log_config_warning", "log_decision", "logger"]

#: The library's logger: rejections at DEBUG, configuration warnings at INFO.
logger = logging.getLogger("cors_core")

_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


def _one_line(text: str) -> str:
    return _UNPRINTABLE.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


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
            _one_line(decision.reason.message),
        )


def log_config_warning(warning: Problem | str) -> None:
    """Log one accepted-but-doubtful configuration entry at INFO on ``"cors_core"``.

    The configuration validator calls it next to each :class:`CORSConfigWarning`
    it emits, so the warning also reaches applications that only look at logs.
    The text is kept on one line (control characters escaped).

    >>> from cors_core.errors import Problem
    >>> log_config_warning(Problem("allow_headers", "'cookie'", "is never sent", "remove it"))
    """
    if logger.isEnabledFor(logging.INFO):
        logger.info("CORS configuration warning: %s", _one_line(str(warning)))
