"""The ``cors-core`` command: check a live server, explain, audit or export a config.

Usage (also ``python -m cors_core ...``)::

    cors-core check URL --origin ORIGIN [--method M] [-H 'Name: value' ...] [--credentials]
                        [--credentials-mode omit|same-origin|include]
                        [--private-network] [--timeout S] [--json]
    cors-core explain --config FILE --origin ORIGIN [--path /p] [--method M] [-H ...]
                      [--credentials] [--credentials-mode MODE] [--private-network] [--json]
    cors-core audit --config FILE [--fail-on high|medium|low|info] [--json]
    cors-core export --to s3|gcs --config FILE [--strict]
    cors-core demo [ARGS...]

``check`` does what a browser does (:func:`cors_core.browser.simulate` with an httpx
client): decides whether a preflight is needed, sends it, checks it, sends the actual
request, checks it, and prints each step, the verdict, the rule that failed and a fix.
The verdict is the Fetch standard's; where Chrome decides otherwise today (``*`` in
``Access-Control-Allow-Headers`` covering ``Authorization``), the output says both.
``explain`` gives the same verdict offline, sending the trip through the policy of a
configuration file. ``audit`` probes a configuration with attacker origins. ``export``
prints a configuration as an S3 (``{"CORSRules": [...]}``) or GCS (``[{"origin": ...}]``)
bucket CORS document, each way the bucket answers differently a warning on stderr
(``--strict``: an error), or says what the bucket cannot express.

``--config FILE`` is a TOML or JSON file of CORS options (``[tool.cors]``, ``[cors]`` or
top-level options, see :mod:`cors_core.loading`) or a bucket's CORS rules as JSON: S3's
``{"CORSRules": [...]}`` (what ``aws s3api get-bucket-cors`` prints) or GCS's
``[{"origin": [...], "method": [...]}]`` list (alone or as ``{"cors": [...]}``), recognised
by their shape
(:func:`cors_core.buckets.detect_provider`). ``audit`` reads a bucket file even where
:func:`cors_core.buckets.from_s3` would refuse it (such rules are usually live already):
every refused entry is a ``high`` finding at its location (``CORSRules[1].AllowedMethods[0]``).

Exit status: ``check``/``explain``: 0 allowed, 1 blocked, 2 error (unreachable host,
bad arguments, invalid configuration). ``audit``: 0 clean, 1 when a finding reaches
``--fail-on`` (default ``high``), 2 error (a file it cannot read or parse). ``export``:
0 printed, 2 error (invalid configuration, one the bucket cannot express, or with
``--strict`` any warning).

httpx is needed by ``check`` only (``pip install 'cors-core[cli]'``).

Everything printed is printable ASCII: what the server sent (``X-CORS-Reason``,
header values, bodies) and what the user typed are escaped with the project's one
rule (:func:`cors_core._text.escape`), so a hostile or broken server cannot drive
the terminal with ANSI/C1 escape sequences, hide text with bidi controls or forge
lines. The text output escapes every line; ``--json`` escapes the human sentences
(``message``, ``server_reasons``, ``fix``, ``steps``, ``notes``) the same way and
keeps the recorded exchanges (``preflight``/``actual``) as data, which JSON itself
writes as ASCII (``\\u001b``); a consumer that prints those must escape them.

Example::

    >>> from cors_core.cli import main
    >>> main(["explain", "--config", "cors.toml", "--origin", "https://app.example.com"])
    cors-core explain: GET / (config cors.toml) from origin 'https://app.example.com'
    ...
    verdict: ALLOWED
      readable response headers: content-type
    0
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.metadata
import importlib.util
import json
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

from cors_core._decision import Action, Decision, ReasonCode
from cors_core._errors import ConfigError, CORSConfigWarning, Problem
from cors_core._paths import PathRules
from cors_core._policy import CORSPolicy
from cors_core._rejection import REASON_HEADER, parse_reason_header, parse_rejection
from cors_core._text import escape, quote
from cors_core.audit import SEVERITIES, Finding, audit_bucket, audit_policies, near_misses
from cors_core.browser import CredentialsMode, Exchange, Response, Trip, Verdict, simulate
from cors_core.buckets import (
    BucketPolicy,
    Provider,
    detect_provider,
    export,
    from_gcs,
    from_s3,
)
from cors_core.buckets._parse import MAX_FILE_BYTES, decode_json
from cors_core.cli._demo import run_demo
from cors_core.integration import merge_response_headers, read_pairs
from cors_core.loading import load_policies, read_json, read_toml, rules_from_mapping

__all__ = ["main"]

T = TypeVar("T")

EXIT_ALLOWED = 0
EXIT_BLOCKED = 1
EXIT_ERROR = 2

_BODY_SHOWN = 2000


class _UsageError(Exception):
    """Bad command-line arguments (exit 2)."""


@dataclass
class _Report:
    """What ``check`` and ``explain`` print (text or JSON)."""

    command: str
    target: str
    origin: str
    method: str
    credentials: CredentialsMode
    trip: Trip
    server_reasons: list[str] = field(default_factory=list)
    fix: str = ""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        v = self.trip.verdict
        return {
            "command": self.command,
            "target": self.target,
            "origin": self.origin,
            "method": self.method,
            "credentials": self.credentials == "include",
            "credentials_mode": self.credentials,
            "allowed": v.allowed,
            "code": v.code,
            "message": _shown(v.message),
            "decided_by": v.deciders,
            "differences": [
                {
                    "browsers": list(d.browsers),
                    "allowed": d.allowed,
                    "rule": d.rule,
                    "reason": _shown(d.reason),
                    "following_standard": list(d.following_standard),
                    "fix": _shown(d.fix),
                }
                for d in v.differences
            ],
            "server_reasons": [_shown(r) for r in self.server_reasons],
            "fix": _shown(self.fix),
            "notes": [_shown(n) for n in self.notes],
            "steps": [_shown(s) for s in self.trip.steps],
            "preflight": _exchange(self.trip.preflight),
            "actual": _exchange(self.trip.actual),
            "readable_headers": sorted(self.trip.readable_headers),
        }


def _exchange(ex: Exchange | None) -> dict[str, Any] | None:
    if ex is None:
        return None
    return {
        "method": ex.method,
        "request_headers": [list(p) for p in ex.headers],
        "status": ex.status,
        "response_headers": [list(p) for p in ex.response_headers],
        "body": ex.body[:_BODY_SHOWN].decode("utf-8", "replace"),
    }


def _parse_header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip():
        raise _UsageError(f"-H {text!r}: write a header as 'Name: value'")
    return name.strip(), value.strip()


def _option_fix(code: str, method: str, origin: str) -> str:
    """The cors_core setting (or generic server change) that fixes a browser verdict."""
    fixes = {
        "missing_allow_origin": f"allow the origin: with cors_core add {origin!r} to "
        "allow_origins; any server must answer every response (errors included) with "
        f"'Access-Control-Allow-Origin: {origin}'",
        "allow_origin_mismatch": "send Access-Control-Allow-Origin equal to the request's "
        "Origin, byte for byte (cors_core does this for every allowed origin)",
        "multiple_allow_origin": "send exactly one Access-Control-Allow-Origin: remove the "
        "duplicate (proxy and app both adding it?)",
        "invalid_allow_origin": "send '*' or the request's origin in Access-Control-Allow-Origin",
        "wildcard_with_credentials": "echo the origin instead of '*': with cors_core list the "
        "origins in allow_origins and set allow_credentials=True",
        "missing_allow_credentials": "send 'Access-Control-Allow-Credentials: true': with "
        "cors_core set allow_credentials=True",
        "invalid_allow_credentials": "send exactly 'Access-Control-Allow-Credentials: true'",
        "preflight_status": "answer the OPTIONS preflight with 204 before routing and "
        "authentication: put the CORS middleware outermost",
        "preflight_redirect": "serve the preflight at the exact URL (no trailing-slash or "
        "https redirect)",
        "method_not_allowed": f"allow the method: with cors_core add {method!r} to allow_methods",
        "header_not_allowed": "allow the request header(s) named above: with cors_core add "
        "them to allow_headers",
        "private_network_not_allowed": "with cors_core set allow_private_network=True",
        "invalid_allow_private_network": "send 'Access-Control-Allow-Private-Network: true'",
        "invalid_allow_methods": "send Access-Control-Allow-Methods as a comma-separated list",
        "invalid_allow_headers": "send Access-Control-Allow-Headers as a comma-separated list",
        "invalid_response_header": "never put CR, LF or NUL in a response header",
    }
    return fixes.get(code, "")


# ------------------------------------------------------------------------------- output


def _shown(text: str) -> str:
    """``text`` as the CLI shows it: one line of printable ASCII.

    Backslashes are kept: the text quotes values with :func:`cors_core._text.quote`
    already (and a cors_core server's ``X-CORS-Reason`` is escaped by the same rule),
    so only what is still raw gets escaped.
    """
    return escape(text, backslash=False)


def _say(text: str, out: TextIO) -> None:
    """Print one line of output; nothing raw from a server or the user reaches the terminal."""
    print(_shown(text), file=out)


def _by(v: Verdict) -> str:
    """`` by the Fetch standard, Firefox and Safari; Chrome lets it through today`` when a
    browser decides otherwise (see :class:`cors_core.browser.BrowserDifference`), else ``""``."""
    if not v.differences:
        return ""
    other = "; ".join(d.outcome for d in v.differences)
    return f" by {v.deciders}; {other}"


def _print_differences(v: Verdict, out: TextIO) -> None:
    for difference in v.differences:
        _say(f"  {difference.summary}", out)


def _print_report(report: _Report, out: TextIO) -> None:
    v = report.trip.verdict
    mode = " with credentials" if report.credentials == "include" else ""
    _say(
        f"cors-core {report.command}: {report.method} {report.target} "
        f"from origin {quote(report.origin)}{mode}",
        out,
    )
    for i, step in enumerate(report.trip.steps, 1):
        _say(f"  {i}. {step}", out)
    for note in report.notes:
        _say(f"  note: {note}", out)
    if v.allowed:
        _say(f"verdict: ALLOWED{_by(v)}", out)
        _print_differences(v, out)
        readable = ", ".join(sorted(report.trip.readable_headers)) or "(none)"
        _say(f"  readable response headers: {readable}", out)
        return
    if report.server_reasons:
        # The server said why: its reason leads, with the fix; what the browser's console
        # shows (often only "no Access-Control-Allow-Origin") comes after.
        code, message = _reason_parts(report.server_reasons[0])
        _say(f"verdict: BLOCKED [{code}] by the server: {message}", out)
        if report.fix and report.fix != message:  # the engine's sentence holds its fix
            _say(f"  fix: {report.fix}", out)
        _say(f"  the browser reports: [{v.code}] {v.message}", out)
        _print_differences(v, out)
        for reason in report.server_reasons[1:]:
            _say(f"  server reason: {reason}", out)
        return
    _say(f"verdict: BLOCKED [{v.code}]{_by(v)}", out)
    _say(f"  failed rule: {v.message}", out)
    _print_differences(v, out)
    if report.fix:
        _say(f"  fix: {report.fix}", out)


def _reason_parts(reason: str) -> tuple[str, str]:
    """``(code, message)`` of a server reason, written ``[code] message`` (the engine's,
    in explain) or ``code: message`` (an ``X-CORS-Reason`` header, in check).

    >>> _reason_parts("[method_not_allowed] method 'DELETE' ..."), _reason_parts("a_b: c")
    (('method_not_allowed', "method 'DELETE' ..."), ('a_b', 'c'))
    """
    if reason.startswith("["):
        code, _, message = reason[1:].partition("] ")
        return code, message
    code, _, message = reason.partition(": ")
    return code, message


def _emit(report: _Report, as_json: bool, out: TextIO) -> int:
    if as_json:  # ensure_ascii: JSON escapes every other character of the exchanges
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=True), file=out)
    else:
        _print_report(report, out)
    return EXIT_ALLOWED if report.trip.verdict.allowed else EXIT_BLOCKED


def _credentials_mode(args: argparse.Namespace) -> CredentialsMode:
    """``--credentials`` is ``--credentials-mode include``; fetch's default is same-origin."""
    mode: CredentialsMode | None = args.credentials_mode
    if args.credentials and mode not in (None, "include"):
        raise _UsageError(
            f"--credentials means --credentials-mode include, not {mode}: give one of them"
        )
    return "include" if args.credentials else mode or "same-origin"


def _trip_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "origin": args.origin,
        "method": args.method,
        "headers": [_parse_header(h) for h in args.header],
        "credentials": _credentials_mode(args),
        "private_network": args.private_network,
    }


