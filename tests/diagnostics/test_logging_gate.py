"""The ASGI and WSGI adapters log a refusal exactly when ``isEnabledFor(DEBUG)`` says so.

They read the logging module's own level memo (``integration.enabled_levels``) instead of
calling ``isEnabledFor`` on every refused request; generated sequences of logging
configuration changes hold the two to the same answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

import adapters.asgi as asgi_module
import adapters.wsgi as wsgi_module
from cors_core.integration import enabled_levels

APP = "https://app.example.com"
EVIL = "https://evil.example"
LEVELS = [logging.NOTSET, logging.DEBUG, logging.INFO, logging.WARNING]

Change = tuple[str, int]
CHANGES = st.lists(
    st.tuples(
        st.sampled_from(["cors_core", "root", "disable", "disabled", "child"]),
        st.sampled_from(LEVELS),
    ),
    max_size=6,
)


@contextmanager
def _logging_restored() -> Iterator[None]:
    """Each example starts from, and leaves, the logging configuration it found."""
    names = ["cors_core", "cors_core.child", ""]
    saved = [(logging.getLogger(n).level, logging.getLogger(n).disabled) for n in names]
    disabled = logging.root.manager.disable
    try:
        yield
    finally:
        for n, (level, off) in zip(names, saved, strict=True):
            logging.getLogger(n).setLevel(level)
            logging.getLogger(n).disabled = off
        logging.disable(disabled)


def _apply(change: Change) -> None:
    target, level = change
    if target == "cors_core":
        logging.getLogger("cors_core").setLevel(level)
    elif target == "root":
        logging.getLogger().setLevel(level)
    elif target == "disable":
        logging.disable(level)
    elif target == "disabled":
        logging.getLogger("cors_core").disabled = level >= logging.INFO
    else:  # a child's level changes nothing for the parent, but empties the memos
        logging.getLogger("cors_core.child").setLevel(level)


async def _app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _wsgi_app(environ: Any, start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def _asgi_refused(mw: Any) -> None:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/x",
        "root_path": "",
        "scheme": "http",
        "headers": [(b"origin", EVIL.encode())],
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        pass

    asyncio.run(mw(scope, receive, send))


def _wsgi_refused(mw: Any) -> None:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/x",
        "wsgi.url_scheme": "http",
        "HTTP_ORIGIN": EVIL,
    }
    list(mw(environ, lambda status, headers, exc_info=None: None))


@settings(max_examples=60, deadline=None)
@given(CHANGES, st.booleans(), st.sampled_from(["asgi", "wsgi"]))
# The memo says True, then the logger is disabled (the memo is not emptied for that):
@example([("cors_core", logging.DEBUG), ("disabled", logging.INFO)], False, "asgi")
@example([("cors_core", logging.DEBUG), ("disabled", logging.INFO)], False, "wsgi")
# DEBUG just switched on: the memo holds no answer yet.
@example([("root", logging.DEBUG)], False, "asgi")
@example([("root", logging.DEBUG)], False, "wsgi")
def test_a_refusal_is_logged_exactly_when_the_logger_is_enabled_for_debug(
    changes: list[Change], asked_before: bool, protocol: str
) -> None:
    module = asgi_module if protocol == "asgi" else wsgi_module
    if protocol == "asgi":
        mw: Any = asgi_module.CORSMiddleware(_app, allow_origins=[APP])
        refused = _asgi_refused
    else:
        mw = wsgi_module.CORSMiddleware(_wsgi_app, allow_origins=[APP])
        refused = _wsgi_refused
    logged: list[str] = []
    real = module.log_decision
    module.log_decision = lambda decision, method, path: logged.append(decision.reason.code)
    try:
        with _logging_restored():
            _run(changes, asked_before, mw, refused, logged)
    finally:
        module.log_decision = real


def _run(
    changes: list[Change], asked_before: bool, mw: Any, refused: Any, logged: list[str]
) -> None:
    for change in changes:
        _apply(change)
        if asked_before:  # the memo holds an answer, or was emptied since
            refused(mw)
        logged.clear()
        refused(mw)
        expected = logging.getLogger("cors_core").isEnabledFor(logging.DEBUG)
        assert logged == (["origin_not_allowed"] if expected else []), change


def test_the_memo_is_the_loggers_own() -> None:
    """The adapters read the very dict ``isEnabledFor`` fills and ``logging`` empties."""
    with _logging_restored():
        logger = logging.getLogger("cors_core")
        logger.setLevel(logging.INFO)
        assert enabled_levels.get(logging.DEBUG) is None  # emptied by setLevel
        assert logger.isEnabledFor(logging.DEBUG) is False
        assert enabled_levels[logging.DEBUG] is False  # filled by isEnabledFor
        logger.setLevel(logging.DEBUG)
        assert logging.DEBUG not in enabled_levels
