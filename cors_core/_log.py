"""Logging of rejections and configuration warnings, safe against log injection.

Everything goes to the ``"cors_core"`` logger: refused requests at DEBUG (checked with
``isEnabledFor`` first, so a production log level costs one call), configuration
warnings at INFO, and an ``allow_origin_predicate`` that raises at ERROR (by
:class:`~cors_core.CORSPolicy`, its traceback once, then a running count). Every record
is one line of printable ASCII:
request-supplied values (origin, method, path, request headers) are quoted and
the rest of the text escaped with the project's one rule,
:func:`cors_core._text.escape`, so CR, LF, NEL, U+2028, other control
characters, bidi and other format characters, lone surrogates and non-ASCII can
never start a forged log line (flask-cors CVE-2024-1681) or reorder what a log
viewer shows.

Example::

    import logging
    logging.basicConfig(level=logging.DEBUG)
    logging.getLogger("cors_core").setLevel(logging.DEBUG)  # see every rejection
"""

from __future__ import annotations

import logging

from cors_core._decision import Decision
from cors_core._errors import Problem
from cors_core._text import escape, quote

__all__ = ["log_config_warning", "log_decision", "logger"]

#: The library's logger: refusals at DEBUG, configuration warnings at INFO, a raising
#: predicate at ERROR.
logger = logging.getLogger("cors_core")


def log_decision(decision: Decision, method: str, path: str) -> None:
    """Log a refused request at DEBUG with every request-supplied value escaped.

    Called for decisions that are not allowed, after checking
    ``logger.isEnabledFor(logging.DEBUG)``: by the adapters' gate
    (:class:`cors_core.integration.Gate`) and by the ASGI and WSGI adapters, which make
    that check inline on their hot path.

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
            escape(decision.reason.message, backslash=False),  # already quoted
        )


def log_config_warning(warning: Problem | str) -> None:
    """Log one accepted-but-doubtful configuration entry at INFO on ``"cors_core"``.

    The configuration validator calls it next to each :class:`CORSConfigWarning`
    it emits, so the warning also reaches applications that only look at logs.
    The text is kept on one line of printable ASCII (:func:`cors_core._text.escape`;
    backslashes are kept, as the text quotes configuration values already).

    >>> from cors_core._errors import Problem
    >>> log_config_warning(Problem("allow_headers", "'cookie'", "is never sent", "remove it"))
    """
    if logger.isEnabledFor(logging.INFO):
        logger.info("CORS configuration warning: %s", escape(str(warning), backslash=False))