def _browser_fix(trip: Trip) -> str | None:
    """The fix after which every browser decides alike, when one differs (see ``_by``)."""
    fixes = [d.fix for d in trip.verdict.differences if d.fix]
    return fixes[0] if fixes else None


# -------------------------------------------------------------------------------- check


def _check(args: argparse.Namespace, out: TextIO) -> int:
    try:
        import httpx
    except ImportError:
        raise _UsageError("'cors-core check' needs httpx: pip install 'cors-core[cli]'") from None
    url: str = args.url
    if not url.startswith(("http://", "https://")):
        raise _UsageError(f"URL {quote(url)} must start with http:// or https://")
    kwargs = _trip_kwargs(args)
    reasons: list[str] = []
    with httpx.Client(timeout=args.timeout, follow_redirects=False) as client:

        def send(method: str, headers: Sequence[tuple[str, str]]) -> Response:
            r = client.request(method, url, headers=list(headers))
            # Server-supplied text: escaped once here, for the text and the JSON output.
            reasons.extend(_shown(reason) for reason in r.headers.get_list(REASON_HEADER))
            return r.status_code, r.headers.multi_items(), r.content

        try:
            trip = simulate(send, **kwargs)
        except httpx.HTTPError as exc:
            _say(f"cors-core check: cannot reach {url}: {exc}", sys.stderr)
            return EXIT_ERROR
        except ValueError as exc:
            raise _UsageError(f"a browser would refuse to send this request: {exc}") from None
    mode = kwargs["credentials"]
    report = _Report("check", url, args.origin, args.method.upper(), mode, trip)
    report.server_reasons = reasons
    target_origin = "/".join(url.split("/", 3)[:3])
    if target_origin == args.origin:
        report.notes.append("the origin is the URL's own origin: a browser would not use CORS")
    report.fix = _browser_fix(trip) or _option_fix(
        trip.verdict.code, _trip_method(trip, args.method), args.origin
    )
    if reasons and not trip.verdict.allowed:
        # The server (cors_core with debug=True) said exactly what it refused: that is the fix.
        report.fix = parse_reason_header(reasons[0])[1] or reasons[0]
    elif trip.preflight is not None and trip.preflight.status == 403 and trip.actual is None:
        report.notes.append(_refusal_note(trip.preflight.body))
        code = _SERVER_CODE_TO_VERDICT.get(_server_code(trip.preflight.body) or "")
        if code:
            report.fix = _option_fix(code, _trip_method(trip, args.method), args.origin)
        if code == "header_not_allowed":
            asked = dict((k.lower(), v) for k, v in trip.preflight.headers)
            names = asked.get("access-control-request-headers", "")
            report.fix = f"allow the request header(s) {names}: with cors_core add them to " + (
                "allow_headers"
            )
    return _emit(report, args.json, out)


