"""Origins: strict parsing of request ``Origin`` values, configuration entries, matching.

Request side: only the exact serialization a browser produces is accepted
(lowercase ``scheme://host[:port]``, no default port, ASCII, no path).
Anything else is malformed and never allowed or reflected.

Configuration side: entries are normalised to that serialization (case, default
ports, IDNA) or refused with the fix (trailing slash, path, userinfo, ...).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cors_core.errors import Problem
from cors_core.suffixes import is_public_suffix

__all__ = [
    "DEFAULT_PORTS",
    "OriginMatcher",
    "OriginPattern",
    "ParsedOrigin",
    "parse_config_origin",
    "parse_origin",
]

DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}
MAX_ORIGIN_LENGTH = 2048

# Host characters a browser may serialize: printable ASCII without the URL
# standard's forbidden domain code points, and no uppercase (serializations are
# lowercase). '_', '!', '`', '{' etc. are legal (Safari sends some of them).
_HOST_CHARS = r"[a-z0-9\-._~!$&'()*+,;=`{}\"]"
_ORIGIN_RE = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.\-]*)://"
    r"(?P<host>\[[0-9a-f:.]+\]|" + _HOST_CHARS + r"+)"
    r"(?::(?P<port>[1-9][0-9]{0,4}|0))?"
)


@dataclass(frozen=True, slots=True)
class ParsedOrigin:
    """A parsed serialized origin (``port`` is ``None`` for the scheme's default)."""

    scheme: str
    host: str
    port: str | None

    def serialize(self) -> str:
        """Back to the ``scheme://host[:port]`` form a browser sends."""
        return f"{self.scheme}://{self.host}" + (f":{self.port}" if self.port else "")


def parse_origin(value: str) -> ParsedOrigin | None:
    """Parse a request ``Origin`` value; ``None`` when it is not a browser serialization.

    ``"null"`` is not parsed here (callers handle the opaque origin first).

    >>> parse_origin("https://app.example.com:8443")
    ParsedOrigin(scheme='https', host='app.example.com', port='8443')
    >>> parse_origin("https://app.example.com/") is None
    True
    """
    if len(value) > MAX_ORIGIN_LENGTH:
        return None
    m = _ORIGIN_RE.fullmatch(value)
    if m is None:
        return None
    scheme, host, port = m.group("scheme", "host", "port")
    if port is not None and (int(port) > 65535 or DEFAULT_PORTS.get(scheme) == port):
        return None
    if host[0] == "[":
        try:
            if f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]" != host:
                return None
        except ValueError:
            return None
    elif host.startswith(".") or host.endswith(".") or ".." in host:
        return None
    return ParsedOrigin(scheme, host, port)


def _is_ip_literal(host: str) -> bool:
    if host.startswith("["):
        return True
    last = host.rsplit(".", 1)[-1]
    return last.isdigit() or last.startswith("0x")


@dataclass(frozen=True, slots=True)
class OriginPattern:
    """A ``scheme://*.domain[:port]`` or ``scheme://host:*`` configuration entry."""

    scheme: str
    host: str  # the base domain for subdomain patterns, the host otherwise
    port: str | None  # None: default port; "*": any port
    subdomains: bool

    def matches(self, origin: ParsedOrigin) -> bool:
        """Whether a parsed request origin matches this pattern (label-wise, never the apex)."""
        if origin.scheme != self.scheme:
            return False
        if self.port != "*" and origin.port != self.port:
            return False
        if not self.subdomains:
            return origin.host == self.host
        return origin.host.endswith("." + self.host) and not _is_ip_literal(origin.host)

    def __str__(self) -> str:
        host = f"*.{self.host}" if self.subdomains else self.host
        return f"{self.scheme}://{host}" + (f":{self.port}" if self.port else "")


ConfigEntry = str | OriginPattern  # exact serialized origin, "null", or a pattern

_CONFIG_RE = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<rest>.*)", re.DOTALL)


def _entry_problem(entry: object, problem: str, fix: str) -> Problem:
    return Problem("allow_origins", repr(entry), problem, fix)


