"""``cors-core export``, and ``audit`` / ``explain`` reading S3 and GCS bucket files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "buckets" / "s3-cors.json")

Write = Callable[..., str]

API_TOML = """\
[cors]
allow_origins = ["https://app.example.com", "https://admin.example.com"]
allow_methods = ["GET", "HEAD", "POST", "PUT", "DELETE"]
allow_headers = ["content-type", "x-amz-meta-color"]
expose_headers = ["etag", "x-amz-request-id"]
allow_credentials = true
max_age = 3000
"""


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write a file into tmp_path (text, or JSON data) and return its path."""

    def go(name: str, content: object) -> str:
        path = tmp_path / name
        text = content if isinstance(content, str) else json.dumps(content)
        path.write_text(text, encoding="utf-8")
        return str(path)

    return go


# -------------------------------------------------------------------------------- export


def test_export_to_s3_prints_the_rules(run: Run, write: Write) -> None:
    code, out, err = run("export", "--to", "s3", "--config", write("cors.toml", API_TOML))
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "CORSRules": [
            {
                "AllowedHeaders": ["content-type", "x-amz-meta-color"],
                "AllowedMethods": ["GET", "HEAD", "POST", "PUT", "DELETE"],
                "AllowedOrigins": ["https://app.example.com", "https://admin.example.com"],
                "ExposeHeaders": ["etag", "x-amz-request-id"],
                "MaxAgeSeconds": 3000,
            }
        ]
    }
    assert out.startswith('{\n  "CORSRules": [\n    {\n      "AllowedHeaders": [\n')
    assert out.endswith("}\n")
    # Nothing differs: --strict prints the same.
    assert run("export", "--to", "s3", "--strict", "--config", write("c.toml", API_TOML)) == (
        0,
        out,
        "",
    )


GCS_WARNINGS = [
    "cors-core export: warning: allow_credentials: True is left out: GCS never sends "
    "'Access-Control-Allow-Credentials', so the bucket refuses credentialed requests "
    "(cookies, HTTP authentication), which the API allows; fix: send the bucket's requests "
    "without credentials (signed URLs and 'Authorization' headers need none)",
    "cors-core export: warning: expose_headers: 'etag', 'x-amz-request-id' are also allowed "
    "as request headers: GCS uses one responseHeader list for the headers it exposes and "
    "those a preflight may ask for, so pages may send them to the bucket, which the API "
    "refuses; fix: nothing, if the bucket ignores them in requests",
    "cors-core export: warning: allow_headers: 'x-amz-meta-color' is also exposed: GCS uses "
    "one responseHeader list for the request headers a preflight may ask for and the "
    "headers it exposes, so scripts may read this response header, which the API hides; "
    "fix: nothing, if the bucket's responses carry no such header, or nothing secret in it",
]


def test_export_to_gcs_prints_the_entries_and_warns_on_stderr(run: Run, write: Write) -> None:
    code, out, err = run("export", "--to", "gcs", "--config", write("cors.toml", API_TOML))
    assert code == 0
    assert json.loads(out) == [
        {
            "origin": ["https://app.example.com", "https://admin.example.com"],
            "method": ["GET", "HEAD", "POST", "PUT", "DELETE"],
            "responseHeader": ["content-type", "x-amz-meta-color", "etag", "x-amz-request-id"],
            "maxAgeSeconds": 3000,
        }
    ]
    assert err.splitlines() == GCS_WARNINGS


def test_export_strict_makes_every_warning_an_error(run: Run, write: Write) -> None:
    config = write("cors.toml", API_TOML)
    code, out, err = run("export", "--to", "gcs", "--config", config, "--strict")
    assert (code, out) == (2, "")
    prefix = "cors-core export: warning: "
    assert err.splitlines() == [
        "cors-core export: invalid CORS configuration (3 problems):",
        *(f"  - {line.removeprefix(prefix)}" for line in GCS_WARNINGS),
    ]