_SERVER_CODE_TO_VERDICT: dict[str, str] = {
    ReasonCode.ORIGIN_NOT_ALLOWED: "missing_allow_origin",
    ReasonCode.ORIGIN_NULL: "missing_allow_origin",
    ReasonCode.METHOD_NOT_ALLOWED: "method_not_allowed",
    ReasonCode.HEADER_NOT_ALLOWED: "header_not_allowed",
    ReasonCode.PRIVATE_NETWORK: "private_network_not_allowed",
}


def _server_code(body: bytes) -> str | None:
    """The reason code a cors_core server put in its (non-debug) refusal body, if it is one."""
    rejection = parse_rejection(body)
    return rejection.code if rejection is not None else None


def _refusal_note(body: bytes) -> str:
    code = _server_code(body)
    if code is not None:
        return (
            f"the server (cors_core) refused the preflight with 403, reason code {code!r}; "
            "run it with debug=True for the full sentence (X-CORS-Reason), or use "
            "'cors-core explain' with its configuration"
        )
    return (
        "the server refused the preflight with 403 without saying why: run it with "
        "debug=True if it uses cors_core (X-CORS-Reason), or use 'cors-core explain' with "
        "its configuration"
    )


def _trip_method(trip: Trip, method: str) -> str:
    """The method the browser really sent (``fetch()`` normalises some)."""
    return trip.actual.method if trip.actual is not None else method.upper()


