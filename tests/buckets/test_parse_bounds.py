"""Bounds of bucket CORS files, each checked before the work it bounds: the size of the
JSON text before decoding, the number of rules before any rule is validated, absurd
``MaxAgeSeconds``; and the warning for a key JSON silently kept only once."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cors_core import ConfigError, CORSConfigWarning, Problem
from cors_core._text import quote
from cors_core.audit import audit_bucket
from cors_core.buckets import _parse as parse_module
from cors_core.buckets import bucket_problems, from_gcs, from_s3
from cors_core.buckets._parse import (
    GCS_MAX_RULES,
    MAX_FILE_BYTES,
    S3_MAX_RULES,
    decode_json,
)

S3_RULE = {"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET"]}
GCS_ENTRY = {"origin": ["https://app.example.com"], "method": ["GET"]}


def _refused(config: Any, provider: str = "s3", **kwargs: Any) -> tuple[Problem, ...]:
    build = from_s3 if provider == "s3" else from_gcs
    with pytest.raises(ConfigError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        build(config, **kwargs)
    return info.value.problems


@pytest.fixture
def validated(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The index of every rule the parser validates, in order."""
    seen: list[int] = []
    real = parse_module._rule

    def counting(c: Any, f: Any, where: str, raw: object, index: int) -> Any:
        seen.append(index)
        return real(c, f, where, raw, index)

    monkeypatch.setattr(parse_module, "_rule", counting)
    yield seen


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any JSON text is decoded."""

    def refuse(text: object) -> object:
        raise AssertionError("decoded")

    monkeypatch.setattr(parse_module, "decode_json", refuse)


# ------------------------------------------------------------------ size of the text

_TOO_BIG = (
    f"is larger than 1 MiB ({MAX_FILE_BYTES} bytes), the most read as a bucket's CORS "
    "rules (a real configuration is a few kilobytes)"
)
_TOO_BIG_FIX = "give the bucket's CORS configuration alone (what get-bucket-cors prints)"


def _padded(size: int) -> str:
    """A valid one-rule S3 file of exactly ``size`` characters (trailing whitespace)."""
    text = json.dumps({"CORSRules": [S3_RULE]})
    return text + " " * (size - len(text))


def test_the_bound_is_one_mib() -> None:
    assert MAX_FILE_BYTES == 1024 * 1024


@pytest.mark.usefixtures("no_decoding")
@pytest.mark.parametrize("kind", [str, bytes])
def test_text_over_the_bound_is_refused_before_decoding(kind: type) -> None:
    text = _padded(MAX_FILE_BYTES + 1)
    config = text if kind is str else text.encode()
    assert _refused(config) == (Problem("CORSRules", "", _TOO_BIG, _TOO_BIG_FIX),)
    assert _refused(config, "gcs") == (Problem("cors", "", _TOO_BIG, _TOO_BIG_FIX),)


@pytest.mark.usefixtures("no_decoding")
def test_a_file_over_the_bound_is_refused_and_read_no_further(tmp_path: Path) -> None:
    path = tmp_path / "cors.json"
    path.write_text(_padded(3 * MAX_FILE_BYTES))
    assert _refused(path) == (Problem("CORSRules", quote(str(path)), _TOO_BIG, _TOO_BIG_FIX),)


def test_text_of_exactly_the_bound_is_read(tmp_path: Path) -> None:
    text = _padded(MAX_FILE_BYTES)
    assert len(text) == MAX_FILE_BYTES
    assert from_s3(text).rules[0].origins == ("https://app.example.com",)
    path = tmp_path / "cors.json"
    path.write_text(text)
    assert from_s3(path).rules[0].methods == ("GET",)


def test_the_200000_rule_file_is_refused_by_its_size() -> None:
    text = json.dumps([S3_RULE] * 200_000)
    assert len(text) > MAX_FILE_BYTES
    assert _refused(text) == (Problem("CORSRules", "", _TOO_BIG, _TOO_BIG_FIX),)


# ----------------------------------------------------------------- number of rules


def test_200000_s3_rules_are_refused_after_validating_at_most_the_limit(
    validated: list[int],
) -> None:
    errors, warned = bucket_problems({"CORSRules": [S3_RULE] * 200_000}, "s3")
    assert errors == [
        Problem(
            "CORSRules",
            "200000 rules",
            "has more than 100 rules (S3's limit)",
            "merge rules (one rule may list several origins and methods); "
            "only the first 100 were checked",
        )
    ]
    assert warned == []
    assert validated == list(range(S3_MAX_RULES))


def test_200000_gcs_entries_are_refused_after_validating_at_most_the_limit(
    validated: list[int],
) -> None:
    assert _refused([GCS_ENTRY] * 200_000, "gcs") == (
        Problem(
            "cors",
            "200000 entries",
            "has more than 1000 entries, the most read from a GCS configuration",
            "merge entries (one entry may list several origins and methods); "
            "only the first 1000 were checked",
        ),
    )
    assert validated == list(range(GCS_MAX_RULES))


def test_the_limits_themselves_are_accepted(validated: list[int]) -> None:
    assert len(from_s3([S3_RULE] * S3_MAX_RULES).rules) == S3_MAX_RULES
    assert len(from_gcs([GCS_ENTRY] * GCS_MAX_RULES).rules) == GCS_MAX_RULES
    assert len(validated) == S3_MAX_RULES + GCS_MAX_RULES


def test_a_bad_rule_within_the_limit_is_reported_one_beyond_it_is_not() -> None:
    bad = {"AllowedOrigins": ["https://app.example.com/"], "AllowedMethods": ["GET"]}
    rules = [S3_RULE] * 99 + [bad, bad]
    errors, _ = bucket_problems(rules, "s3")
    assert [(p.option, p.problem) for p in errors] == [
        ("CORSRules", "has more than 100 rules (S3's limit)"),
        ("CORSRules[99].AllowedOrigins[0]", "has a trailing slash"),
    ]


def test_the_audit_of_an_oversized_list_stays_bounded(validated: list[int]) -> None:
    findings = audit_bucket({"CORSRules": [S3_RULE] * 200_000}, "s3")
    assert [(f.check, f.where) for f in findings][:1] == [("refused_entry", "CORSRules")]
    assert len(validated) <= 2 * S3_MAX_RULES


# ---------------------------------------------------------------------- MaxAgeSeconds

_ABSURD = "is absurd: browsers cap it (Chromium at 7200 s, Firefox at 86400 s)"


@pytest.mark.parametrize(
    ("value", "entry"),
    [
        (86401, "86401"),
        (10**400, "1" + "0" * 199 + "..."),
        (10**5000, "<an integer of 16610 bits>"),  # more digits than int-to-str converts
    ],
    ids=["86401", "10**400", "10**5000"],
)
def test_an_absurd_max_age_is_refused_as_the_engine_refuses_it(value: int, entry: str) -> None:
    assert _refused([{**S3_RULE, "MaxAgeSeconds": value}]) == (
        Problem("CORSRules[0].MaxAgeSeconds", entry, _ABSURD, "use at most 7200"),
    )
    assert _refused([{**GCS_ENTRY, "maxAgeSeconds": value}], "gcs") == (
        Problem("cors[0].maxAgeSeconds", entry, _ABSURD, "use at most 7200"),
    )


def test_max_age_10_to_the_400_from_json_text_is_refused() -> None:
    text = '[{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "MaxAgeSeconds": 1%s}]'
    (problem,) = _refused(text % ("0" * 400))
    assert (problem.option, problem.problem) == ("CORSRules[0].MaxAgeSeconds", _ABSURD)


def test_a_huge_negative_max_age_is_refused_without_printing_it() -> None:
    assert _refused([{**S3_RULE, "MaxAgeSeconds": -(10**5000)}]) == (
        Problem(
            "CORSRules[0].MaxAgeSeconds",
            "<an integer of 16610 bits>",
            "is negative",
            "use 0 (no caching) or more",
        ),
    )


@pytest.mark.parametrize("value", [0, 3000, 7200, 86400])
def test_max_ages_up_to_the_bound_are_accepted(value: int) -> None:
    assert from_s3([{**S3_RULE, "MaxAgeSeconds": value}]).rules[0].max_age == value
    assert from_gcs([{**GCS_ENTRY, "maxAgeSeconds": value}]).rules[0].max_age == value


# -------------------------------------------------------------- keys written twice


def _twice(key: str, where: str, fix: str) -> Problem:
    return Problem(
        f"{where}.{key}" if where else key,
        "",
        f"is written 2 times in {where or 'the file'}: JSON keeps only the last one, so the "
        "values of the others are silently dropped",
        fix,
    )


S3_TWICE = (
    '{"CORSRules": [{"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["GET"],'
    ' "AllowedOrigins": ["https://b.example"]}]}'
)


def test_a_key_written_twice_in_a_rule_warns_naming_the_key_and_the_rule() -> None:
    with pytest.warns(CORSConfigWarning) as caught:
        policy = from_s3(S3_TWICE)
    assert [w.message.problem for w in caught] == [  # type: ignore[union-attr]
        _twice("AllowedOrigins", "CORSRules[0]", "merge the values into one AllowedOrigins list")
    ]
    assert policy.rules[0].origins == ("https://b.example",)  # what JSON kept: the last


def test_strict_refuses_it() -> None:
    assert _refused(S3_TWICE, strict=True) == (
        _twice("AllowedOrigins", "CORSRules[0]", "merge the values into one AllowedOrigins list"),
    )


def test_every_key_written_twice_is_named_in_file_order() -> None:
    text = (
        '{"cors": [{"origin": ["https://a.example"], "method": ["GET"]}],'
        ' "cors": [{"origin": ["https://a.example"], "method": ["GET"], "maxAgeSeconds": 1,'
        ' "maxAgeSeconds": 2, "responseHeader": ["x-a"], "responseHeader": ["x-b"]}],'
        ' "name": "b", "name": "b"}'
    )
    errors, warned = bucket_problems(decode_json(text), "gcs")
    assert errors == []
    assert warned == [
        _twice("cors", "", "merge the values into one cors list"),
        _twice("maxAgeSeconds", "cors[0]", "keep one maxAgeSeconds"),
        _twice("responseHeader", "cors[0]", "merge the values into one responseHeader list"),
    ]  # the bucket resource's own keys ("name") are not ours to judge


def test_a_key_written_three_times_says_so() -> None:
    text = '[{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "ID": "a", "ID": "b", "ID": "c"}]'
    _, warned = bucket_problems(decode_json(text), "s3")
    assert [(p.option, p.problem.split(":")[0], p.fix) for p in warned] == [
        ("CORSRules[0].ID", "is written 3 times in CORSRules[0]", "keep one ID")
    ]


def test_an_unknown_key_written_twice_is_refused_once_and_not_warned() -> None:
    text = '[{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "MaxAge": 1, "MaxAge": 2}]'
    errors, warned = bucket_problems(decode_json(text), "s3")
    assert [p.option for p in errors] == ["CORSRules[0].MaxAge"]
    assert warned == []


def test_decode_json_keeps_plain_dicts_when_no_key_repeats() -> None:
    data = decode_json('{"CORSRules": [{"AllowedOrigins": ["*"]}]}')
    assert type(data) is dict
    assert type(data["CORSRules"][0]) is dict
    repeated = decode_json('{"a": 1, "b": 2, "a": 3}')
    assert repeated == {"a": 3, "b": 2}
    assert repeated.repeated == {"a": 2}


def test_parsed_data_has_nothing_to_warn_about() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", CORSConfigWarning)
        from_s3(json.loads(S3_TWICE))  # the duplicate is gone before cors_core sees it


def test_the_audit_reports_the_repeated_key_as_a_doubtful_entry() -> None:
    findings = audit_bucket(decode_json(S3_TWICE), "s3")
    doubts = [(f.check, f.where) for f in findings if f.check == "doubtful_entry"]
    assert doubts == [("doubtful_entry", "CORSRules[0].AllowedOrigins")]