def test_export_strict_reports_the_loaders_warnings_too(run: Run, write: Write) -> None:
    toml = API_TOML.replace("https://admin.example.com", "http://admin.example.com")
    config = write("cors.toml", toml)
    code, out, err = run("export", "--to", "s3", "--config", config)
    assert code == 0 and json.loads(out)["CORSRules"][0]["AllowedOrigins"][1] == (
        "http://admin.example.com"
    )
    [warning] = err.splitlines()
    assert warning == (  # in the file's own syntax: TOML
        'cors-core export: warning: allow_origins: "http://admin.example.com" is plain http '
        "with credentials: a network attacker can impersonate it; fix: use https"
    )
    code, out, err = run("export", "--to", "s3", "--config", config, "--strict")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "cors-core export: invalid CORS configuration (1 problem):",
        "  - " + warning.removeprefix("cors-core export: warning: "),
    ]


def test_export_to_s3_of_a_policy_without_credentials_warns(run: Run, write: Write) -> None:
    toml = API_TOML.replace("allow_credentials = true\n", "")
    code, out, err = run("export", "--to", "s3", "--config", write("api.toml", toml))
    assert code == 0
    assert json.loads(out)["CORSRules"][0]["AllowedOrigins"] == [
        "https://app.example.com",
        "https://admin.example.com",
    ]
    assert err.splitlines() == [
        "cors-core export: warning: allow_credentials: False becomes true: S3 answers every "
        "rule that lists origins (not '*') with 'Access-Control-Allow-Credentials: true', so "
        "pages on those origins may send credentialed requests (cookies, HTTP "
        "authentication) to the bucket and read the answers, which the API refuses; fix: "
        "nothing, if the bucket authenticates with signatures, as S3 does (cookies give no "
        "access); or allow_origins=['*'] for a public bucket"
    ]


def test_export_refuses_what_no_bucket_can_hold(run: Run, write: Write) -> None:
    toml = '[cors]\nallow_origins = ["https://*.example.com"]\nallow_credentials = true\n'
    code, out, err = run("export", "--to", "gcs", "--config", write("cors.toml", toml))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "cors-core export: invalid CORS configuration (1 problem):",
        "  - allow_origins: 'https://*.example.com' leaves no origin GCS can match, so the "
        "bucket would allow none; fix: list the origins the bucket serves in allow_origins",
    ]


def test_export_refuses_per_path_rules(run: Run, write: Write) -> None:
    config = write("paths.toml", API_TOML + '[cors.paths]\n"/internal/*" = false\n')
    code, out, err = run("export", "--to", "s3", "--config", config)
    assert (code, out) == (2, "")
    assert err.startswith("cors-core export: invalid CORS configuration")
    assert "per-path rules" in err


def test_export_names_every_setting_s3_leaves_out(run: Run, write: Write) -> None:
    toml = (
        "[cors]\n"
        'allow_origins = ["https://app.example.com"]\n'
        'allow_origin_regex = "https://[a-z]+\\\\.example\\\\.com"\n'
        'allow_methods = ["GET", "HEAD", "POST", "PATCH"]\n'
        "allow_credentials = true\n"
        "allow_private_network = true\n"
    )
    code, out, err = run("export", "--to", "s3", "--config", write("cors.toml", toml))
    assert code == 0
    assert json.loads(out)["CORSRules"][0]["AllowedMethods"] == ["GET", "HEAD", "POST"]
    options = [line.split(": ")[2] for line in err.splitlines()]
    assert options == ["allow_origin_regex", "allow_private_network", "allow_methods"]
    code, out, err = run("export", "--to", "s3", "--config", write("c.toml", toml), "--strict")
    assert (code, out) == (2, "")
    for option in ("allow_origin_regex", "allow_methods", "allow_private_network"):
        assert f"  - {option}" in err, err