# ------------------------------------------------------------------------- config files

_PROVIDER_NAMES = {"s3": "S3", "gcs": "GCS"}
_NOT_A_BUCKET = (
    'is JSON, but neither S3 CORS rules ({"CORSRules": [...]}) nor GCS ones '
    '([{"origin": [...], "method": [...]}]) nor an object of CORS options'
)


@dataclass(frozen=True)
class _Config:
    """A ``--config`` file: TOML options (``provider`` None) or a bucket's JSON rules."""

    path: str
    provider: Provider | None
    data: Any

    @property
    def label(self) -> str:
        """How the output names the file: ``config cors.toml``, ``S3 rules cors.json``."""
        kind = "config" if self.provider is None else f"{_PROVIDER_NAMES[self.provider]} rules"
        return f"{kind} {self.path}"


def _file_problem(path: str, problem: str, fix: str) -> ConfigError:
    return ConfigError([Problem("config file", repr(path), problem, fix)])


def _read_json(path: str) -> Any:
    """The parsed JSON of ``path``; a :class:`ConfigError` when it cannot be read or parsed."""
    try:
        with Path(path).open("rb") as handle:  # read no further than the bound
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _file_problem(path, f"cannot be read ({exc.strerror})", "check the path") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _file_problem(
            path,
            f"is larger than 1 MiB ({MAX_FILE_BYTES} bytes), the most read as a bucket's CORS "
            "rules",
            "give the bucket's CORS configuration alone (what get-bucket-cors prints)",
        )
    try:
        return decode_json(raw)
    except RecursionError:
        raise _file_problem(path, "is not valid JSON (nested too deeply)", "fix it") from None
    except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8/16/32
        raise _file_problem(path, f"is not valid JSON ({exc})", "fix the syntax") from None