# IDNA 2003 (Python's "idna" codec) maps these away; browsers (UTS #46, non-transitional)
# keep them, so "straße.de" is "xn--strae-oqa.de" in an Origin, not "strasse.de".
_DEVIATIONS = frozenset("\u00df\u03c2")
_JOINERS = frozenset("\u200c\u200d")


def _to_ascii(host: str) -> str | None:
    """The ASCII (punycode) form a browser gives an internationalised host; ``None``: invalid."""
    labels: list[str] = []
    for label in host.split("."):
        if label.isascii():
            labels.append(label)
            continue
        if _JOINERS.intersection(label):
            return None  # contextual rules (CONTEXTJ): ask for the punycode form instead
        if _DEVIATIONS.intersection(label):
            lowered = unicodedata.normalize("NFC", label.lower())
            if unicodedata.normalize("NFKC", lowered) != lowered:
                return None
            labels.append("xn--" + lowered.encode("punycode").decode("ascii"))
            continue
        try:
            labels.append(label.encode("idna").decode("ascii"))
        except UnicodeError:
            return None
    return ".".join(labels)


def _normalise_host(host: str) -> str | None:
    """Lowercase and IDNA-encode a configured host; ``None`` if it is not a valid host."""
    if host.startswith("["):
        try:
            return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            return None
    ascii_host = host if host.isascii() else _to_ascii(host)
    if ascii_host is None:
        return None
    ascii_host = ascii_host.lower()
    if not ascii_host or ascii_host.startswith(".") or ".." in ascii_host:
        return None
    if not re.fullmatch(_HOST_CHARS + "+", ascii_host):
        return None
    return ascii_host.rstrip(".") if ascii_host.endswith(".") else ascii_host


def parse_config_origin(entry: object) -> ConfigEntry | Problem:
    """Normalise one ``allow_origins`` entry, or return the :class:`Problem` with its fix.

    >>> parse_config_origin("HTTPS://App.Example.com:443")
    'https://app.example.com'
    >>> print(parse_config_origin("https://app.example.com/"))
    allow_origins: 'https://app.example.com/' has a trailing slash ...
    """
    if not isinstance(entry, str):
        return _entry_problem(entry, "is not a string", "write each origin as a string")
    if entry != entry.strip():
        return _entry_problem(
            entry, "has surrounding whitespace", f"write {entry.strip()!r} (browsers send none)"
        )
    if entry == "null":
        return "null"
    lowered = entry.lower()
    if lowered.startswith("file:"):
        return _entry_problem(
            entry,
            "is a file:// origin, but pages opened from files send 'Origin: null'",
            "allow 'null' with allow_null_origin=True if you must "
            "(any sandboxed frame sends it too)",
        )
    m = _CONFIG_RE.fullmatch(entry)
    if m is None:
        if "://" not in entry and "*" not in entry and "/" not in entry:
            return _entry_problem(
                entry, "has no scheme", f"write 'https://{entry}' (or 'http://{entry}')"
            )
        return _entry_problem(entry, "is not an origin", "write scheme://host[:port]")
    scheme, rest = m.group("scheme").lower(), m.group("rest")
    if "@" in rest:
        return _entry_problem(entry, "contains userinfo ('user@')", "remove everything before '@'")
    for sep, what in (("?", "a query"), ("#", "a fragment")):
        if sep in rest:
            return _entry_problem(entry, f"has {what}", f"write only {scheme}://host[:port]")
    if "/" in rest:
        authority, _, path = rest.partition("/")
        fix = f"write '{scheme}://{authority}' (browsers send origins without any path)"
        if path == "":
            return _entry_problem(entry, "has a trailing slash", fix)
        return _entry_problem(entry, "has a path", fix)
    return _parse_authority(entry, scheme, rest)