def test_export_converts_s3_rules_to_gcs(run: Run) -> None:
    code, out, err = run("export", "--to", "gcs", "--config", EXAMPLE)
    assert code == 0
    assert json.loads(out)[0]["origin"] == ["*"]
    assert json.loads(out)[0]["method"] == ["HEAD", "PUT", "GET", "POST", "DELETE"]
    assert all(line.startswith("cors-core export: warning: ") for line in err.splitlines())


def test_export_needs_a_provider(run: Run, write: Write) -> None:
    code, out, err = run("export", "--config", write("cors.toml", API_TOML))
    assert (code, out) == (2, "")
    assert "--to" in err
    code, _, err = run("export", "--to", "azure", "--config", write("cors.toml", API_TOML))
    assert code == 2
    assert "invalid choice: 'azure'" in err


# --------------------------------------------------------------------------------- audit


def test_audit_of_the_example_file(run: Run) -> None:
    code, out, err = run("audit", "--config", EXAMPLE)
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[0] == f"cors-core audit: {EXAMPLE}"
    assert lines[1].startswith(
        "[HIGH] any_origin_write [CORSRules[0].AllowedMethods]: every origin ('*' at "
        "CORSRules[0].AllowedOrigins[0]) may send PUT, DELETE, POST: "
    )
    assert lines[3].startswith("[MEDIUM] any_request_header [CORSRules[0].AllowedHeaders[0]]: ")
    assert lines[-1] == "2 finding(s): 1 high, 1 medium, 0 low, 0 info"


def test_audit_of_the_example_made_read_only_passes(run: Run, write: Write) -> None:
    with open(EXAMPLE, encoding="utf-8") as fh:
        rules = json.load(fh)
    rules[0]["AllowedMethods"] = ["GET", "HEAD"]
    rules[0]["AllowedHeaders"] = ["range"]
    config = write("read-only.json", rules)
    code, out, _ = run("audit", "--config", config)
    assert code == 0
    assert out.splitlines()[1:] == [
        "[LOW] wildcard_origin [CORSRules[0].AllowedOrigins[0]]: every origin may read these "
        "objects ('*')",
        "    fix: fine for public objects only; list origins if they are not public",
        "1 finding(s): 0 high, 0 medium, 1 low, 0 info",
    ]
    assert run("audit", "--config", config, "--fail-on", "low")[0] == 1


def test_audit_of_an_invalid_s3_file_lists_findings_at_their_places(run: Run, write: Write) -> None:
    rules = {
        "CORSRules": [
            {
                "AllowedOrigins": ["https://app.example.com/", "https://*example.com"],
                "AllowedMethods": ["GET", "PATCH"],
            },
            {"AllowedOrigins": ["https://*.github.io"], "AllowedMethod": ["GET"]},
        ]
    }
    code, out, err = run("audit", "--config", write("cors.json", rules), "--json")
    assert (code, err) == (1, "")
    doc = json.loads(out)
    assert doc["format"] == "s3"
    assert doc["failed"] is True
    found = [(f["severity"], f["check"], f["where"]) for f in doc["findings"]]
    assert found == [
        ("high", "refused_entry", "CORSRules[0].AllowedOrigins[0]"),
        ("high", "refused_entry", "CORSRules[0].AllowedMethods[1]"),
        ("high", "refused_entry", "CORSRules[1].AllowedMethod"),
        ("high", "refused_entry", "CORSRules[1].AllowedMethods"),
        ("high", "wildcard_outside_domain", "CORSRules[0].AllowedOrigins[1]"),
    ]
    by_place = {f["where"]: f for f in doc["findings"]}
    assert by_place["CORSRules[0].AllowedOrigins[1]"]["origin"] == "https://evilexample.com"
    assert "did you mean 'AllowedMethods'?" in by_place["CORSRules[1].AllowedMethod"]["fix"]


def test_audit_fail_on(run: Run, write: Write) -> None:
    rules = [{"origin": ["*"], "method": ["GET", "HEAD"], "responseHeader": ["Content-Type"]}]
    config = write("gcs.json", rules)
    code, out, _ = run("audit", "--config", config)
    assert code == 0
    assert out.splitlines()[1] == (
        "[LOW] wildcard_origin [cors[0].origin[0]]: every origin may read these objects ('*')"
    )
    assert run("audit", "--config", config, "--fail-on", "low")[0] == 1