def _bucket_config(path: str, data: Any) -> _Config:
    provider = detect_provider(data)
    if provider is None:
        raise _file_problem(
            path,
            _NOT_A_BUCKET,
            "give CORS options (TOML, or a JSON object), or the bucket's CORS rules as JSON",
        )
    return _Config(path, provider, data)


def _read_config(path: str) -> _Config:
    """A ``.json`` file is a bucket's rules when it has their shape, and CORS options
    otherwise (as :func:`cors_core.loading.load_config` reads it); anything else is TOML,
    unless it is not TOML but a bucket's rules (``aws s3api get-bucket-cors > cors``
    names no extension)."""
    if path.lower().endswith(".json"):
        data = _read_json(path)
        options = isinstance(data, dict) and (
            detect_provider(data) is None or isinstance(data.get("cors"), dict)
        )  # GCS's own {"cors": [...]} holds a list
        if options:
            return _Config(path, None, read_json(path))  # told in JSON's words
        return _bucket_config(path, data)
    try:
        return _Config(path, None, read_toml(path))
    except ConfigError as not_toml:
        try:
            data = _read_json(path)
        except ConfigError:
            raise not_toml from None
        if detect_provider(data) is None:
            raise
        return _bucket_config(path, data)


def _policy(config: _Config, command: str) -> CORSPolicy | PathRules | BucketPolicy:
    if config.provider is None:
        return _warned(command, lambda: rules_from_mapping(config.data))
    build = from_s3 if config.provider == "s3" else from_gcs
    return _warned(command, lambda: build(config.data))