def _parse_authority(entry: str, scheme: str, authority: str) -> ConfigEntry | Problem:
    host, port = authority, None
    if authority.startswith("*.["):
        return _entry_problem(entry, "applies '*.' to an IP address", "list the address itself")
    if authority.startswith("["):
        close = authority.find("]")
        host, tail = authority[: close + 1], authority[close + 1 :]
        if close < 0 or (tail and not tail.startswith(":")):
            return _entry_problem(entry, "has an invalid IPv6 host", "write scheme://[addr]:port")
        port = tail[1:] if tail else None
    elif ":" in authority:
        host, _, port = authority.rpartition(":")
    regex_fix = "use allow_origin_regex for anything other than a leading '*.' or a ':*' port"
    if port is not None and port != "*":
        if not port.isdigit() or not 0 <= int(port) <= 65535 or not port.isascii():
            return _entry_problem(entry, f"has an invalid port {port!r}", "use 0-65535 or '*'")
        port = str(int(port))
        if DEFAULT_PORTS.get(scheme) == port:
            port = None
    subdomains = host.startswith("*.")
    base = host[2:] if subdomains else host
    if "*" in base:
        return _entry_problem(entry, "has a wildcard in an unsupported place", regex_fix)
    normalised = _normalise_host(base)
    if normalised is None:
        return _entry_problem(entry, "has an invalid host", "write scheme://host[:port]")
    if subdomains and _is_ip_literal(normalised):
        return _entry_problem(entry, "applies '*.' to an IP address", "list the address itself")
    if subdomains or port == "*":
        return OriginPattern(scheme, normalised, port, subdomains)
    return ParsedOrigin(scheme, normalised, port).serialize()


@dataclass(frozen=True, slots=True)
class OriginMatcher:
    """Decides whether a request origin is allowed: exact set, patterns, regex, predicate.

    Exact origins cost one set lookup. Pattern and regex answers are
    deterministic, so the policy caches them; the predicate is asked every time.

    >>> m = OriginMatcher.build(["https://a.com", "https://*.b.com"], [], None)
    >>> m.matches("https://x.b.com"), m.matches("https://b.com")
    (True, False)
    """

    exact: frozenset[str]
    any_port_hosts: frozenset[tuple[str, str]]
    suffixes: frozenset[tuple[str, str, str | None]]
    regexes: tuple[re.Pattern[str], ...]
    predicate: Callable[[str], bool] | None

    @classmethod
    def build(
        cls,
        entries: Iterable[ConfigEntry],
        regexes: Iterable[re.Pattern[str]],
        predicate: Callable[[str], bool] | None,
    ) -> OriginMatcher:
        """Index validated entries for fast lookup."""
        exact: set[str] = set()
        any_port: set[tuple[str, str]] = set()
        suffixes: set[tuple[str, str, str | None]] = set()
        for e in entries:
            if isinstance(e, str):
                exact.add(e)
            elif e.subdomains:
                suffixes.add((e.scheme, "." + e.host, e.port))
            else:
                any_port.add((e.scheme, e.host))
        return cls(
            frozenset(exact), frozenset(any_port), frozenset(suffixes), tuple(regexes), predicate
        )

    @property
    def has_patterns(self) -> bool:
        """Whether anything beyond the exact set must be consulted."""
        return bool(self.any_port_hosts or self.suffixes or self.regexes)

    def matches_patterns(self, origin: str) -> bool:
        """Patterns and regexes only (deterministic, hence cacheable)."""
        if self.any_port_hosts or self.suffixes:
            parsed = parse_origin(origin)
            if parsed is not None and self._matches_parsed(parsed):
                return True
        return any(rx.fullmatch(origin) for rx in self.regexes)

    def _matches_parsed(self, o: ParsedOrigin) -> bool:
        if (o.scheme, o.host) in self.any_port_hosts:
            return True
        if not self.suffixes or _is_ip_literal(o.host):
            return False
        host = o.host
        dot = host.find(".")
        while dot >= 0:
            suffix = host[dot:]
            if (o.scheme, suffix, o.port) in self.suffixes or (
                o.scheme,
                suffix,
                "*",
            ) in self.suffixes:
                return True
            dot = host.find(".", dot + 1)
        return False

    def matches(self, origin: str) -> bool:
        """Full, uncached match of a well-formed origin (predicate exceptions propagate)."""
        if origin in self.exact or self.matches_patterns(origin):
            return True
        return self.predicate is not None and self.predicate(origin) is True


def check_wildcard_suffix(pattern: OriginPattern) -> bool:
    """Whether a subdomain pattern sits directly on a public suffix (``*.com``, ``*.github.io``)."""
    return pattern.subdomains and is_public_suffix(pattern.host)
