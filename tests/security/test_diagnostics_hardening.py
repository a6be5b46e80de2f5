"""Diagnostics hardening: nothing a server or a request supplies reaches a terminal, a log
line or a response header raw.

- ``cors-core check`` against a hostile server on 127.0.0.1: ANSI (ESC) and C1 (CSI
  U+009B) escape sequences, bidi controls (U+202E, U+2066-U+2069), U+200B, U+2028/2029
  and NEL in ``X-CORS-Reason``, other headers and the body are printed escaped.
- ``debug=True`` with the values a test client can put in a WSGI environ or an ASGI
  scope (characters above U+00FF, U+2028, lone surrogates, UTF-8 bytes) answers a clean
  403 whose reason is printable ASCII, in both adapters, with DEBUG logging on or off.
- A rejection is logged as one line of printable ASCII, with unambiguous escapes.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, MutableMapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from adapters.asgi import CORSMiddleware as ASGICORS
from adapters.wsgi import CORSMiddleware as WSGICORS
from cors_core import CORSPolicy
from cors_core._text import escape, quote
from tests.conftest import Run

APP = "https://app.example.com"
PRINTABLE_LINE = re.compile(r"[\x20-\x7e]*")
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)
# Everything that must never reach a terminal or a log line raw.
RAW_DANGER = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069]"
)


def assert_printable_lines(text: str) -> list[str]:
    """``text`` is lines of printable ASCII, each ended by LF; returns the lines."""
    assert text.endswith("\n"), repr(text)
    lines = text[:-1].split("\n")
    for line in lines:
        assert PRINTABLE_LINE.fullmatch(line), repr(line)
    return lines


# ----------------------------------------------------------------- the one escaping rule


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\r\nb\x1b[2J\x07", "a\\x0d\\x0ab\\x1b[2J\\x07"),  # C0
        ("\x7f", "\\x7f"),  # DEL
        ("\x80\x85\x9b\x9f", "\\x80\\x85\\x9b\\x9f"),  # C1, NEL, CSI
        (
            "\u200b\u200e\u202a\u202e\u2066\u2069\ufeff",
            "\\u200b\\u200e\\u202a\\u202e\\u2066\\u2069\\ufeff",
        ),  # Cf: bidi and other format characters
        ("\u2028\u2029", "\\u2028\\u2029"),  # line / paragraph separators
        ("\ud800\udfff", "\\ud800\\udfff"),  # lone surrogates
        ("\U000e0041\U0001f600", "\\U000e0041\\U0001f600"),  # astral: fixed width
        ("caf\u00e9 \u0101", "caf\\xe9 \\u0101"),
        ("a\\x0d", "a\\\\x0d"),  # a literal backslash is doubled: unambiguous
    ],
)
def test_escape_leaves_only_printable_ascii(raw: str, shown: str) -> None:
    assert escape(raw) == shown
    assert quote(raw) == f"'{shown}'"
    # Text that is escaped already (a reason message) passes through unchanged.
    assert escape(shown, backslash=False) == shown


def test_escape_every_code_point_is_printable_ascii_and_unambiguous() -> None:
    everything = "".join(chr(c) for c in range(0x110000))
    out = escape(everything)
    assert PRINTABLE_LINE.fullmatch(out)
    # Each escape has a fixed width, so the text can be read back exactly.
    assert out.encode("ascii").decode("unicode_escape") == everything


# -------------------------------------------------- 1. cors-core check, hostile server

UTF8_REASON = (
    "origin_not_allowed: \u202e\u2066evil\u2069\u200b\u2028\u2029\u0085 \x1b[2J\x1b]0;pwned\x07\x7f"
).encode()
UTF8_REASON_SHOWN = (
    "origin_not_allowed: \\u202e\\u2066evil\\u2069\\u200b\\u2028\\u2029\\x85 "
    "\\x1b[2J\\x1b]0;pwned\\x07\\x7f"
)
# Not valid UTF-8 (a raw CSI byte), so httpx reads the headers as latin-1.
LATIN1_REASON = b"origin_not_allowed: \x9b31m \xe2\x80\xae\x1b[0m"
LATIN1_REASON_SHOWN = "origin_not_allowed: \\x9b31m \\xe2\\x80\\xae\\x1b[0m"
BODY = b"\x1b[31mred\x9b2J\xe2\x80\xae\xe2\x80\xa8"


class _HostileHandler(BaseHTTPRequestHandler):
    """Answers with raw bytes a well-behaved server never sends (httpx/h11 accept them)."""

    def _answer(self) -> None:
        self.close_connection = True
        if self.path == "/utf8":  # the preflight is refused, with a hostile reason
            head = b"HTTP/1.1 403 Forbidden\r\nX-CORS-Reason: " + UTF8_REASON + b"\r\n"
        else:  # a simple GET answered with a broken, hostile Access-Control-Allow-Origin
            head = (
                b"HTTP/1.1 200 OK\r\nX-CORS-Reason: " + LATIN1_REASON + b"\r\n"
                b"Access-Control-Allow-Origin: " + APP.encode() + b"\x9b[2J\r\n"
            )
        self.wfile.write(
            head
            + b"Content-Type: text/plain\r\nContent-Length: "
            + str(len(BODY)).encode()
            + b"\r\nConnection: close\r\n\r\n"
            + BODY
        )

    do_GET = do_OPTIONS = do_PUT = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def hostile_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HostileHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_check_escapes_a_hostile_reason_in_text_output(run: Run, hostile_url: str) -> None:
    url = hostile_url + "/utf8"
    code, out, err = run("check", url, "--origin", APP, "--method", "PUT")
    assert (code, err) == (1, "")
    lines = assert_printable_lines(out)
    assert not RAW_DANGER.search(out)
    assert lines[0] == f"cors-core check: PUT {url} from origin '{APP}'"
    code, _, message = UTF8_REASON_SHOWN.partition(": ")
    # The server's (escaped) reason leads; its sentence holds the fix; the browser second.
    assert lines[-2] == f"verdict: BLOCKED [{code}] by the server: {message}"
    assert lines[-1].startswith("  the browser reports: [missing_allow_origin] ")


def test_check_escapes_hostile_headers_in_text_output(run: Run, hostile_url: str) -> None:
    url = hostile_url + "/latin1"
    code, out, err = run("check", url, "--origin", APP)
    assert (code, err) == (1, "")
    lines = assert_printable_lines(out)
    assert not RAW_DANGER.search(out)
    rule = (
        "The 'Access-Control-Allow-Origin' header has a value "
        f"'{APP}\\x9b[2J' that is not equal to the supplied origin '{APP}'. "
        f"Send the request's origin '{APP}' (echo the Origin header when it is allowed)."
    )
    code, _, message = LATIN1_REASON_SHOWN.partition(": ")
    assert lines[-3:] == [
        f"  4. Response 200: blocked [allow_origin_mismatch] {rule}",
        f"verdict: BLOCKED [{code}] by the server: {message}",
        f"  the browser reports: [allow_origin_mismatch] {rule}",
    ]


def test_check_json_escapes_sentences_and_keeps_the_exchange(run: Run, hostile_url: str) -> None:
    code, out, err = run("check", hostile_url + "/latin1", "--origin", APP, "--json")
    assert (code, err) == (1, "")
    assert_printable_lines(out)  # JSON writes every other character as \uXXXX
    doc = json.loads(out)
    assert doc["server_reasons"] == [LATIN1_REASON_SHOWN]
    assert doc["fix"] == LATIN1_REASON_SHOWN.partition(": ")[2]
    for sentence in [doc["message"], doc["fix"], *doc["server_reasons"], *doc["steps"]]:
        assert PRINTABLE_LINE.fullmatch(sentence), sentence
    # The recorded exchange is data: the values as received (JSON-escaped on the wire).
    assert ["x-cors-reason", LATIN1_REASON.decode("latin-1")] in doc["actual"]["response_headers"]
    assert doc["actual"]["body"] == BODY.decode("utf-8", "replace")


def test_check_subprocess_writes_only_printable_ascii(hostile_url: str) -> None:
    """What really reaches a terminal: the bytes the process writes."""
    for path, extra in (("/utf8", ["--method", "PUT"]), ("/latin1", [])):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "cors_core",
                "check",
                hostile_url + path,
                "--origin",
                APP,
                *extra,
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert (proc.returncode, proc.stderr) == (1, b"")
        assert re.fullmatch(rb"(?:[\x20-\x7e]*\n)+", proc.stdout), proc.stdout


# ------------------------------------------- 2. debug=True with what test clients send


async def _asgi_app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"x-app", b"1")]})
    await send({"type": "http.response.body", "body": b"app"})


def _wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("X-App", "1")])
    return [b"app"]


Result = tuple[int, list[tuple[str, str]], bytes]


def call_wsgi(policy: CORSPolicy, method: str, headers: dict[str, str], path: str = "/") -> Result:
    """One request with ``str`` environ values as a test client puts them (any code point)."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, hdrs: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started.append((status, hdrs))
        return lambda data: None

    body = b"".join(WSGICORS(_wsgi_app, policy=policy)(environ, start_response))
    [(status, hdrs)] = started
    for _, value in hdrs:
        value.encode("latin-1")  # what a WSGI server does with it (PEP 3333)
    return int(status[:3]), [(n.lower(), v) for n, v in hdrs], body