def _warned(command: str, build: Callable[[], T]) -> T:
    """``build()``, each :class:`CORSConfigWarning` it emits printed as one escaped
    ``cors-core COMMAND: warning: ...`` line on stderr (other warnings pass through)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CORSConfigWarning)
        result = build()
    for w in caught:
        if issubclass(w.category, CORSConfigWarning):
            _say(f"cors-core {command}: warning: {w.message}", sys.stderr)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result


# ------------------------------------------------------------------------------ explain


def _explain(args: argparse.Namespace, out: TextIO) -> int:
    config = _read_config(args.config)
    policy = _policy(config, "explain")
    kwargs = _trip_kwargs(args)
    path: str = args.path
    decisions: list[Decision] = []

    def send(method: str, headers: Sequence[tuple[str, str]]) -> Response:
        origin, request_method, request_headers, pna, _ = read_pairs(headers)
        d = policy.decide(method, origin, request_method, request_headers, pna, path=path)
        decisions.append(d)
        if d.action is Action.RESPOND:
            return d.status, list(d.headers), d.body
        app = [("Content-Type", "text/plain; charset=utf-8")]
        return 200, merge_response_headers(app, d.headers, d.vary_origin), b"(app response)"

    try:
        trip = simulate(send, **kwargs)
    except ValueError as exc:
        raise _UsageError(f"a browser would refuse to send this request: {exc}") from None
    target = f"{path} ({config.label})"
    mode = kwargs["credentials"]
    report = _Report("explain", target, args.origin, args.method.upper(), mode, trip)
    refused = [
        d for d in decisions if not d.allowed or d.reason.code == ReasonCode.NO_CORS_FOR_PATH
    ]
    report.server_reasons = [f"[{d.reason.code}] {d.reason.message}" for d in refused]
    governing = policy.for_path(path)
    if isinstance(governing, CORSPolicy) and refused:
        said = " ".join(report.server_reasons)
        report.notes += [
            h for h in near_misses(governing, args.origin) if h[: h.find("'", 1) + 1] not in said
        ]
    if refused and not trip.verdict.allowed:
        report.fix = refused[0].reason.message
    else:
        report.fix = _browser_fix(trip) or _option_fix(
            trip.verdict.code, _trip_method(trip, args.method), args.origin
        )
    return _emit(report, args.json, out)


# -------------------------------------------------------------------------------- audit


def _audit(args: argparse.Namespace, out: TextIO) -> int:
    config = _read_config(args.config)
    if config.provider is None:
        findings = audit_policies(_warned("audit", lambda: load_policies(config.data)))
    else:
        findings = audit_bucket(config.data, config.provider)
    limit = SEVERITIES.index(args.fail_on)
    failing = [f for f in findings if SEVERITIES.index(f.severity) <= limit]
    if args.json:
        doc = {
            "config": args.config,
            "format": config.provider or "toml",
            "findings": [_shown_finding(f) for f in findings],
            "counts": {s: sum(f.severity == s for f in findings) for s in SEVERITIES},
            "fail_on": args.fail_on,
            "failed": bool(failing),
        }
        print(json.dumps(doc, indent=2, ensure_ascii=True), file=out)
    else:
        _say(f"cors-core audit: {args.config}", out)
        for f in findings:
            where = _where(f.where)
            _say(f"[{f.severity.upper()}] {f.check}{where}: {f.message}", out)
            _say(f"    fix: {f.fix}", out)
        counts = ", ".join(f"{sum(f.severity == s for f in findings)} {s}" for s in SEVERITIES)
        _say(f"{len(findings)} finding(s): {counts}", out)
    return EXIT_BLOCKED if failing else EXIT_ALLOWED


def _where(where: str) -> str:
    """`` [path /x]`` for a path rule, `` [CORSRules[0]...]`` for a place in a bucket file."""
    if where == "*":
        return ""
    return f" [path {where}]" if where.startswith("/") else f" [{where}]"


def _shown_finding(finding: Finding) -> dict[str, Any]:
    """A finding for ``--json``: its sentences escaped like the text output's."""
    doc = finding.as_dict()
    for key in ("where", "message", "fix"):
        doc[key] = _shown(doc[key])
    return doc


# ------------------------------------------------------------------------------- export


def _export(args: argparse.Namespace, out: TextIO) -> int:
    """Print the bucket's rules, each difference from the policy a warning on stderr;
    with ``--strict`` every warning (the loader's too) is an error and nothing is printed."""
    config = _read_config(args.config)
    doubts: list[Problem] = []
    strict: bool = args.strict
    policy = _export_policy_strict(config, doubts) if strict else _policy(config, "export")
    try:
        result = export(policy, args.to, strict=strict)
    except ConfigError as exc:
        raise ConfigError([*doubts, *exc.problems]) from None
    if doubts:
        raise ConfigError(doubts)
    for warning in result.warnings:
        _say(f"cors-core export: warning: {warning}", sys.stderr)
    # BucketExport.json is ensure_ascii: whatever a configuration holds, printable ASCII.
    print(result.json(), file=out)
    return EXIT_ALLOWED