def test_audit_of_a_gcs_file(run: Run, write: Write) -> None:
    rules = {
        "name": "my-bucket",
        "cors": [
            {"origin": ["https://app.example.com"], "method": ["GET"], "maxAgeSeconds": 60},
            {"origin": ["*"], "method": ["*"], "responseHeader": ["*"]},
        ],
    }
    code, out, err = run("audit", "--config", write("bucket.json", rules), "--json")
    assert (code, err) == (1, "")
    doc = json.loads(out)
    assert doc["format"] == "gcs"
    assert [(f["severity"], f["check"], f["where"]) for f in doc["findings"]] == [
        ("high", "any_origin_write", "cors[1].method"),
        ("medium", "any_request_header", "cors[1].responseHeader[0]"),
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"CORSRules": [', "is not valid JSON (Expecting value: line 1 column 16 (char 15))"),
        (b"\xff\xfe\x00", "is not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "is not valid JSON (nested too deeply)"),
        ('"allow_origins"', "is JSON, but neither S3 CORS rules"),
        ("[]", "is JSON, but neither S3 CORS rules"),
        (
            '{"CORSRules": [' + '{"AllowedOrigins": ["*"]},' * 50_000 + "{}]}",
            "is larger than 1 MiB (1048576 bytes), the most read as a bucket's CORS rules",
        ),
    ],
)
def test_audit_exits_2_on_a_file_it_cannot_parse(
    run: Run, tmp_path: Path, content: str | bytes, problem: str
) -> None:
    path = tmp_path / "cors.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    code, out, err = run("audit", "--config", str(path))
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[0] == "cors-core audit: invalid CORS configuration (1 problem):"
    assert lines[1].startswith(f"  - config file: {str(path)!r} {problem}"), lines[1]


def test_audit_exits_2_on_a_file_it_cannot_read(run: Run, tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.json")
    code, out, err = run("audit", "--config", missing)
    assert (code, out) == (2, "")
    assert err.splitlines()[1] == (
        f"  - config file: {missing!r} cannot be read (No such file or directory); "
        "fix: check the path"
    )


def test_a_bucket_file_without_the_json_extension_is_recognised(run: Run, write: Write) -> None:
    with open(EXAMPLE, encoding="utf-8") as fh:
        config = write("cors", {"CORSRules": json.load(fh)})  # get-bucket-cors > cors
    code, out, _ = run("audit", "--config", config)
    assert code == 1
    assert "[HIGH] any_origin_write [CORSRules[0].AllowedMethods]" in out
    # A broken TOML file that is not bucket JSON still gets the TOML error.
    code, _, err = run("audit", "--config", write("broken.toml", "[cors\n"))
    assert code == 2
    assert "is not valid TOML" in err


# ------------------------------------------------------------------------------- explain


def test_explain_a_blocked_patch(run: Run) -> None:
    code, out, err = run(
        "explain", "--config", EXAMPLE, "--origin", "https://app.example.com", "--method", "PATCH"
    )
    assert code == 1
    assert err.startswith("cors-core explain: warning: CORSRules[0].AllowedMethods: ")
    lines = out.splitlines()
    assert lines[0] == (
        f"cors-core explain: PATCH / (S3 rules {EXAMPLE}) from origin 'https://app.example.com'"
    )
    assert "  4. Preflight got 403: blocked [missing_allow_origin] " in out
    reason = next(line for line in lines if line.startswith("verdict: "))
    assert reason == (
        "verdict: BLOCKED [method_not_allowed] by the server: no CORSRules entry allows "
        "method 'PATCH' for origin 'https://app.example.com' (entries matching that origin: "
        "CORSRules[0] allows HEAD, PUT, GET, POST, DELETE); S3 allows only GET, PUT, HEAD, "
        "POST and DELETE, so no rule can allow it: send one of those (PUT to replace an "
        "object)"
    )
    assert any(line.startswith("  the browser reports: [missing_allow_origin]") for line in lines)
    assert "allow_methods" not in out  # bucket refusals name the file's keys, not options


def test_explain_an_allowed_put_with_its_headers(run: Run) -> None:
    code, out, _ = run(
        "explain",
        "--config",
        EXAMPLE,
        "--origin",
        "https://app.example.com",
        "--method",
        "PUT",
        "-H",
        "Content-Type: image/png",
        "-H",
        "x-amz-meta-color: blue",
        "--json",
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["allowed"] is True
    assert doc["preflight"]["status"] == 200
    assert ["Access-Control-Request-Headers", "content-type,x-amz-meta-color"] in doc["preflight"][
        "request_headers"
    ]
    assert ["Access-Control-Allow-Origin", "*"] in doc["preflight"]["response_headers"]
    assert doc["actual"]["method"] == "PUT"


def test_explain_a_credentialed_read_from_a_gcs_bucket(run: Run, write: Write) -> None:
    rules = [{"origin": ["https://app.example.com"], "method": ["GET"]}]
    config = write("gcs.json", rules)
    code, out, _ = run("explain", "--config", config, "--origin", "https://app.example.com")
    assert code == 0
    assert f"(GCS rules {config})" in out.splitlines()[0]
    code, out, _ = run(
        "explain", "--config", config, "--origin", "https://app.example.com", "--credentials"
    )
    assert code == 1
    assert "verdict: BLOCKED [missing_allow_credentials]" in out.splitlines()


def test_explain_refuses_rules_it_cannot_load(run: Run, write: Write) -> None:
    rules = [{"AllowedOrigins": ["https://app.example.com/"], "AllowedMethods": ["GET"]}]
    code, out, err = run(
        "explain", "--config", write("cors.json", rules), "--origin", "https://app.example.com"
    )
    assert (code, out) == (2, "")
    assert err.splitlines()[1] == (
        "  - CORSRules[0].AllowedOrigins[0]: 'https://app.example.com/' has a trailing slash; "
        "fix: write 'https://app.example.com' (browsers send origins without any path)"
    )


# ------------------------------------------------------------------------------ escaping

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202e\r\nforged line"


def test_hostile_text_in_a_bucket_file_is_escaped(run: Run, write: Write) -> None:
    rules = {
        "CORSRules": [
            {
                "AllowedOrigins": ["https://a.example" + HOSTILE],
                "AllowedMethods": ["GET"],
                HOSTILE: ["x"],
                "ID": HOSTILE,
            }
        ]
    }
    config = write("cors.json", rules)
    for argv in (
        ("audit", "--config", config),
        ("audit", "--config", config, "--json"),
        ("explain", "--config", config, "--origin", "https://a.example"),
        ("export", "--to", "gcs", "--config", config),
    ):
        code, out, err = run(*argv)
        assert code in (1, 2), argv
        for text in (out, err):
            assert all(" " <= ch <= "~" for line in text.splitlines() for ch in line), argv
            assert "forged line" not in [line.strip() for line in text.splitlines()], argv
        assert "\\x1b" in out + err, argv
    code, out, _ = run("audit", "--config", config)
    assert "[HIGH] refused_entry [CORSRules[0].\\x1b]0;pwned\\x07\\x1b[2J\\u202e\\x0d\\x0a" in out


def test_a_key_written_twice_in_a_bucket_file_is_warned_about(run: Run, write: Write) -> None:
    path = write(
        "cors.json",
        '{"CORSRules": [{"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["GET"],'
        ' "AllowedOrigins": ["https://b.example"]}]}',
    )
    code, out, err = run("export", "--config", path, "--to", "s3")
    assert code == 0, err
    assert "AllowedOrigins is written 2 times" in err, err
    assert "https://b.example" in out and "https://a.example" not in out