def call_asgi(
    policy: CORSPolicy, method: str, headers: dict[str, bytes], path: str = "/"
) -> Result:
    """One request with header bytes as given and ``str`` method/path as given."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "scheme": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode("utf-8", "surrogatepass"),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")]
        + [(name.encode(), value) for name, value in headers.items()],
    }
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> MutableMapping[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    asyncio.run(ASGICORS(_asgi_app, policy=policy)(scope, receive, send))
    start, *bodies = sent
    hdrs = start["headers"]
    assert all(isinstance(n, bytes) and isinstance(v, bytes) for n, v in hdrs), hdrs
    pairs = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in hdrs]
    return int(start["status"]), pairs, b"".join(m["body"] for m in bodies)


ORIGIN_MALFORMED = (
    "origin_malformed: Origin {} is not a serialized origin (scheme://host[:port], "
    "lowercase, no path, no default port, ASCII only); browsers never send that, so it is "
    "refused (it holds whitespace, control or non-ASCII characters)"
)
METHOD_MALFORMED = (
    "method_malformed: Access-Control-Request-Method {} is not a valid method token "
    "(RFC 9110); browsers never send that, so the preflight is refused"
)
HEADERS_MALFORMED = (
    "request_headers_malformed: Access-Control-Request-Headers {} is not a comma-separated "
    "list of header names ({})"
)

# (header, value as a test client puts it, X-CORS-Reason expected), per adapter.
WSGI_PREFLIGHTS = [
    ("origin", "https://\u00e9.example", ORIGIN_MALFORMED.format("'https://\\xe9.example'")),
    ("origin", "https://\u0101.example", ORIGIN_MALFORMED.format("'https://\\u0101.example'")),
    ("origin", "https://a.example\u2028", ORIGIN_MALFORMED.format("'https://a.example\\u2028'")),
    ("origin", "https://\ud800.example", ORIGIN_MALFORMED.format("'https://\\ud800.example'")),
    ("origin", "https://\u202ea.example", ORIGIN_MALFORMED.format("'https://\\u202ea.example'")),
    ("origin", "https://a\x9b2J.example", ORIGIN_MALFORMED.format("'https://a\\x9b2J.example'")),
    ("access-control-request-method", "PUT\u2028", METHOD_MALFORMED.format("'PUT\\u2028'")),
    ("access-control-request-method", "P\u0101T", METHOD_MALFORMED.format("'P\\u0101T'")),
    ("access-control-request-method", "\ud800", METHOD_MALFORMED.format("'\\ud800'")),
    ("access-control-request-method", "G\u00c9T", METHOD_MALFORMED.format("'G\\xc9T'")),
    (
        "access-control-request-headers",
        "x-\u00e9",
        HEADERS_MALFORMED.format("'x-\\xe9'", "'x-\\xe9'"),
    ),
    (
        "access-control-request-headers",
        "x-\u0101",
        HEADERS_MALFORMED.format("'x-\\u0101'", "'x-\\u0101'"),
    ),
    (
        "access-control-request-headers",
        "x-\ud800",
        HEADERS_MALFORMED.format("'x-\\ud800'", "'x-\\ud800'"),
    ),
    (  # lowercased, U+0130 becomes "i" + U+0307 COMBINING DOT ABOVE
        "access-control-request-headers",
        "X-\u0130",
        HEADERS_MALFORMED.format("'X-\\u0130'", "'x-i\\u0307'"),
    ),
    (
        "access-control-request-headers",
        "x-a, x-\u2028",
        HEADERS_MALFORMED.format("'x-a, x-\\u2028'", "'x-\\u2028'"),
    ),
]
# ASGI carries bytes: UTF-8 as a client sends it, or raw bytes, read as latin-1.
ASGI_PREFLIGHTS = [
    (
        "origin",
        "https://\u00e9.example".encode(),
        ORIGIN_MALFORMED.format("'https://\\xc3\\xa9.example'"),
    ),
    (
        "origin",
        "https://a.example\u2028".encode(),
        ORIGIN_MALFORMED.format("'https://a.example\\xe2\\x80\\xa8'"),
    ),
    ("origin", b"https://a\x9b2J.example", ORIGIN_MALFORMED.format("'https://a\\x9b2J.example'")),
    (
        "access-control-request-method",
        "PUT\u2028".encode(),
        METHOD_MALFORMED.format("'PUT\\xe2\\x80\\xa8'"),
    ),
    ("access-control-request-method", b"P\x85T", METHOD_MALFORMED.format("'P\\x85T'")),
    (  # read as latin-1 "x-\xc3\xa9", lowercased to "x-\xe3\xa9"
        "access-control-request-headers",
        "x-\u00e9".encode(),
        HEADERS_MALFORMED.format("'x-\\xc3\\xa9'", "'x-\\xe3\\xa9'"),
    ),
    (
        "access-control-request-headers",
        "x-\u202e".encode(),
        HEADERS_MALFORMED.format("'x-\\xe2\\x80\\xae'", "'x-\\xe2\\x80\\xae'"),
    ),
    (
        "access-control-request-headers",
        b"x-\x9b",
        HEADERS_MALFORMED.format("'x-\\x9b'", "'x-\\x9b'"),
    ),
]


def rejection(reason: str, what: str = "preflight") -> tuple[list[tuple[str, str]], bytes]:
    """The exact headers and body of a debug-mode rejection carrying ``reason``."""
    body = f"CORS {what} rejected: {reason.partition(': ')[2]}\n".encode("ascii")
    headers = [
        ("content-type", "text/plain; charset=utf-8"),
        ("content-length", str(len(body))),
        ("x-content-type-options", "nosniff"),
        ("vary", PREFLIGHT_VARY if what == "preflight" else "Origin"),
        ("x-cors-reason", reason),
    ]
    return headers, body


@pytest.fixture(params=[logging.WARNING, logging.DEBUG], ids=["quiet", "debug-log"])
def cors_log(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """The "cors_core" logger at the given level, writing formatted records to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("cors_core")
    old = logger.level
    logger.addHandler(handler)
    logger.setLevel(request.param)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)