def _export_policy_strict(
    config: _Config, doubts: list[Problem]
) -> CORSPolicy | PathRules | BucketPolicy:
    """The configuration's policy, each :class:`CORSConfigWarning` it emits appended to
    ``doubts`` (``--strict`` reports them as errors) instead of printed."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CORSConfigWarning)
        if config.provider is None:
            policy: CORSPolicy | PathRules | BucketPolicy = rules_from_mapping(config.data)
        else:
            policy = (from_s3 if config.provider == "s3" else from_gcs)(config.data)
    for w in caught:
        message = w.message
        if isinstance(message, CORSConfigWarning):
            doubts.append(message.problem or Problem("config", "", str(message), "fix it"))
        else:
            warnings.warn_explicit(message, w.category, w.filename, w.lineno)
    return policy


# --------------------------------------------------------------------------------- demo


def _adapters_conflict() -> list[str] | None:
    """Lines that say why ``adapters`` is not this distribution's package (None when it is).

    PyPI's unrelated ``adapters`` distribution installs a top-level package of the same
    name: beside it, ``import adapters.asgi`` finds the wrong package, or ours with its
    ``__init__.py`` overwritten.
    """
    ours = Path(__file__).resolve().parents[2] / "adapters"  # beside cors_core/
    try:
        spec = importlib.util.find_spec("adapters")
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return None  # not importable at all: the import's own error says so
    origin = Path(spec.origin).resolve() if spec.origin and spec.has_location else None
    if origin != ours / "__init__.py":
        problem = f"it is imported from {origin or spec.submodule_search_locations}, not {ours}"
    elif not (ours / "asgi.py").is_file():
        problem = f"adapters.asgi is missing from {ours}"
    elif _overwritten(origin):
        problem = f"{origin} is not the file cors-core installed"
    else:
        return None

    def canonical(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    names = importlib.metadata.packages_distributions().get("adapters", [])
    others = sorted({n for n in names if canonical(n) != "cors-core"})
    if others:
        found = ", ".join(f"{n} {importlib.metadata.version(n)}" for n in others)
        uninstall = " ".join(others)
        return [
            f"cors-core: the 'adapters' package is not cors-core's: {problem}.",
            f"It belongs to the distribution {found}, an unrelated project that installs a "
            "top-level package of the same name.",
            f"fix: pip uninstall {uninstall}, then reinstall cors-core "
            "(pip install --force-reinstall /path/to/cors-core), or keep them in separate "
            "virtual environments.",
        ]
    return [
        f"cors-core: the 'adapters' package is not cors-core's: {problem}.",
        "No installed distribution claims it (a directory on PYTHONPATH or in the "
        "current directory?).",
        "fix: remove or rename that 'adapters', or take its directory off sys.path; if "
        "cors-core's own files are damaged, reinstall it "
        "(pip install --force-reinstall /path/to/cors-core).",
    ]


def _overwritten(init: Path) -> bool:
    """Whether cors-core's installed record lists ``init`` with another hash."""
    try:
        files = importlib.metadata.distribution("cors-core").files or []
    except importlib.metadata.PackageNotFoundError:
        return False
    for f in files:
        if f.as_posix() == "adapters/__init__.py" and f.hash is not None:
            if Path(str(f.locate())).resolve() != init:
                return False  # another cors-core install than this one: no verdict
            digest = hashlib.new(f.hash.mode, init.read_bytes()).digest()
            return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != f.hash.value
    return False  # a development (editable) install records no package files


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    conflict = _adapters_conflict()
    if conflict is not None:
        for line in conflict:
            _say(line, sys.stderr)
        return EXIT_ERROR
    return run_demo(args.args)


