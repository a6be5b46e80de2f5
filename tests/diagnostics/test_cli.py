"""``cors-core check`` / ``explain`` / ``demo`` end to end, against real servers on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.diagnostics.apps import APP_ORIGIN, wildcard_headers_app
from tests.servers import free_port, serve_asgi


def run_json(run: Run, *argv: str) -> tuple[int, dict]:
    code, out, err = run(*argv, "--json")
    assert err == ""
    return code, json.loads(out)


# ------------------------------------------------------------------ check: our middleware


def test_check_allowed_preflighted_credentialed_put(run: Run, good_url: str) -> None:
    code, doc = run_json(
        run,
        "check",
        good_url + "/items",
        "--origin",
        APP_ORIGIN,
        "--method",
        "PUT",
        "-H",
        "X-API-Key: s3cret",
        "--credentials",
    )
    assert code == 0
    assert doc["allowed"] is True
    assert doc["code"] == "ok"
    assert doc["fix"] == ""
    assert doc["preflight"]["method"] == "OPTIONS"
    assert doc["preflight"]["status"] == 204
    assert ["Access-Control-Request-Headers", "x-api-key"] in doc["preflight"]["request_headers"]
    assert doc["actual"]["method"] == "PUT"
    assert doc["actual"]["status"] == 200
    assert doc["actual"]["body"] == '{"items": 3}'
    assert doc["readable_headers"] == ["content-type", "x-total-count"]
    assert doc["steps"][3] == "Preflight got 204: passed (cacheable for 600 s in Chromium)."


def test_check_allowed_text_output(run: Run, good_url: str) -> None:
    code, out, err = run("check", good_url + "/", "--origin", APP_ORIGIN)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"cors-core check: GET {good_url}/ from origin '{APP_ORIGIN}'"
    assert "  2. No preflight: the method and all headers are CORS-safelisted." in lines
    assert lines[-2:] == [
        "verdict: ALLOWED",
        "  readable response headers: content-type, x-total-count",
    ]


def test_check_blocked_origin_without_debug_suggests_debug(run: Run, good_url: str) -> None:
    code, out, _ = run("check", good_url + "/", "--origin", "https://evil.example", "-X")
    assert code == 2  # unknown option: bad arguments
    code, out, _ = run(
        "check", good_url + "/", "--origin", "https://evil.example", "--method", "DELETE"
    )
    assert code == 1
    assert "verdict: BLOCKED [missing_allow_origin]" in out
    assert "refused the preflight with 403, reason code 'origin_not_allowed'" in out
    assert "run it with debug=True for the full sentence" in out
    assert (
        "fix: allow the origin: with cors_core add 'https://evil.example' to allow_origins" in out
    )
    assert "server reason" not in out


def test_check_blocked_header_without_debug_reads_the_reason_code(run: Run, good_url: str) -> None:
    code, out, _ = run(
        "check", good_url + "/", "--origin", APP_ORIGIN, "--method", "PUT", "-H", "X-Nope: 1"
    )
    assert code == 1
    assert "reason code 'header_not_allowed'" in out
    assert (
        "fix: allow the request header(s) x-nope: with cors_core add them to allow_headers" in out
    )


def test_check_blocked_header_reports_server_reason(run: Run, debug_url: str) -> None:
    code, doc = run_json(run, "check", debug_url + "/", "--origin", APP_ORIGIN, "-H", "X-Other: 1")
    assert code == 1
    assert doc["allowed"] is False
    assert doc["code"] == "missing_allow_origin"  # a rejected preflight carries no CORS headers
    assert doc["preflight"]["status"] == 403
    assert doc["actual"] is None
    assert doc["server_reasons"] == [
        "header_not_allowed: header 'x-other' is not in allow_headers: add it to "
        "allow_headers (header names are case-insensitive)"
    ]
    assert doc["fix"] == (
        "header 'x-other' is not in allow_headers: add it to allow_headers "
        "(header names are case-insensitive)"
    )


def test_check_blocked_method_on_debug_server(run: Run, debug_url: str) -> None:
    code, out, _ = run("check", debug_url + "/", "--origin", APP_ORIGIN, "--method", "PATCH")
    assert code == 1
    lines = out.splitlines()
    verdict = next(i for i, line in enumerate(lines) if line.startswith("verdict:"))
    # The server's reason leads, with its fix; the browser's symptom comes second.
    assert lines[verdict] == (
        "verdict: BLOCKED [method_not_allowed] by the server: method 'PATCH' is not in "
        "allow_methods (it allows GET, POST, PUT, DELETE): add it to allow_methods "
        "(methods are case-sensitive)"
    )
    assert lines[verdict + 1].startswith("  the browser reports: [missing_allow_origin] ")


# -------------------------------------------------------------- check: broken hand-written app


@pytest.mark.parametrize(
    ("path", "extra", "code", "rule", "fix"),
    [
        ("/slash", [], "allow_origin_mismatch", "Remove the trailing '/'", "byte for byte"),
        (
            "/no-credentials",
            ["--credentials"],
            "missing_allow_credentials",
            "must be 'true'",
            "set allow_credentials=True",
        ),
        (
            "/wildcard",
            ["--credentials"],
            "wildcard_with_credentials",
            "must not be the wildcard '*'",
            "echo the origin instead of '*'",
        ),
        (
            "/methods",
            ["--method", "PUT"],
            "method_not_allowed",
            "Add PUT to Access-Control-Allow-Methods (it lists 'GET, POST')",
            "add 'PUT' to allow_methods",
        ),
        (
            "/methods",
            ["-H", "Authorization: Bearer x"],
            "header_not_allowed",
            "Request header field authorization is not allowed",
            "add them to allow_headers",
        ),
        (
            "/no-options",
            ["--method", "DELETE"],
            "preflight_status",
            "The preflight got 405",
            "put the CORS middleware outermost",
        ),
        ("/twice", [], "multiple_allow_origin", "contains multiple values", "remove the duplicate"),
        ("/redirect", ["--method", "PUT"], "preflight_redirect", "got 301 to '/redirect/'", ""),
        ("/nothing", [], "missing_allow_origin", "No 'Access-Control-Allow-Origin'", "add"),
    ],
)
def test_check_broken_app(
    run: Run, broken_url: str, path: str, extra: list[str], code: str, rule: str, fix: str
) -> None:
    exit_code, doc = run_json(run, "check", broken_url + path, "--origin", APP_ORIGIN, *extra)
    assert exit_code == 1
    assert doc["allowed"] is False
    assert doc["code"] == code
    assert rule in doc["message"]
    assert fix in doc["fix"]
    assert doc["fix"] != ""


def test_check_broken_app_works_when_used_right(run: Run, broken_url: str) -> None:
    # /no-credentials is fine for a request without credentials.
    code, out, _ = run("check", broken_url + "/no-credentials", "--origin", APP_ORIGIN)
    assert code == 0
    assert out.splitlines()[-2] == "verdict: ALLOWED"


# ------------------------------------------------------------------------ check: errors


def test_check_unreachable_host_exits_2(run: Run) -> None:
    port = free_port()
    code, out, err = run("check", f"http://127.0.0.1:{port}/", "--origin", APP_ORIGIN)
    assert code == 2
    assert out == ""
    assert err.startswith(f"cors-core check: cannot reach http://127.0.0.1:{port}/")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "http://127.0.0.1:1/"], "the following arguments are required: --origin"),
        (["check", "ftp://x/", "--origin", APP_ORIGIN], "must start with http:// or https://"),
        (
            ["check", "http://127.0.0.1:1/", "--origin", APP_ORIGIN, "-H", "nocolon"],
            "'Name: value'",
        ),
        (
            ["check", "http://127.0.0.1:1/", "--origin", APP_ORIGIN, "--method", "TRACE"],
            "a browser would refuse to send this request: method TRACE is forbidden",
        ),
        ([], "the following arguments are required: command"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_arguments_exit_2(run: Run, argv: list[str], message: str) -> None:
    code, out, err = run(*argv)
    assert code == 2
    assert out == ""
    assert message in err


# ------------------------------------------------------------------------------ explain

CONFIG = """
[cors]
allow_origins = ["https://app.example.com", "https://*.example.org"]
allow_methods = ["GET", "POST", "PUT"]
allow_headers = ["x-api-key"]
expose_headers = ["x-total-count"]
allow_credentials = true