def _policy(**extra: Any) -> CORSPolicy:
    return CORSPolicy(
        allow_origins=[APP],
        allow_methods=["GET", "PUT"],
        allow_headers=["x-a"],
        debug=True,
        **extra,
    )


def _check_log(stream: io.StringIO, rejections: int) -> None:
    text = stream.getvalue()
    if logging.getLogger("cors_core").isEnabledFor(logging.DEBUG):
        lines = assert_printable_lines(text)
        assert len(lines) == rejections
        assert all(line.startswith("DEBUG CORS ") for line in lines)
    else:
        assert text == ""


def _check_clean_403s(
    call: Callable[..., Result], preflights: list[Any], origin: Any, method: Any, log: io.StringIO
) -> None:
    """Each hostile value: the exact debug refusal, and no crash, on either adapter."""
    policy, blocking = _policy(), _policy(block_disallowed=True)
    rejected = 0
    for name, value, reason in preflights:
        headers = {"origin": origin, "access-control-request-method": method, name: value}
        # The preflight: refused with the exact debug answer, the reason printable ASCII.
        expected_headers, expected_body = rejection(reason)
        assert call(policy, "OPTIONS", headers) == (403, expected_headers, expected_body)
        rejected += 1
        # The actual request: a bad Origin is refused (block_disallowed) or gets no CORS
        # headers; bad Access-Control-Request-* on a GET change nothing.
        if name == "origin":
            assert call(policy, "GET", headers) == (
                200,
                [("x-app", "1"), ("vary", "Origin")],
                b"app",
            )
            expected_headers, expected_body = rejection(reason, "request")
            assert call(blocking, "GET", headers) == (403, expected_headers, expected_body)
            rejected += 2
        else:
            allowed = [
                ("x-app", "1"),
                ("access-control-allow-origin", APP),
                ("vary", "Origin"),
            ]
            assert call(policy, "GET", headers) == (200, allowed, b"app")
            assert call(blocking, "GET", headers) == (200, allowed, b"app")
    _check_log(log, rejected)