# --------------------------------------------------------------------------------- main


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cors-core",
        description="Explain CORS: check a server like a browser; explain, audit or export "
        "a config (TOML, or a bucket's S3/GCS CORS rules).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def trip_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--origin", required=True, help="the page's origin, e.g. https://app.example.com"
        )
        p.add_argument("--method", default="GET", help="request method (default GET)")
        p.add_argument(
            "-H",
            "--header",
            action="append",
            default=[],
            metavar="'Name: value'",
            help="request header the page sets (repeatable)",
        )
        p.add_argument(
            "--credentials",
            action="store_true",
            help="credentials: 'include' (cookies); the same as --credentials-mode include",
        )
        p.add_argument(
            "--credentials-mode",
            choices=("omit", "same-origin", "include"),
            help="the fetch() credentials mode (default same-origin, fetch's default)",
        )
        p.add_argument(
            "--private-network",
            action="store_true",
            help="the target is on a more private network (Private Network Access)",
        )
        p.add_argument("--json", action="store_true", help="machine-readable output")

    check = sub.add_parser("check", help="do what a browser does against a live URL")
    check.add_argument("url")
    trip_options(check)
    check.add_argument("--timeout", type=float, default=10.0, help="seconds (default 10)")
    check.set_defaults(run=_check)

    config_help = (
        "TOML or JSON file of CORS options ([tool.cors], [cors] or top level), or a "
        'bucket\'s CORS rules as JSON (S3 {"CORSRules": [...]} or GCS [{"origin": [...], '
        "...}], told apart by shape)"
    )
    explain = sub.add_parser("explain", help="the browser's verdict from a config file, offline")
    explain.add_argument("--config", required=True, help=config_help)
    explain.add_argument("--path", default="/", help="request path, for per-path rules (default /)")
    trip_options(explain)
    explain.set_defaults(run=_explain)

    audit = sub.add_parser(
        "audit",
        help="probe a config with scanner/attacker origins; check a bucket's CORS rules",
        description="Probe a configuration the way scanners and attackers do. A bucket's "
        "rules are read even where cors_core would refuse them: each refused entry is a "
        "high finding at its place in the file.",
    )
    audit.add_argument("--config", required=True, help=config_help)
    audit.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default="high",
        help="exit 1 when a finding is this severe or more (default high)",
    )
    audit.add_argument("--json", action="store_true", help="machine-readable output")
    audit.set_defaults(run=_audit)

    export = sub.add_parser(
        "export",
        help="print a config as a bucket's CORS rules (S3 or GCS JSON)",
        description="Print the configuration as the JSON an S3 bucket (aws s3api "
        "put-bucket-cors --cors-configuration file://cors.json) or a GCS bucket (gcloud "
        "storage buckets update --cors-file=cors.json) takes. Each way the bucket "
        "answers differently from the configuration (narrower or wider) is a warning on "
        "stderr. Exits 2, naming each setting, when the bucket cannot express the "
        "configuration (per-path rules, no origin or method left), and with --strict "
        "when there is any warning.",
    )
    export.add_argument("--to", required=True, choices=("s3", "gcs"), help="the bucket's provider")
    export.add_argument("--config", required=True, help=config_help)
    export.add_argument(
        "--strict",
        action="store_true",
        help="treat every warning as an error: exit 2 unless the bucket answers exactly "
        "as the configuration does",
    )
    export.set_defaults(run=_export)

    demo = sub.add_parser("demo", help="run the interactive demo (cors_core.cli.demo_app)")
    demo.add_argument("args", nargs=argparse.REMAINDER)
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cors-core`` command; returns the exit status (0, 1 or 2).

    >>> main(["audit", "--config", "pyproject.toml"])
    cors-core audit: pyproject.toml
    0 finding(s): 0 high, 0 medium, 0 low, 0 info
    0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["demo"]:  # everything after "demo" belongs to the demo's own parser
        return _demo(argparse.Namespace(args=argv[1:]), sys.stdout)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or bad arguments (2)
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    out = sys.stdout
    try:
        code: int = args.run(args, out)
    except (_UsageError, ConfigError) as exc:
        # A ConfigError lists one problem a line: keep those lines, escape within them.
        for line in f"cors-core {args.command}: {exc}".split("\n"):
            _say(line, sys.stderr)
        return EXIT_ERROR
    return code
