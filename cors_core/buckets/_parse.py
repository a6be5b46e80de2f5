"""Bucket CORS files (S3 ``CORSRules``, GCS ``cors``): reading, validation, normal form.

Every problem is reported at its place in the file (``CORSRules[1].AllowedMethods[0]``,
``cors[0].origin[2]``), all at once; nothing here raises on a bad shape. The rules the
provider itself applies (which methods exist, how many ``*`` an origin may hold) come
with the sources listed in :mod:`cors_core.buckets`.

Every bound is checked before the work it bounds: the size of JSON text before it is
decoded (:data:`MAX_FILE_BYTES`), the number of rules before any rule is validated
(:data:`S3_MAX_RULES`, :data:`GCS_MAX_RULES`), so a hostile file costs no more than the
largest one accepted.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cors_core._config import MAX_MAX_AGE
from cors_core._errors import Problem
from cors_core._fetch import FORBIDDEN_METHODS, is_token
from cors_core._origins import (
    OriginPattern,
    check_wildcard_suffix,
    is_potentially_trustworthy,
    parse_config_origin,
    parse_origin,
)
from cors_core._text import quote, suggest

__all__ = [
    "GCS_KEYS",
    "GCS_MAX_RULES",
    "MAX_FILE_BYTES",
    "S3_KEYS",
    "S3_MAX_RULES",
    "S3_METHODS",
    "BucketRule",
    "Provider",
    "bucket_problems",
    "decode_json",
    "detect_provider",
    "label",
    "load_data",
    "parse_rules",
    "rule_keys",
    "star_sample",
]

Provider = Literal["s3", "gcs"]

#: The only values S3 accepts in ``AllowedMethods`` (case-sensitive).
S3_METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")
#: Most rules in one S3 CORS configuration.
S3_MAX_RULES = 100
#: Most entries read from one GCS CORS configuration. GCS documents no limit; real
#: configurations hold a handful, and this bounds the work a hostile file can ask for.
GCS_MAX_RULES = 1000
#: Largest JSON text read (bytes; characters for a ``str``), checked before decoding:
#: many times a real configuration, which is a few kilobytes.
MAX_FILE_BYTES = 1024 * 1024
#: Longest S3 rule ``ID``.
S3_MAX_ID = 255
#: The keys of one S3 rule (``aws s3api put-bucket-cors``) and of one GCS entry.
S3_KEYS = (
    "AllowedOrigins",
    "AllowedMethods",
    "AllowedHeaders",
    "ExposeHeaders",
    "MaxAgeSeconds",
    "ID",
)
GCS_KEYS = ("origin", "method", "responseHeader", "maxAgeSeconds")
#: The top-level keys that hold the rules: S3's file, GCS's bucket resource (JSON API,
#: ``gcloud storage buckets describe --format=json``).
_S3_LIST_KEY = "CORSRules"
_GCS_LIST_KEYS = ("cors", "cors_config")


@dataclass(frozen=True, slots=True)
class BucketRule:
    """One bucket CORS rule, validated (values as the file writes them).

    ``index`` is the rule's position in the file (``CORSRules[index]`` / ``cors[index]``).
    For GCS, ``allowed_headers`` and ``expose_headers`` are both the entry's
    ``responseHeader`` (GCS uses one list for both), and ``id`` is ``None``.

    >>> rule = BucketRule(("https://*.example.com",), ("GET", "PUT"), ("x-amz-*",), (), 600,
    ...                   "uploads", 0)
    >>> rule.methods, rule.max_age
    (('GET', 'PUT'), 600)
    """

    origins: tuple[str, ...]
    methods: tuple[str, ...]
    allowed_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age: int | None
    id: str | None
    index: int


@dataclass(frozen=True, slots=True)
class _Format:
    provider: Provider
    name: str  # how messages name the provider
    list_key: str
    origins: str
    methods: str
    headers: str
    expose: str | None
    max_age: str
    id: str | None
    keys: tuple[str, ...]


_S3 = _Format("s3", "S3", _S3_LIST_KEY, *S3_KEYS, keys=S3_KEYS)  # S3_KEYS is in field order
_GCS = _Format(
    "gcs",
    "GCS",
    "cors",
    "origin",
    "method",
    "responseHeader",
    None,
    "maxAgeSeconds",
    None,
    GCS_KEYS,
)
_FORMATS: Mapping[str, _Format] = {"s3": _S3, "gcs": _GCS}
#: Keys whose value is a list: a key written twice is fixed by merging the two lists.
_LIST_KEYS = frozenset({_S3_LIST_KEY, *_GCS_LIST_KEYS, *S3_KEYS[:4], *GCS_KEYS[:3]})


def rule_keys(provider: Provider) -> tuple[str, str, str]:
    """The provider's names for a rule's origins, methods and request headers.

    >>> rule_keys("s3"), rule_keys("gcs")
    (('AllowedOrigins', 'AllowedMethods', 'AllowedHeaders'), ('origin', 'method', 'responseHeader'))
    """
    f = _FORMATS[provider]
    return f.origins, f.methods, f.headers


def label(provider: Provider, index: int) -> str:
    """How rule ``index`` is named in messages: ``CORSRules[1]`` (S3), ``cors[1]`` (GCS).

    >>> label("s3", 1), label("gcs", 0)
    ('CORSRules[1]', 'cors[0]')
    """
    return f"{_FORMATS[provider].list_key}[{index}]"


def _show(value: object) -> str:
    """A configuration value as a :class:`Problem` shows it (quoted, escaped, cut)."""
    if isinstance(value, str):
        return quote(value)
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


class _Collector:
    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, option: str, entry: str, problem: str, fix: str) -> None:
        self.errors.append(Problem(option, entry, problem, fix))

    def warn(self, option: str, entry: str, problem: str, fix: str) -> None:
        self.warnings.append(Problem(option, entry, problem, fix))


# ------------------------------------------------------------------------ provider


def _keys_of(data: object) -> set[str]:
    if isinstance(data, Mapping):
        return {k for k in data if isinstance(k, str)}
    return set()


def detect_provider(data: object) -> Provider | None:
    """Which provider's CORS format already-parsed JSON ``data`` is written in.

    S3: ``{"CORSRules": [...]}`` or a list of rules with ``AllowedOrigins``,
    ``AllowedMethods`` ...; GCS: a list of entries with ``origin``, ``method``,
    ``responseHeader``, ``maxAgeSeconds``, or a bucket resource holding ``"cors"``.
    ``None`` when the shape is neither (an empty list says nothing either).

    >>> detect_provider({"CORSRules": []}), detect_provider([{"origin": ["*"], "method": ["GET"]}])
    ('s3', 'gcs')
    >>> detect_provider({"allow_origins": ["*"]}) is None, detect_provider([]) is None
    (True, True)
    """
    try:
        if isinstance(data, Mapping):
            keys = _keys_of(data)
            if _S3_LIST_KEY in keys:
                return "s3"
            if keys & set(_GCS_LIST_KEYS):
                return "gcs"
            items: list[object] = [data]  # one rule, written without its list
        elif isinstance(data, list | tuple):
            items = list(data)
        else:
            return None
        for item in items:
            keys = _keys_of(item)
            if keys & set(S3_KEYS):
                return "s3"
            if keys & set(GCS_KEYS):
                return "gcs"
    except Exception:  # a hostile Mapping: no provider, never an exception
        return None
    return None


# ------------------------------------------------------------------------- loading


class _RepeatedKeys(dict[str, Any]):
    """A decoded JSON object that writes some keys more than once (the last value kept,
    as every JSON reader, the providers' tools included, keeps it); ``repeated`` says
    how many times each such key was written, in the file's order."""

    __slots__ = ("repeated",)

    def __init__(self, pairs: list[tuple[str, Any]], repeated: dict[str, int]) -> None:
        super().__init__(pairs)
        self.repeated = repeated


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    counts = Counter(key for key, _ in pairs)
    return _RepeatedKeys(pairs, {key: n for key, n in counts.items() if n > 1})


def decode_json(text: str | bytes) -> Any:
    """``json.loads`` that remembers keys written twice in one object, so that
    :func:`parse_rules` can warn that JSON silently kept only the last value.

    >>> rule = decode_json('{"AllowedOrigins": ["https://a.example"], "AllowedOrigins": ["*"]}')
    >>> rule["AllowedOrigins"], rule.repeated
    (['*'], {'AllowedOrigins': 2})
    """
    return json.loads(text, object_pairs_hook=_json_object)


def _too_big(where: str, entry: str) -> Problem:
    return Problem(
        where,
        entry,
        f"is larger than 1 MiB ({MAX_FILE_BYTES} bytes), the most read as a bucket's CORS "
        "rules (a real configuration is a few kilobytes)",
        "give the bucket's CORS configuration alone (what get-bucket-cors prints)",
    )


def load_data(config: object, provider: Provider) -> tuple[object, list[Problem]]:
    """The parsed JSON of ``config``: JSON text (``str``/``bytes``), a file to read
    (``os.PathLike``), or data already parsed (returned as is).

    >>> load_data('[{"origin": ["*"]}]', "gcs")
    ([{'origin': ['*']}], [])
    >>> print(load_data("[{", "s3")[1][0])
    CORSRules is not valid JSON (Expecting property name ...); fix: ...

    Text longer than :data:`MAX_FILE_BYTES` is refused before it is decoded (a file is
    read no further than that).
    """
    where = _FORMATS[provider].list_key
    text: str | bytes
    if isinstance(config, os.PathLike):
        try:
            with open(config, "rb") as handle:
                text = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            return None, [
                Problem(where, quote(os.fspath(config)), f"cannot be read ({exc.strerror})", "")
            ]
        if len(text) > MAX_FILE_BYTES:
            return None, [_too_big(where, quote(os.fspath(config)))]
        hint = "fix the file's JSON syntax"
    elif isinstance(config, str | bytes):
        text = config
        if len(text) > MAX_FILE_BYTES:
            return None, [_too_big(where, "")]
        hint = "fix the JSON syntax (a str is JSON text: pass pathlib.Path(...) to read a file)"
    else:
        return config, []
    try:
        return decode_json(text), []
    except json.JSONDecodeError as exc:
        where_in = f"line {exc.lineno} column {exc.colno}"
        return None, [Problem(where, "", f"is not valid JSON ({exc.msg}, {where_in})", hint)]
    except (UnicodeDecodeError, RecursionError, ValueError) as exc:
        return None, [Problem(where, "", f"is not valid JSON ({exc})", hint)]


# --------------------------------------------------------------------- validation


def _warn_repeated(c: _Collector, obj: object, where: str, keys: tuple[str, ...]) -> None:
    """Warn about each of ``keys`` that the decoded object ``obj`` wrote more than once."""
    if not isinstance(obj, _RepeatedKeys):
        return
    for key, times in obj.repeated.items():
        if key not in keys:
            continue
        c.warn(
            f"{where}.{key}" if where else key,
            "",
            f"is written {times} times in {where or 'the file'}: JSON keeps only the last "
            "one, so the values of the others are silently dropped",
            f"merge the values into one {key} list" if key in _LIST_KEYS else f"keep one {key}",
        )


def _rule_list(c: _Collector, f: _Format, data: object) -> tuple[str, list[object]] | None:
    """``(location prefix, rules)`` of the file's top level, or ``None`` (an error)."""
    if isinstance(data, list | tuple):
        return f.list_key, list(data)
    if not isinstance(data, Mapping):
        shape = f"{{{f.list_key!r}: [...]}}" if f is _S3 else "[...]"
        c.error(f.list_key, _show(data), "is not a list of rules", f"write {shape}")
        return None
    _warn_repeated(c, data, "", (_S3_LIST_KEY,) if f is _S3 else _GCS_LIST_KEYS)
    keys = _keys_of(data)
    if f is _S3:
        unknown = sorted(k for k in keys if k != _S3_LIST_KEY) + [
            repr(k) for k in data if not isinstance(k, str)
        ]
        if _S3_LIST_KEY not in keys and keys & set(S3_KEYS):
            c.error(
                f.list_key,
                "",
                "is missing: the file holds one rule, not the list of rules",
                'write [{...}] or {"CORSRules": [{...}]}',
            )
            return None
        if keys == {"rules"}:  # Cloudflare's R2 API shape: say so, with the S3 shape R2 takes
            c.error(
                "rules",
                "",
                "is Cloudflare's R2 API shape ({'rules': [{'allowed': {...}}]}), not S3's",
                "give the S3 shape that R2's dashboard and its S3 API also take: "
                "[{'AllowedOrigins': allowed.origins, 'AllowedMethods': allowed.methods, "
                "'AllowedHeaders': allowed.headers, 'ExposeHeaders': exposeHeaders, "
                "'MaxAgeSeconds': maxAgeSeconds}]",
            )
            return None
        for key in unknown:
            c.error(
                key,
                "",
                "is not a key of an S3 CORS configuration",
                suggest(key, [_S3_LIST_KEY], "the only key is 'CORSRules'"),
            )
        if _S3_LIST_KEY not in keys:
            if not unknown:
                c.error(f.list_key, "", "is missing", 'write {"CORSRules": [...]}')
            return None
        value = data[_S3_LIST_KEY]
        key = _S3_LIST_KEY
    else:
        key = next((k for k in _GCS_LIST_KEYS if k in keys), "")
        if not key:
            if keys & set(GCS_KEYS):
                c.error(
                    f.list_key,
                    "",
                    "is missing: the file holds one entry, not the list of entries",
                    "write [{...}]",
                )
            else:
                c.error(f.list_key, "", "is missing", 'write [...] or {"cors": [...]}')
            return None
        value = data[key]  # the rest of a bucket resource (name, location ...) is not ours
    if not isinstance(value, list | tuple):
        c.error(key, _show(value), "is not a list", f"write {key}: [...]")
        return None
    return key, list(value)


def _strings(c: _Collector, where: str, value: object) -> Iterator[tuple[str, str]]:
    """``(location, item)`` for each string of a list-valued key, in order; anything else
    is an error (reported in its turn, so problems keep the file's order)."""
    if isinstance(value, str):
        c.error(
            where,
            _show(value),
            "is a string where a list is expected",
            f"write [{value!r}]" if len(value) < 200 else "write a list of strings",
        )
        return
    if not isinstance(value, list | tuple):
        c.error(where, _show(value), "is not a list", "write a list of strings")
        return
    if not value:
        c.error(where, "[]", "is empty, so the rule matches no request", "list the values")
    for j, item in enumerate(value):
        if isinstance(item, str):
            yield f"{where}[{j}]", item
        else:
            c.error(f"{where}[{j}]", _show(item), "is not a string", "write it as a string")


@dataclass
class _Origins:
    """One rule's origins, sorted out for the checks that need the whole rule."""

    values: list[str]
    any_origin: bool
    exact: list[tuple[str, str]]  # (location, origin)
    patterns: list[tuple[str, str]]  # (location, entry with one '*')


_WILDCARD_FIX = "split it into entries with one '*' each, e.g. 'https://*.example.com'"


def _origin_entries(c: _Collector, f: _Format, where: str, value: object) -> _Origins:
    result = _Origins([], False, [], [])
    for loc, text in _strings(c, where, value):
        stars = text.count("*")
        if text == "*":
            result.any_origin = True
        elif not text:
            c.error(loc, "''", "is empty, so it matches no origin", "remove it")
            continue
        elif text != text.strip() or not text.isprintable() or not text.isascii():
            c.error(
                loc,
                _show(text),
                "holds whitespace, control or non-ASCII characters, which a browser's "
                "Origin never does",
                "write the origin as location.origin shows it",
            )
            continue
        elif text.lower().startswith("file:"):
            c.error(
                loc,
                _show(text),
                "is a file:// origin, but pages opened from files send 'Origin: null'",
                "remove it (a file:// page cannot be allowed safely)",
            )
            continue
        elif text == "null":
            c.error(
                loc,
                "'null'",
                "allows the opaque origin sent by sandboxed iframes, file:// pages and "
                "redirects: any site can produce it",
                "remove it",
            )
            continue
        elif stars > 1 and f is not _GCS:  # GCS has no pattern at all: told below
            c.error(
                loc,
                _show(text),
                f"has {stars} '*' wildcards ({f.name} allows one per origin)",
                _WILDCARD_FIX,
            )
            continue
        elif stars:
            if f is _GCS:
                c.error(
                    loc,
                    _show(text),
                    "has a partial wildcard: GCS matches origins exactly, and only '*' "
                    "alone means any origin",
                    "list each origin, e.g. 'https://app.example.com' (GCS has no pattern "
                    "like 'https://*.example.com')",
                )
                continue
            if not _check_pattern(c, loc, text):
                continue
            result.patterns.append((loc, text))
        else:
            parsed = parse_config_origin(text)
            if isinstance(parsed, Problem):
                c.error(loc, _show(text), parsed.problem, parsed.fix)
                continue
            if isinstance(parsed, OriginPattern) or parsed != text:  # OriginPattern: never
                c.error(
                    loc,
                    _show(text),
                    f"is not the exact text a browser sends as Origin ({str(parsed)!r}), "
                    f"and {f.name} compares the text, so it never matches",
                    f"write {str(parsed)!r}",
                )
                continue
            result.exact.append((loc, text))
        result.values.append(text)
    return result


def star_sample(text: str) -> str:
    """An origin the one-``*`` entry ``text`` matches (the ``*`` made concrete)."""
    before, _, after = text.partition("*")
    if before.endswith(":") and "://" in before:  # the port
        return f"{before}8080{after}"
    return f"{before}x{after}"


def _check_pattern(c: _Collector, loc: str, text: str) -> bool:
    """Errors for a one-``*`` S3 origin that can never match what a browser sends."""
    if text != text.lower():
        c.error(
            loc,
            _show(text),
            "has uppercase letters, which a browser's Origin never has, and S3 compares "
            "the text, so it never matches",
            f"write {text.lower()!r}",
        )
        return False
    scheme_end = text.find("://")
    if scheme_end < 0 or text.index("*") < scheme_end:  # the '*' stands for the scheme
        if "/" in text.replace("://", "", 1):
            c.error(loc, _show(text), "has a path", "remove everything after the host")
            return False
        return True
    rest = text[scheme_end + 3 :]
    for sep, what, fix in (
        ("/", "a path", "remove the path (browsers send origins without any)"),
        ("?", "a query", "remove the query"),
        ("#", "a fragment", "remove the fragment"),
        ("@", "userinfo ('user@')", "remove everything before '@'"),
    ):
        if sep in rest:
            if sep == "/" and rest.endswith("/") and rest.count("/") == 1:
                what, fix = "a trailing slash", "remove the trailing '/'"
            c.error(loc, _show(text), f"has {what}", fix)
            return False
    sample = star_sample(text)
    parsed = parse_config_origin(sample)
    if isinstance(parsed, Problem):
        c.error(loc, _show(text), parsed.problem.replace(repr(sample), "it"), parsed.fix)
        return False
    if str(parsed) != sample:
        c.error(
            loc,
            _show(text),
            f"is not written as browsers send origins ({sample!r} would be sent as "
            f"{str(parsed)!r}), and S3 compares the text, so it never matches",
            "write it as browsers send it (no default port, lowercase, ASCII host)",
        )
        return False
    return True


_CREDENTIALS = "S3 answers it with 'Access-Control-Allow-Credentials: true'"
_OUTSIDE = (
    "lets the '*' stand for hosts outside your domain (S3's '*' matches any text, dots "
    f"included), and {_CREDENTIALS}"
)
_OUTSIDE_FIX = "put the '*' in the leftmost label, e.g. 'https://*.example.com'"


def _untrusted(c: _Collector, loc: str, text: str, scheme: str, host: str) -> None:
    """The warning CORSPolicy gives a credentialed origin an attacker can produce."""
    if is_potentially_trustworthy(scheme, host):
        return
    if scheme == "http":
        problem = f"is plain http, and {_CREDENTIALS}: a network attacker can impersonate it"
    else:
        problem = (
            f"uses the {scheme!r} scheme, and {_CREDENTIALS}: nothing authenticates a page "
            "with that origin"
        )
    c.warn(loc, _show(text), problem, "use https")


def _domain_warnings(c: _Collector, loc: str, text: str, scheme: str, after: str) -> str | None:
    """Warn when the text after a host ``*`` does not pin a domain of your own; the domain."""
    host_after = after.partition(":")[0]
    domain = host_after[1:]
    if not host_after.startswith(".") or not domain:
        c.warn(loc, _show(text), _OUTSIDE, _OUTSIDE_FIX)
        return None
    if check_wildcard_suffix(OriginPattern(scheme or "https", domain, None, True)):
        c.warn(
            loc,
            _show(text),
            f"matches every site registered under the public suffix {domain!r}, and {_CREDENTIALS}",
            "list your own subdomains",
        )
        return None
    return domain


def _pattern_warnings(c: _Collector, loc: str, text: str) -> None:
    """Warnings for a one-``*`` origin of a rule S3 answers with credentials."""
    scheme_end = text.find("://")
    star = text.index("*")
    if scheme_end < 0 or star < scheme_end:  # the '*' stands for (part of) the scheme
        after = text[star + 1 :]
        if "://" not in after and _domain_warnings(c, loc, text, "", after) is None:
            return  # the '*' spans the host too, beyond your domain
        c.warn(
            loc,
            _show(text),
            f"matches any scheme, plain http included, and {_CREDENTIALS}: a network "
            "attacker can produce an http page with such an origin",
            "write the scheme, e.g. 'https://*.example.com'",
        )
        return
    scheme, rest = text[:scheme_end], text[scheme_end + 3 :]
    before, _, after = rest.partition("*")
    if ":" in before:  # 'host:*': any port of one host
        host = before.rpartition(":")[0]
    else:
        domain = _domain_warnings(c, loc, text, scheme, after)
        if domain is None:
            return
        host = domain
    _untrusted(c, loc, text, scheme, host)


def _origin_warnings(c: _Collector, f: _Format, origins: _Origins) -> None:
    if f is not _S3 or origins.any_origin:  # GCS never sends credentials; '*' neither
        return
    for loc, text in origins.exact:
        parsed = parse_origin(text)
        if parsed is not None:
            _untrusted(c, loc, text, parsed.scheme, parsed.host)
    for loc, text in origins.patterns:
        _pattern_warnings(c, loc, text)


def _methods(c: _Collector, f: _Format, where: str, value: object) -> list[str]:
    out: list[str] = []
    for loc, method in _strings(c, where, value):
        if f is _S3:
            if method not in S3_METHODS:
                upper = method.upper()
                if upper in S3_METHODS:
                    c.error(
                        loc,
                        _show(method),
                        "is not uppercase: S3 accepts only the uppercase method names",
                        f"write {upper!r}",
                    )
                else:
                    c.error(
                        loc,
                        _show(method),
                        "is not a method S3 allows",
                        "use one of GET, PUT, HEAD, POST, DELETE (S3 answers no other "
                        "method's preflight)",
                    )
                continue
        elif method != "*":
            if not is_token(method):
                c.error(loc, _show(method), "is not a valid method name", "write e.g. 'PUT'")
                continue
            if method.upper() in FORBIDDEN_METHODS:
                c.error(
                    loc, _show(method), "is a forbidden method browsers never send", "remove it"
                )
                continue
            if method != method.upper():
                c.error(
                    loc,
                    _show(method),
                    "is not uppercase: methods are case-sensitive and browsers send "
                    "standard ones uppercase",
                    f"write {method.upper()!r}",
                )
                continue
        out.append(method)
    return out


def _headers(c: _Collector, f: _Format, where: str, value: object, patterns: bool) -> list[str]:
    out: list[str] = []
    if isinstance(value, list | tuple) and not value:
        return out  # no header: allowed
    for loc, name in _strings(c, where, value):
        stars = name.count("*")
        literal = name.replace("*", "")
        if name == "*":
            pass
        elif stars and not patterns:
            c.error(
                loc,
                _show(name),
                f"has a partial wildcard, which {f.name} does not support here",
                "list the header names, or write '*' alone",
            )
            continue
        elif stars > 1:
            c.error(
                loc,
                _show(name),
                f"has {stars} '*' wildcards (S3 allows one per header name)",
                "use one '*', e.g. 'x-amz-meta-*'",
            )
            continue
        elif not literal or not is_token(literal):
            example = "'x-amz-meta-*'" if patterns else "'x-amz-meta-color'"
            c.error(loc, _show(name), "is not a valid header name", f"write e.g. {example}")
            continue
        out.append(name)
    return out


def _max_age(c: _Collector, where: str, value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        c.error(where, _show(value), "is not an integer number of seconds", "write e.g. 3000")
        return None
    try:
        shown = _show(value)
    except ValueError:  # more digits than int-to-str converts (sys.get_int_max_str_digits)
        shown = f"<an integer of {value.bit_length()} bits>"
    if value < 0:
        c.error(where, shown, "is negative", "use 0 (no caching) or more")
        return None
    if value > MAX_MAX_AGE:
        c.error(
            where,
            shown,
            f"is absurd: browsers cap it (Chromium at 7200 s, Firefox at {MAX_MAX_AGE} s)",
            "use at most 7200",
        )
        return None
    return value


def _rule(c: _Collector, f: _Format, where: str, raw: object, index: int) -> BucketRule | None:
    if not isinstance(raw, Mapping):
        c.error(where, _show(raw), "is not an object (one rule)", "write {...}")
        return None
    _warn_repeated(c, raw, where, f.keys)
    before = len(c.errors)
    for key in raw:
        if key not in f.keys:
            name = key if isinstance(key, str) else repr(key)
            c.error(
                f"{where}.{name}",
                "",
                f"is not a key of {'an S3 rule' if f is _S3 else 'a GCS entry'}",
                suggest(name, f.keys, "valid keys: " + ", ".join(f.keys)),
            )
    for required in (f.origins, f.methods):
        if required not in raw:
            c.error(
                f"{where}.{required}",
                "",
                "is missing, so the rule matches no request",
                f"add {required}: [...]",
            )
    origins = _Origins([], False, [], [])
    if f.origins in raw:
        origins = _origin_entries(c, f, f"{where}.{f.origins}", raw[f.origins])
    methods: list[str] = []
    if f.methods in raw:
        methods = _methods(c, f, f"{where}.{f.methods}", raw[f.methods])
    headers = _headers(c, f, f"{where}.{f.headers}", raw.get(f.headers, []), f is _S3)
    expose = headers
    if f.expose is not None:
        expose = _headers(c, f, f"{where}.{f.expose}", raw.get(f.expose, []), False)
    max_age = None
    if f.max_age in raw:
        max_age = _max_age(c, f"{where}.{f.max_age}", raw[f.max_age])
    rule_id: str | None = None
    if f.id is not None and f.id in raw:
        value = raw[f.id]
        if not isinstance(value, str):
            c.error(f"{where}.{f.id}", _show(value), "is not a string", "write it as a string")
        elif len(value) > S3_MAX_ID:
            c.error(
                f"{where}.{f.id}",
                _show(value),
                f"is longer than {S3_MAX_ID} characters",
                "use a shorter ID",
            )
        else:
            rule_id = value
    if len(c.errors) > before:
        return None
    _origin_warnings(c, f, origins)
    if origins.any_origin:
        writes = sorted({"PUT", "DELETE"} & set(methods)) or (["*"] if "*" in methods else [])
        if writes:
            c.warn(
                f"{where}.{f.methods}",
                ", ".join(repr(m) for m in writes),
                f"{'are' if len(writes) > 1 else 'is'} allowed to every origin ('*'): any "
                f"website can send {'them' if len(writes) > 1 else 'it'} to this bucket "
                "from its visitors' browsers and read the answer; safe only if every write "
                "needs a signed URL or credentials those pages cannot get",
                f"list your front end's origins in {f.origins}",
            )
    return BucketRule(
        tuple(origins.values),
        tuple(methods),
        tuple(headers),
        tuple(expose),
        max_age,
        rule_id,
        index,
    )


def _within_limit(c: _Collector, f: _Format, key: str, items: list[object]) -> list[object]:
    """The rules to validate: refuses a file over the provider's count before any rule is
    looked at, and keeps only the first ``limit`` (a hostile file costs what a full one does)."""
    limit = S3_MAX_RULES if f is _S3 else GCS_MAX_RULES
    if len(items) <= limit:
        return items
    if f is _S3:
        c.error(
            key,
            f"{len(items)} rules",
            f"has more than {S3_MAX_RULES} rules (S3's limit)",
            "merge rules (one rule may list several origins and methods); "
            f"only the first {limit} were checked",
        )
    else:
        c.error(
            key,
            f"{len(items)} entries",
            f"has more than {GCS_MAX_RULES} entries, the most read from a GCS configuration",
            "merge entries (one entry may list several origins and methods); "
            f"only the first {limit} were checked",
        )
    return items[:limit]


def parse_rules(
    data: object, provider: Provider
) -> tuple[tuple[BucketRule, ...], list[Problem], list[Problem]]:
    """``(rules, errors, warnings)`` of already-parsed JSON ``data`` (never raises)."""
    c = _Collector()
    f = _FORMATS.get(provider) if isinstance(provider, str) else None
    if f is None:
        c.error("provider", _show(provider), "is not a bucket provider", "use 's3' or 'gcs'")
        return (), c.errors, c.warnings
    rules: list[BucketRule] = []
    try:
        found = _rule_list(c, f, data)
        if found is None:
            return (), c.errors, c.warnings
        key, items = found
        if f is _S3 and not items:
            c.error(
                key,
                "[]",
                "has no rules (S3 refuses an empty configuration)",
                "add a rule, or remove the configuration (aws s3api delete-bucket-cors)",
            )
        items = _within_limit(c, f, key, items)
        for index, raw in enumerate(items):
            rule = _rule(c, f, f"{key}[{index}]", raw, index)
            if rule is not None:
                rules.append(rule)
    except Exception as exc:  # a hostile Mapping or sequence: reported, never raised
        c.error(f.list_key, "", f"cannot be read ({type(exc).__name__})", "write plain JSON data")
    return tuple(rules), c.errors, c.warnings


def bucket_problems(config: object, provider: Provider) -> tuple[list[Problem], list[Problem]]:
    """``(errors, warnings)`` of a bucket's CORS rules, already parsed from JSON.

    Errors are what :func:`~cors_core.buckets.from_s3` / :func:`~cors_core.buckets.from_gcs`
    refuse; warnings the doubtful but accepted entries (each becomes a
    :class:`~cors_core.CORSConfigWarning`). Each :class:`~cors_core.Problem` names its
    place in the file as ``option``. Never raises, whatever ``config`` holds.

    >>> errors, warnings = bucket_problems(
    ...     {"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PATCH"]}]}, "s3")
    >>> print(errors[0])
    CORSRules[0].AllowedMethods[1]: 'PATCH' is not a method S3 allows; fix: use one of GET, ...
    >>> bucket_problems([{"origin": ["https://a.example"], "method": ["GET"]}], "gcs")
    ([], [])
    """
    _, errors, warnings = parse_rules(config, provider)
    return errors, warnings