def test_wsgi_debug_answers_unencodable_values_with_clean_403(cors_log: io.StringIO) -> None:
    _check_clean_403s(call_wsgi, WSGI_PREFLIGHTS, APP, "PUT", cors_log)


def test_asgi_debug_answers_undecodable_values_with_clean_403(cors_log: io.StringIO) -> None:
    _check_clean_403s(call_asgi, ASGI_PREFLIGHTS, APP.encode(), b"PUT", cors_log)


# ----------------------------------------------------- 3. one printable line per rejection

# C1 (CSI, NEL), bidi override, line separator, lone surrogate, an invisible tag character.
HOSTILE = "\x9b\x85\u202e\u2028\ud800\U000e0041"
HOSTILE_SHOWN = "\\x9b\\x85\\u202e\\u2028\\ud800\\U000e0041"


def _expected_log_lines() -> list[str]:
    bad_origin = ORIGIN_MALFORMED.format(f"'https://a{HOSTILE_SHOWN}.example'")
    bad_method = METHOD_MALFORMED.format(f"'PUT{HOSTILE_SHOWN}'")
    return [
        f"DEBUG cors_core CORS request rejected: 'GET{HOSTILE_SHOWN}' '/p{HOSTILE_SHOWN}': "
        f"[origin_malformed] {bad_origin.partition(': ')[2]}",
        f"DEBUG cors_core CORS preflight rejected: 'OPTIONS' '/p{HOSTILE_SHOWN}': "
        f"[method_malformed] {bad_method.partition(': ')[2]}",
    ]