[cors.paths]
"/internal/*" = false

[cors.paths."/public/*"]
allow_origins = ["*"]
allow_credentials = false
"""


def test_explain_allowed(run: Run, write_toml: Callable[..., str]) -> None:
    config = write_toml(CONFIG)
    code, doc = run_json(
        run,
        "explain",
        "--config",
        config,
        "--origin",
        APP_ORIGIN,
        "--method",
        "PUT",
        "-H",
        "X-API-Key: 1",
        "--credentials",
    )
    assert code == 0
    assert doc["allowed"] is True
    assert doc["preflight"]["status"] == 204
    assert ["Access-Control-Allow-Credentials", "true"] in doc["preflight"]["response_headers"]
    assert doc["actual"]["status"] == 200
    assert doc["server_reasons"] == []


def test_explain_origin_near_miss(run: Run, write_toml: Callable[..., str]) -> None:
    config = write_toml(CONFIG)
    code, out, err = run(
        "explain", "--config", config, "--origin", "https://example.org", "--method", "PUT"
    )
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert (
        "  note: 'https://*.example.org' matches subdomains only, not 'https://example.org': "
        "add it too"
    ) in lines
    assert (
        "verdict: BLOCKED [origin_not_allowed] by the server: origin 'https://example.org' is "
        "not allowed: add it to allow_origins (or match it with a '*.' pattern, "
        "allow_origin_regex or allow_origin_predicate)"
    ) in lines
    assert any(line.startswith("  the browser reports: [missing_allow_origin]") for line in lines)


def test_explain_header_not_allowed(run: Run, write_toml: Callable[..., str]) -> None:
    code, doc = run_json(
        run,
        "explain",
        "--config",
        write_toml(CONFIG),
        "--origin",
        APP_ORIGIN,
        "-H",
        "X-Token: 1",
    )
    assert code == 1
    assert doc["server_reasons"] == [
        "[header_not_allowed] header 'x-token' is not in allow_headers: add it to allow_headers "
        "(header names are case-insensitive)"
    ]
    assert doc["fix"].startswith("header 'x-token' is not in allow_headers")


def test_explain_path_without_cors(run: Run, write_toml: Callable[..., str]) -> None:
    code, doc = run_json(
        run,
        "explain",
        "--config",
        write_toml(CONFIG),
        "--origin",
        APP_ORIGIN,
        "--path",
        "/internal/jobs",
    )
    assert code == 1
    assert doc["code"] == "missing_allow_origin"
    assert doc["server_reasons"][0].startswith(
        "[no_cors_for_path] CORS is disabled for this path by the path rules"
    )


def test_explain_public_path_with_credentials(run: Run, write_toml: Callable[..., str]) -> None:
    config = write_toml(CONFIG)
    code, doc = run_json(
        run,
        "explain",
        "--config",
        config,
        "--origin",
        "https://anyone.example",
        "--path",
        "/public/feed",
    )
    assert code == 0
    assert ["Access-Control-Allow-Origin", "*"] in doc["actual"]["response_headers"]
    code, doc = run_json(
        run,
        "explain",
        "--config",
        config,
        "--origin",
        "https://anyone.example",
        "--path",
        "/public/feed",
        "--credentials",
    )
    assert code == 1
    assert doc["code"] == "wildcard_with_credentials"


def test_explain_invalid_config_exits_2(run: Run, write_toml: Callable[..., str]) -> None:
    config = write_toml('[cors]\nallow_orgins = ["https://a.example/"]\n')
    code, out, err = run("explain", "--config", config, "--origin", APP_ORIGIN)
    assert (code, out) == (2, "")
    assert "allow_orgins is not a CORS option; fix: did you mean allow_origins?" in err
    config = write_toml('[cors]\nallow_origins = ["https://a.example/"]\n')
    code, out, err = run("explain", "--config", config, "--origin", APP_ORIGIN)
    assert code == 2
    assert 'allow_origins: "https://a.example/" has a trailing slash' in err


def test_explain_missing_config_exits_2(run: Run, tmp_path: Path) -> None:
    code, _, err = run("explain", "--config", str(tmp_path / "nope.toml"), "--origin", APP_ORIGIN)
    assert code == 2
    assert "cannot be read" in err


# --------------------------------------------------------------------------------- demo


def test_demo_missing_or_delegated(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    calls: list[list[str]] = []
    fake = types.ModuleType("cors_core.cli.demo_app")
    fake.main = lambda argv: calls.append(argv) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cors_core.cli.demo_app", fake)
    assert run("demo", "--port", "0")[0] == 0
    assert calls == [["--port", "0"]]
    monkeypatch.setitem(sys.modules, "cors_core.cli.demo_app", None)  # import now fails
    code, _, err = run("demo")
    assert code == 2
    assert err.startswith("cors-core demo: the demo is not available")


# ------------------------------------------------------------------- as a real subprocess


def test_python_m_cors_core_subprocess(broken_url: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cors_core", "check", broken_url + "/slash", "--origin", APP_ORIGIN],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "verdict: BLOCKED [allow_origin_mismatch]" in proc.stdout


def test_console_script_subprocess(good_url: str) -> None:
    script = Path(sys.executable).with_name("cors-core")
    assert script.exists(), "the cors-core console script is not installed in the venv"
    proc = subprocess.run(
        [str(script), "check", good_url + "/", "--origin", APP_ORIGIN, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["allowed"] is True


# ------------------------------------------------- check: where Chrome differs from Fetch


@pytest.fixture(scope="module")
def wildcard_url() -> Iterator[str]:
    with serve_asgi(wildcard_headers_app) as base:
        yield base


CHROME_LINE = (
    "  Chrome lets it through today because its CorsNonWildcardRequestHeadersSupport feature "
    "is off, so '*' in Access-Control-Allow-Headers still covers Authorization there"
)


def test_check_authorization_under_wildcard_says_both(run: Run, wildcard_url: str) -> None:
    code, out, err = run(
        "check", wildcard_url + "/me", "--origin", APP_ORIGIN, "-H", "Authorization: Bearer x"
    )
    assert (code, err) == (1, "")  # the standard's verdict (the stricter) sets the exit status
    lines = out.splitlines()
    assert lines[5:] == [
        "  5. The Fetch standard, Firefox and Safari stop here: the GET request is not sent. "
        "Chrome lets it through today because its CorsNonWildcardRequestHeadersSupport feature "
        "is off, so '*' in Access-Control-Allow-Headers still covers Authorization there; "
        "Chrome goes on:",
        f"  6. Sent GET with Origin: '{APP_ORIGIN}'; Authorization: 'Bearer x'; Accept: '*/*'.",
        "  7. Response 200: CORS check passed.",
        "  8. In Chrome, JS can read the body and content-type.",
        "verdict: BLOCKED [header_not_allowed] by the Fetch standard, Firefox and Safari; "
        "Chrome lets it through today",
        "  failed rule: Request header field authorization is not allowed by "
        "Access-Control-Allow-Headers in preflight response. The wildcard '*' never covers "
        "Authorization: list it explicitly.",
        CHROME_LINE,
        "  fix: list Authorization in allow_headers (by hand: "
        "'Access-Control-Allow-Headers: *, Authorization')",
    ]


def test_check_authorization_under_wildcard_json(run: Run, wildcard_url: str) -> None:
    code, doc = run_json(
        run, "check", wildcard_url + "/", "--origin", APP_ORIGIN, "-H", "Authorization: x"
    )
    assert code == 1
    assert (doc["allowed"], doc["code"]) == (False, "header_not_allowed")
    assert doc["decided_by"] == "the Fetch standard, Firefox and Safari"
    assert doc["differences"] == [
        {
            "browsers": ["Chrome"],
            "allowed": True,
            "rule": "authorization_wildcard",
            "reason": "its CorsNonWildcardRequestHeadersSupport feature is off, so '*' in "
            "Access-Control-Allow-Headers still covers Authorization there",
            "following_standard": ["Firefox", "Safari"],
            "fix": "list Authorization in allow_headers (by hand: "
            "'Access-Control-Allow-Headers: *, Authorization')",
        }
    ]
    assert doc["actual"]["status"] == 200  # Chrome sends it, so check does too
    assert doc["readable_headers"] == []


def test_check_one_verdict_where_browsers_agree(run: Run, wildcard_url: str) -> None:
    code, doc = run_json(run, "check", wildcard_url + "/", "--origin", APP_ORIGIN, "-H", "X-A: 1")
    assert (code, doc["code"], doc["differences"]) == (0, "ok", [])
    assert doc["decided_by"] == "the Fetch standard"
    code, out, _ = run(
        "check",
        wildcard_url + "/",
        "--origin",
        APP_ORIGIN,
        "-H",
        "Authorization: x",
        "--credentials",
    )
    assert code == 1
    assert "verdict: BLOCKED [wildcard_with_credentials]" in out.splitlines()
    assert "Chrome" not in out


# ------------------------------------------------------------ check/explain: credentials


@pytest.mark.parametrize(
    ("argv", "mode", "header"),
    [
        ([], "same-origin", ""),
        (["--credentials-mode", "omit"], "omit", ""),
        (["--credentials-mode", "same-origin"], "same-origin", ""),
        (["--credentials-mode", "include"], "include", " with credentials"),
        (["--credentials"], "include", " with credentials"),
        (["--credentials", "--credentials-mode", "include"], "include", " with credentials"),
    ],
)
def test_explain_names_the_credentials_mode_as_given(
    run: Run, write_toml: Callable[..., str], argv: list[str], mode: str, header: str
) -> None:
    config = write_toml(CONFIG)
    code, out, err = run("explain", "--config", config, "--origin", APP_ORIGIN, *argv)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:2] == [
        f"cors-core explain: GET / (config {config}) from origin '{APP_ORIGIN}'{header}",
        f"  1. fetch GET from origin '{APP_ORIGIN}', mode 'cors', credentials '{mode}'.",
    ]
    _, doc = run_json(run, "explain", "--config", config, "--origin", APP_ORIGIN, *argv)
    assert (doc["credentials_mode"], doc["credentials"]) == (mode, mode == "include")


def test_check_names_the_credentials_mode_as_given(run: Run, good_url: str) -> None:
    for mode in ("omit", "same-origin", "include"):
        _, doc = run_json(
            run, "check", good_url + "/", "--origin", APP_ORIGIN, "--credentials-mode", mode
        )
        assert doc["steps"][0] == (
            f"fetch GET from origin '{APP_ORIGIN}', mode 'cors', credentials '{mode}'."
        )


def test_credentials_flag_and_another_mode_conflict(
    run: Run, write_toml: Callable[..., str]
) -> None:
    config = write_toml(CONFIG)
    argv = ("--credentials", "--credentials-mode", "omit")
    code, out, err = run("explain", "--config", config, "--origin", APP_ORIGIN, *argv)
    assert (code, out) == (2, "")
    assert err == (
        "cors-core explain: --credentials means --credentials-mode include, not omit: "
        "give one of them\n"
    )
    code, _, err = run(
        "explain", "--config", config, "--origin", APP_ORIGIN, "--credentials-mode", "x"
    )
    assert code == 2
    assert "invalid choice: 'x'" in err


# ------------------------------------------------------------- JSON files of CORS options


def test_a_json_file_of_options_is_read_as_options_not_bucket_rules(
    run: Run, tmp_path: Path
) -> None:
    """``--config cors.json`` holding CORS options is read as ``load_config`` reads it."""
    path = tmp_path / "cors.json"
    path.write_text(json.dumps({"cors": {"allow_origins": [APP_ORIGIN]}}), encoding="utf-8")
    code, doc = run_json(run, "explain", "--config", str(path), "--origin", APP_ORIGIN)
    assert code == 0
    assert doc["allowed"] is True
    assert ["Access-Control-Allow-Origin", APP_ORIGIN] in doc["actual"]["response_headers"]
    code, out, err = run("explain", "--config", str(path), "--origin", "https://evil.example")
    assert (code, err) == (1, "")
    assert any(
        line.startswith("verdict: BLOCKED [origin_not_allowed]") for line in out.splitlines()
    )


def test_a_misspelt_option_in_a_json_file_is_told_in_json(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "cors.json"
    path.write_text(json.dumps({"allow_origin": [APP_ORIGIN]}), encoding="utf-8")
    code, out, err = run("explain", "--config", str(path), "--origin", APP_ORIGIN)
    assert (code, out) == (2, "")
    assert '"allow_origins"' in err and "allow_origin" in err


def test_audit_reads_a_json_file_of_options(run: Run, tmp_path: Path) -> None:
    toml_path = tmp_path / "cors.toml"
    toml_path.write_text('allow_origins = ["*"]\nallow_methods = ["DELETE"]\n', encoding="utf-8")
    json_path = tmp_path / "cors.json"
    json_path.write_text(
        json.dumps({"allow_origins": ["*"], "allow_methods": ["DELETE"]}), encoding="utf-8"
    )
    from_toml = run("audit", "--config", str(toml_path), "--json")
    from_json = run("audit", "--config", str(json_path), "--json")
    assert from_toml[0] == from_json[0]
    assert json.loads(from_toml[1])["findings"] == json.loads(from_json[1])["findings"]
