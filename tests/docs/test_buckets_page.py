"""``docs/buckets.md`` shows real output: every ``$ cors-core ...`` line of its ``console``
blocks is run, and what it prints (stderr, then stdout, as a terminal shows it) must be
the lines that follow it on the page, to the character, with the exit status below.

The commands run in a fresh directory holding the page's data blocks (``cors.toml``
...) and a copy of ``examples/buckets``. Its Python and ``pycon`` blocks are
run by :mod:`tests.docs.test_docs_examples`. When a change alters an output, run the
command from a clone and paste what it prints into the page.
"""

from __future__ import annotations

import json
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cors_core.cli import main
from tests.docs.test_docs_examples import ROOT, blocks, page_files

PAGE = ROOT / "docs" / "buckets.md"
EXAMPLE = ROOT / "examples" / "buckets" / "s3-cors.json"

#: Every command the page shows, and its exit status.
EXIT = {
    "cors-core audit --config examples/buckets/s3-cors.json": 1,
    "cors-core explain --config examples/buckets/s3-cors.json --origin https://app.example.com "
    "--method PATCH": 1,
    "cors-core export --to s3 --config cors.toml": 0,
    "cors-core export --to gcs --config cors.toml": 0,
    "cors-core export --to gcs --config cors.toml --strict": 2,
}


def shown() -> Iterator[tuple[str, list[str]]]:
    """``(command, output lines)`` for each ``$ cors-core`` line of the page."""
    for block in blocks(PAGE):
        if block.lang != "console":
            continue
        command: str | None = None
        output: list[str] = []
        for line in block.code.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    yield command, output
                command, output = line[2:], []
            elif command is not None:
                output.append(line)
        if command is not None:
            yield command, output


SHOWN = list(shown())


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in page_files(PAGE).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    shutil.copytree(EXAMPLE.parent, tmp_path / "examples" / "buckets")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_page_shows_each_command_once() -> None:
    assert [command for command, _ in SHOWN] == list(EXIT)


@pytest.mark.parametrize(("command", "expected"), SHOWN, ids=[c for c, _ in SHOWN])
def test_command_prints_what_the_page_shows(
    command: str, expected: list[str], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = shlex.split(command)
    assert argv[0] == "cors-core"
    code = main(argv[1:])
    out, err = capsys.readouterr()
    assert (err + out).splitlines() == expected
    assert code == EXIT[command]


def test_the_exported_rules_load_back(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What ``export`` prints is what the providers' loaders (and ours) read, and what
    ``--strict`` refuses is exactly what the page's warnings name."""
    from cors_core.buckets import from_gcs, from_s3

    assert main(["export", "--to", "s3", "--config", "cors.toml"]) == 0
    s3 = json.loads(capsys.readouterr().out)
    assert from_s3(s3).rules[0].origins == ("https://app.example.com", "https://admin.example.com")
    assert main(["export", "--to", "gcs", "--config", "cors.toml"]) == 0
    printed = capsys.readouterr()
    gcs = json.loads(printed.out)
    assert from_gcs(gcs).rules[0].max_age == 3000
    warned = [line.split(": warning: ")[1] for line in printed.err.splitlines()]
    assert main(["export", "--to", "gcs", "--config", "cors.toml", "--strict"]) == 2
    refused = capsys.readouterr().err.splitlines()[1:]
    assert refused == [f"  - {line}" for line in warned]


def test_the_provider_commands_are_written_as_the_providers_document_them() -> None:
    text = PAGE.read_text(encoding="utf-8")
    sh = "\n".join(b.code for b in blocks(PAGE) if b.lang == "sh")
    for line in (
        "cors-core export --to s3 --config cors.toml > cors.json",
        "aws s3api put-bucket-cors --bucket BUCKET --cors-configuration file://cors.json",
        "cors-core export --to gcs --config cors.toml > cors.json",
        "gcloud storage buckets update gs://BUCKET --cors-file=cors.json",
    ):
        assert line in sh.splitlines(), line
    # The example file is included from examples/, never copied into the page.
    assert '--8<-- "examples/buckets/s3-cors.json"' in text


def test_the_page_cites_the_providers() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for url in (
        "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/API/RESTCommonResponseHeaders.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors-troubleshooting.html",
        "https://cloud.google.com/storage/docs/cross-origin",
        "https://cloud.google.com/storage/docs/xml-api/get-bucket-cors",
        "https://cloud.google.com/storage/docs/json_api/v1/buckets",
    ):
        assert f"<{url}>" in text, url
