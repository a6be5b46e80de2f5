"""``cors-core demo`` with a port already taken: it names the option that picks another.

Each test binds a real listening socket on 127.0.0.1, starts the demo on its port (as a
user would, ``python -m cors_core demo``, or in process), and reads what it says: the
port, which server it was for, the option, a port free now; exit status 1, no traceback,
and nothing left listening.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from cors_core.cli.demo_app import main
from tests.integration.conftest import ROOT
from tests.servers import free_port

_BUSY = re.compile(
    r"cors-core demo: port (\d+) \((the API|the page)\) is in use on 127\.0\.0\.1; "
    r"pick another with (--api-port|--page-port), e\.g\. \3 (\d+)"
)


@pytest.fixture
def taken() -> Iterator[int]:
    """A port some other server listens on (127.0.0.1)."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        yield int(busy.getsockname()[1])


def _demo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cors_core", "demo", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _busy_lines(stderr: str) -> list[tuple[int, str, str, int]]:
    lines = stderr.splitlines()
    matches = [_BUSY.fullmatch(line) for line in lines]
    assert all(matches), stderr
    return [(int(m[1]), m[2], m[3], int(m[4])) for m in matches if m]


def test_api_port_in_use(taken: int) -> None:
    page_port = free_port()
    done = _demo("--api-port", str(taken), "--page-port", str(page_port))
    assert (done.returncode, done.stdout) == (1, "")
    [(port, role, option, other)] = _busy_lines(done.stderr)
    assert (port, role, option) == (taken, "the API", "--api-port")
    assert other > taken and other != page_port and _is_free(other)
    assert _is_free(page_port), "the page's port was left bound"


def test_page_port_in_use(taken: int) -> None:
    api_port = free_port()
    done = _demo("--api-port", str(api_port), "--page-port", str(taken))
    assert (done.returncode, done.stdout) == (1, "")
    [(port, role, option, other)] = _busy_lines(done.stderr)
    assert (port, role, option) == (taken, "the page", "--page-port")
    assert other > taken and other != api_port and _is_free(other)
    assert _is_free(api_port), "the API's port was left bound"


def test_both_ports_in_use_get_two_different_suggestions(taken: int) -> None:
    with socket.socket() as second:
        second.bind(("127.0.0.1", 0))
        second.listen()
        other_taken = int(second.getsockname()[1])
        done = _demo("--api-port", str(taken), "--page-port", str(other_taken))
    assert (done.returncode, done.stdout) == (1, "")
    lines = _busy_lines(done.stderr)
    assert [line[:3] for line in lines] == [
        (taken, "the API", "--api-port"),
        (other_taken, "the page", "--page-port"),
    ]
    suggested = [line[3] for line in lines]
    assert len(set(suggested)) == 2 and not {taken, other_taken} & set(suggested)


def test_the_suggestion_skips_the_other_servers_port(capsys: pytest.CaptureFixture[str]) -> None:
    """In process: the API's port busy and the next one asked for the page."""
    for _ in range(50):
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = int(busy.getsockname()[1])
            if port >= 65534 or not _is_free(port + 1):
                continue
            assert main(["--api-port", str(port), "--page-port", str(port + 1)]) == 1
            break
    else:
        pytest.skip("no free port next to a taken one")
    [(_, _, _, other)] = _busy_lines(capsys.readouterr().err)
    assert other not in (port, port + 1)


def test_a_host_that_is_not_this_machine() -> None:
    done = _demo("--host", "192.0.2.1", "--api-port", str(free_port()))
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "cors-core demo: cannot listen on --host '192.0.2.1' (Cannot assign requested "
        "address); give an address of this machine, e.g. --host 127.0.0.1"
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("value", "message"), [("70000", "70000 is not a port (use 1 to 65535)"), ("x", "'x' is not")]
)
def test_a_port_out_of_range(value: str, message: str) -> None:
    done = _demo("--api-port", value)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].startswith(
        f"cors-core demo: error: argument --api-port: {message}"
    )