def test_wsgi_rejection_log_is_one_printable_ascii_line(log_lines: io.StringIO) -> None:
    policy = CORSPolicy(allow_origins=[APP], allow_methods=["GET", "PUT"])
    path = f"/p{HOSTILE}"
    call_wsgi(policy, f"GET{HOSTILE}", {"origin": f"https://a{HOSTILE}.example"}, path)
    call_wsgi(
        policy, "OPTIONS", {"origin": APP, "access-control-request-method": f"PUT{HOSTILE}"}, path
    )
    lines = assert_printable_lines(log_lines.getvalue())
    assert lines == _expected_log_lines()


def test_asgi_rejection_log_is_one_printable_ascii_line(log_lines: io.StringIO) -> None:
    policy = CORSPolicy(allow_origins=[APP], allow_methods=["GET", "PUT"])
    path = f"/p{HOSTILE}"  # scope["path"] and scope["method"] are str: any code point
    as_utf8 = HOSTILE.encode("utf-8", "surrogatepass")  # headers are bytes, read as latin-1
    utf8_shown = (
        "\\xc2\\x9b\\xc2\\x85\\xe2\\x80\\xae\\xe2\\x80\\xa8\\xed\\xa0\\x80\\xf3\\xa0\\x81\\x81"
    )
    call_asgi(policy, f"GET{HOSTILE}", {"origin": b"https://a" + as_utf8 + b".example"}, path)
    headers = {"origin": APP.encode(), "access-control-request-method": b"PUT" + as_utf8}
    call_asgi(policy, "OPTIONS", headers, path)
    lines = assert_printable_lines(log_lines.getvalue())
    bad_origin = ORIGIN_MALFORMED.format(f"'https://a{utf8_shown}.example'")
    bad_method = METHOD_MALFORMED.format(f"'PUT{utf8_shown}'")
    assert lines == [
        f"DEBUG cors_core CORS request rejected: 'GET{HOSTILE_SHOWN}' '/p{HOSTILE_SHOWN}': "
        f"[origin_malformed] {bad_origin.partition(': ')[2]}",
        f"DEBUG cors_core CORS preflight rejected: 'OPTIONS' '/p{HOSTILE_SHOWN}': "
        f"[method_malformed] {bad_method.partition(': ')[2]}",
    ]
