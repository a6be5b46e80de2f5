"""Origins: strict parsing of request ``Origin`` values, configuration entries, matching.

Request side: only the exact serialization a browser produces is accepted
(lowercase ``scheme://host[:port]``, no default port, ASCII, no path, IPv4 in
dotted-decimal and IPv6 in the URL standard's compressed form, a host of at most
253 characters in labels of at most 63, a port from 1 to 65535). Anything else is
malformed and never allowed or reflected.

Configuration side: entries are normalised to that serialization (case, default
ports, IDNA as browsers do it: UTS #46, non-transitional) or refused with the fix
(trailing slash, path, userinfo, IPv4 in another number form, zone ids, port 0, a port
with a leading zero, IPv4-mapped IPv6 hosts, entries longer than any Origin accepted, ...).
A trailing dot is kept: ``http://example.com.`` and ``http://example.com`` are two
different origins to a browser, and each entry matches only the one it names.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import idna

from cors_core._errors import Problem
from cors_core._regex import literal_affixes
from cors_core._suffixes import is_public_suffix

__all__ = [
    "DEFAULT_PORTS",
    "MAX_HOST_LENGTH",
    "MAX_LABEL_LENGTH",
    "MAX_ORIGIN_LENGTH",
    "OriginMatcher",
    "OriginPattern",
    "ParsedOrigin",
    "is_loopback_host",
    "is_potentially_trustworthy",
    "origin_parts",
    "parse_config_origin",
    "parse_origin",
]

DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}
#: Longest Origin value parsed: a scheme, '://', a host of at most 253 characters and a
#: port fit in it; anything longer is refused by its length, before any regex runs.
MAX_ORIGIN_LENGTH = 320
#: A DNS name is at most 255 octets on the wire: 253 characters written out (a final
#: dot not counted), in labels of at most 63. No page is ever served from a longer one.
MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63

#: ``tuple.__new__``: builds a named tuple from a tuple without its ``__new__``'s
#: argument handling (the hot path of a never-seen origin).
_new_parsed = tuple.__new__
# Host characters a browser may serialize: printable ASCII without the URL
# standard's forbidden domain code points, and no uppercase (serializations are
# lowercase). '_', '!', '`', '{' etc. are legal (Safari sends some of them).
_HOST_CHARS = r"[a-z0-9\-._~!$&'()*+,;=`{}\"]"
_HOST_RE = re.compile(_HOST_CHARS + "+")
#: How a host that may be an IPv4 number ends: a digit or a final dot, or (after "0x")
#: a hex letter or the ``x`` itself.
_DIGIT_OR_DOT = frozenset("0123456789.")
_HEX_LETTER_OR_X = frozenset("abcdefx")
_LABEL_CHARS = r"[a-z0-9\-_~!$&'()*+,;=`{}\"]"  # the same, without the dot
# A request's host: labels of 1 to 63 characters joined by dots, one optional final
# dot (so no empty label and no over-long one: the regex screens what DNS refuses, in
# one linear pass; only the whole name's length is left to check).
# Possessive quantifiers: a label never gives characters back, so a near miss fails fast.
_LABEL = rf"{_LABEL_CHARS}{{1,{MAX_LABEL_LENGTH}}}+"
_REQUEST_HOST = rf"{_LABEL}(?:\.{_LABEL})*+\.?"
_ORIGIN_RE = re.compile(
    r"([a-z][a-z0-9+.\-]*)://"  # scheme
    r"(\[[0-9a-f:.]+\]|" + _REQUEST_HOST + r")"  # host
    r"(?::([1-9][0-9]{0,4}|0))?"  # port
)


class ParsedOrigin(NamedTuple):
    """A parsed serialized origin (``port`` is ``None`` for the scheme's default).

    A named tuple (immutable; built once per never-seen origin, so it is cheap).
    """

    scheme: str
    host: str
    port: str | None

    def serialize(self) -> str:
        """Back to the ``scheme://host[:port]`` form a browser sends."""
        return f"{self.scheme}://{self.host}" + (f":{self.port}" if self.port else "")


def parse_origin(value: str) -> ParsedOrigin | None:
    """Parse a request ``Origin`` value; ``None`` when it is not a browser serialization.

    ``"null"`` is not parsed here (callers handle the opaque origin first). Port 0,
    over-long hosts or labels, and IPv4 addresses in any form but dotted-decimal are
    refused before any matching: no browser sends them.

    >>> parse_origin("https://app.example.com:8443")
    ParsedOrigin(scheme='https', host='app.example.com', port='8443')
    >>> parse_origin("http://example.com.:3999")  # a trailing dot is part of the host
    ParsedOrigin(scheme='http', host='example.com.', port='3999')
    >>> parse_origin("https://app.example.com/") is None, parse_origin("http://127.1") is None
    (True, True)
    """
    parts = origin_parts(value)
    return None if parts is None else _new_parsed(ParsedOrigin, parts)


def origin_parts(value: str) -> tuple[str, str, str | None] | None:
    """:func:`parse_origin`'s answer as a plain ``(scheme, host, port)`` tuple: the same
    checks, without building the named tuple (the engine's hot path for a new origin).

    >>> origin_parts("https://app.example.com:8443"), origin_parts("https://a.com/")
    (('https', 'app.example.com', '8443'), None)
    """
    if len(value) > MAX_ORIGIN_LENGTH:
        return None
    m = _ORIGIN_RE.fullmatch(value)
    if m is None:
        return None
    parts: tuple[str, str, str | None] = m.groups()  # type: ignore[assignment]
    scheme, host, port = parts
    if port is not None and (port == "0" or int(port) > 65535 or DEFAULT_PORTS.get(scheme) == port):
        return None
    if host[0] == "[":
        if _ipv6_serialize(host[1:-1]) != host[1:-1]:
            return None
    elif (
        # Labels are screened by the regex; only a long name needs a closer look.
        len(host) > MAX_HOST_LENGTH and _domain_problem(host) is not None
    ) or (
        # Only a last label starting with a digit can be a number ("1", "0x1f"): a host
        # ending in a letter is one only as hex, which needs "0x" (the common case: one
        # or two C-level tests).
        (host[-1] in _DIGIT_OR_DOT or ("0x" in host and host[-1] in _HEX_LETTER_OR_X))
        and (name := host.rstrip("."))[name.rfind(".") + 1].isdigit()
        and _ends_in_number(host)
        and _ipv4_serialize(host) != host
    ):
        return None
    return parts


# --------------------------------------------------------------------- host syntax


def _domain_problem(host: str) -> str | None:
    """Why an ASCII domain (one optional trailing dot) is no DNS name; ``None`` if it is one."""
    name = host[:-1] if host.endswith(".") else host
    if not name:
        return "has an empty host"
    if len(name) > MAX_HOST_LENGTH:
        return f"has a host of {len(name)} characters (a DNS name has at most {MAX_HOST_LENGTH})"
    for label in name.split("."):
        if not label:
            return "has an invalid host (an empty label: '..', or a leading dot)"
        if len(label) > MAX_LABEL_LENGTH:
            return (
                f"has a host label of {len(label)} characters "
                f"(a DNS label has at most {MAX_LABEL_LENGTH})"
            )
    return None


def _ipv4_number(part: str) -> int | None:
    """The URL standard's "IPv4 number parser": decimal, ``0x`` hex or ``0`` octal."""
    if not part:
        return None
    radix, digits = 10, "0123456789"
    if part[:2] in ("0x", "0X"):
        part, radix, digits = part[2:], 16, "0123456789abcdefABCDEF"
    elif len(part) > 1 and part[0] == "0":
        part, radix, digits = part[1:], 8, "01234567"
    if not part:
        return 0
    if any(ch not in digits for ch in part):
        return None
    part = part.lstrip("0") or "0"
    if len(part) > 11:  # over 2**32 in any radix: too big for any IPv4 part (and for int())
        return 1 << 40
    return int(part, radix)


def _ends_in_number(host: str) -> bool:
    """The URL standard's "ends in a number checker": such a host is parsed as IPv4.

    >>> _ends_in_number("127.1"), _ends_in_number("foo.0x1"), _ends_in_number("a1.example")
    (True, True, False)
    """
    rest, _, last = host.rpartition(".")
    if not last and rest:
        last = rest.rpartition(".")[2]
    if last.isascii() and last.isdigit():
        return True
    return last[:2] in ("0x", "0X") and _ipv4_number(last) is not None


def _ipv4_parse(host: str) -> int | None:
    """The URL standard's IPv4 parser (``127.1``, ``0x7f000001``, ``0177.0.0.1``, ...)."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4:
        return None
    numbers: list[int] = []
    for part in parts:
        n = _ipv4_number(part)
        if n is None:
            return None
        numbers.append(n)
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    address = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        address += n * 256 ** (3 - i)
    return address


def _ipv4_serialize(host: str) -> str | None:
    """The dotted-decimal form a browser gives an IPv4 host; ``None`` if it is no address."""
    address = _ipv4_parse(host)
    if address is None:
        return None
    return ".".join(str((address >> shift) & 255) for shift in (24, 16, 8, 0))


def _ipv6_serialize(text: str) -> str | None:
    """The URL standard's IPv6 serialization (RFC 5952 compression, no embedded IPv4)."""
    if "%" in text:
        return None  # zone ids: no browser accepts them in a URL
    try:
        value = int(ipaddress.IPv6Address(text))
    except ValueError:
        return None
    pieces = [(value >> (16 * (7 - i))) & 0xFFFF for i in range(8)]
    best_start, best_len, start = -1, 1, -1
    for i, piece in enumerate([*pieces, 1]):
        if piece == 0 and start < 0:
            start = i
        elif piece != 0 and start >= 0:
            if i - start > best_len:
                best_start, best_len = start, i - start
            start = -1
    if best_start < 0:
        return ":".join(f"{p:x}" for p in pieces)
    head = ":".join(f"{p:x}" for p in pieces[:best_start])
    tail = ":".join(f"{p:x}" for p in pieces[best_start + best_len :])
    return f"{head}::{tail}"


def _is_ip_host(host: str) -> bool:
    return host.startswith("[") or _ends_in_number(host)


# ------------------------------------------------------------- loopback, trustworthy

#: Schemes browsers authenticate themselves: TLS, or an extension identity only the
#: browser can give a page (W3C Secure Contexts, "potentially trustworthy origin").
_AUTHENTICATED_SCHEMES = frozenset(
    {"https", "wss", "chrome-extension", "moz-extension", "safari-web-extension"}
)


def is_loopback_host(host: str) -> bool:
    """Whether a host always names this machine: ``localhost``, ``*.localhost``, a real
    IPv4 literal in ``127.0.0.0/8`` or ``[::1]`` (one trailing dot allowed on names).

    The one rule shared by configuration checks and :mod:`cors_core.audit`.

    >>> is_loopback_host("localhost"), is_loopback_host("app.localhost")
    (True, True)
    >>> is_loopback_host("127.0.0.1"), is_loopback_host("[::1]")
    (True, True)
    >>> is_loopback_host("127.evil.com"), is_loopback_host("localhost.evil.com")
    (False, False)
    """
    host = host.lower()
    if host.startswith("["):
        if not host.endswith("]") or "%" in host:
            return False
        try:
            return int(ipaddress.IPv6Address(host[1:-1])) == 1
        except ValueError:
            return False
    name = host[:-1] if host.endswith(".") else host
    if name == "localhost" or name.endswith(".localhost"):
        return True
    if _ends_in_number(host):
        address = _ipv4_parse(host)
        return address is not None and address >> 24 == 127
    return False


def is_potentially_trustworthy(scheme: str, host: str) -> bool:
    """Whether no network attacker can produce a page with this origin (W3C Secure
    Contexts): ``https``/``wss``, browser-extension schemes, or a loopback host.

    Anything else (plain ``http``, ``ws``, custom app schemes) can be impersonated, so
    trusting it with credentials is warned about.

    >>> is_potentially_trustworthy("https", "app.example.com")
    True
    >>> is_potentially_trustworthy("http", "localhost"), is_potentially_trustworthy("http", "a.com")
    (True, False)
    >>> is_potentially_trustworthy("myapp", "example.com")
    False
    """
    return scheme.lower() in _AUTHENTICATED_SCHEMES or is_loopback_host(host)


# ------------------------------------------------------------------------- patterns


@dataclass(frozen=True, slots=True)
class OriginPattern:
    """A ``scheme://*.domain[:port]`` or ``scheme://host:*`` configuration entry."""

    scheme: str
    host: str  # the base domain for subdomain patterns, the host otherwise
    port: str | None  # None: default port; "*": any port
    subdomains: bool

    def __str__(self) -> str:
        host = f"*.{self.host}" if self.subdomains else self.host
        return f"{self.scheme}://{host}" + (f":{self.port}" if self.port else "")


ConfigEntry = str | OriginPattern  # exact serialized origin, "null", or a pattern

_CONFIG_RE = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<rest>.*)", re.DOTALL)


def _entry_problem(entry: object, problem: str, fix: str) -> Problem:
    return Problem("allow_origins", repr(entry), problem, fix)


# ----------------------------------------------------------------- IDNA (config side)

_IDNA_FIX = "write the host's ASCII (xn--) form exactly as the browser shows it in location.origin"


def _valid_a_label(label: str) -> bool:
    """Whether an ``xn--`` label is one a browser could produce (UTS #46 validity).

    Lenient where IDNA 2008 is stricter than browsers (emoji and symbols are valid
    in UTS #46), strict where a browser refuses: undecodable punycode, code points
    UTS #46 maps or disallows, non-NFC text, labels that do not round-trip.
    """
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, IndexError):
        return False
    if not decoded or decoded.isascii():
        return False
    if "xn--" + decoded.encode("punycode").decode("ascii") != label:
        return False
    if unicodedata.normalize("NFC", decoded) != decoded:
        return False
    try:
        if idna.uts46_remap(decoded, std3_rules=False, transitional=False) != decoded:
            return False
        if "\u200c" in decoded or "\u200d" in decoded:  # CONTEXTJ, as browsers check it
            idna.ulabel(label)
    except (idna.IDNAError, UnicodeError):
        return False
    return True


def _ascii_host(entry: str, host: str) -> str | Problem:
    """The lowercase ASCII host a browser serializes for a configured domain."""
    if not host.isascii():
        try:
            mapped = idna.uts46_remap(host, std3_rules=False, transitional=False)
            labels = [
                label
                if label.isascii()
                else idna.encode(label, uts46=True, transitional=False).decode("ascii")
                for label in mapped.split(".")
            ]
        except (idna.IDNAError, UnicodeError) as exc:
            return _entry_problem(
                entry,
                f"has an invalid host (not a valid internationalised domain name: {exc})",
                _IDNA_FIX,
            )
        host = ".".join(labels)
    host = host.lower()
    if not _HOST_RE.fullmatch(host):
        return _entry_problem(entry, "has an invalid host", "write scheme://host[:port]")
    for label in host.split("."):
        if label.startswith("xn--") and not _valid_a_label(label):
            return _entry_problem(
                entry,
                f"has an invalid host ({label!r} is not valid punycode, so no browser can "
                "load a page from it)",
                _IDNA_FIX,
            )
    return host


# -------------------------------------------------------------- configuration entries


def parse_config_origin(entry: object) -> ConfigEntry | Problem:
    """Normalise one ``allow_origins`` entry, or return the :class:`Problem` with its fix.

    >>> parse_config_origin("HTTPS://App.Example.com:443")
    'https://app.example.com'
    >>> parse_config_origin("https://stra\u00dfe.de"), parse_config_origin("http://example.com.:3999")
    ('https://xn--strae-oqa.de', 'http://example.com.:3999')
    >>> print(parse_config_origin("https://app.example.com/"))
    allow_origins: 'https://app.example.com/' has a trailing slash; fix: ...
    >>> print(parse_config_origin("http://127.1"))
    allow_origins: 'http://127.1' is an IPv4 address ...; fix: write 'http://127.0.0.1'
    >>> print(parse_config_origin("https://foo.example:06060").fix)
    write the port as the browser sends it: 'https://foo.example:6060'
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
    parsed = _parse_rest(entry, scheme, rest)
    if isinstance(parsed, Problem):
        return parsed
    return _too_long(entry, parsed) or parsed


def _parse_rest(entry: str, scheme: str, rest: str) -> ConfigEntry | Problem:
    """Everything after ``scheme://``: refusals of what is no authority, then the authority."""
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
            return _entry_problem(entry, f"has an invalid port {port!r}", "use 1-65535 or '*'")
        if len(port) > 1 and port[0] == "0":
            return _leading_zero(entry, scheme, host, port)
        port = str(int(port))
        if port == "0":
            return _entry_problem(
                entry,
                "has port 0, which no page is ever served from (browsers refuse it)",
                "write the port the frontend is served on, or ':*' for any port",
            )
        if DEFAULT_PORTS.get(scheme) == port:
            port = None
    subdomains = host.startswith("*.")
    base = host[2:] if subdomains else host
    if "*" in base:
        return _entry_problem(entry, "has a wildcard in an unsupported place", regex_fix)
    suffix = f":{port}" if port else ""
    if base.startswith("["):
        return _ipv6_entry(entry, scheme, base, suffix, port)
    ascii_host = _ascii_host(entry, base)
    if isinstance(ascii_host, Problem):
        return ascii_host
    problem = _domain_problem(ascii_host)
    if problem is not None:
        return _entry_problem(entry, problem, "write scheme://host[:port] with the real host name")
    if subdomains and len(ascii_host.rstrip(".")) + 2 > MAX_HOST_LENGTH:
        return _entry_problem(
            entry,
            f"has a '*.' base so long that no subdomain fits in {MAX_HOST_LENGTH} characters",
            "write scheme://*.domain with the real domain",
        )
    if _ends_in_number(ascii_host):
        ipv4 = _ipv4_serialize(ascii_host)
        if subdomains and ipv4 is not None:
            return _entry_problem(entry, "applies '*.' to an IP address", "list the address itself")
        if ipv4 is None:
            return _entry_problem(
                entry,
                "has an invalid host: its last label is a number, so browsers parse it as "
                "an IPv4 address, and it is not one (browsers refuse such a URL)",
                "write a dotted-decimal IPv4 address such as 'http://127.0.0.1', or the "
                "domain name",
            )
        if ipv4 != ascii_host:
            return _entry_problem(
                entry,
                f"is an IPv4 address in a form browsers never send (they serialize it as {ipv4!r})",
                f"write '{scheme}://{ipv4}{suffix}'",
            )
    if subdomains or port == "*":
        return OriginPattern(scheme, ascii_host, port, subdomains)
    return ParsedOrigin(scheme, ascii_host, port).serialize()


def _leading_zero(entry: str, scheme: str, host: str, port: str) -> Problem:
    """A port written ``06060``: refused, with the entry as it reads without the zeros."""
    canonical = _parse_authority(entry, scheme, f"{host}:{int(port)}")
    if isinstance(canonical, Problem):
        return canonical  # port 0, a bad host ...: that problem first
    return _entry_problem(
        entry,
        f"has a port with a leading zero ({port!r}), which no browser sends: browsers "
        "serialize the port without leading zeros",
        f"write the port as the browser sends it: '{canonical}'",
    )


def _too_long(entry: str, parsed: ConfigEntry) -> Problem | None:
    """A refusal when even the shortest origin ``parsed`` matches is longer than any
    Origin the engine accepts (:data:`MAX_ORIGIN_LENGTH`): the entry could never match."""
    if isinstance(parsed, OriginPattern):
        port = "" if parsed.port in (None, "*") else f":{parsed.port}"
        label = "x." if parsed.subdomains else ""
        shortest = len(f"{parsed.scheme}://{label}{parsed.host}{port}")
        said = f"every origin it matches has at least {shortest} characters"
    else:
        shortest = len(parsed)
        said = f"it has {shortest} characters"
    if shortest <= MAX_ORIGIN_LENGTH:
        return None
    return _entry_problem(
        entry,
        f"can never match: {said}, and the engine refuses any Origin longer than "
        f"{MAX_ORIGIN_LENGTH} characters",
        "write the real scheme and host (an accepted origin has at most "
        f"{MAX_ORIGIN_LENGTH} characters)",
    )


def _ipv6_entry(
    entry: str, scheme: str, host: str, suffix: str, port: str | None
) -> ConfigEntry | Problem:
    inner = host[1:-1]
    address, percent, _zone = inner.partition("%")
    canonical = _ipv6_serialize(address)
    if percent:
        fix = f"write '{scheme}://[{canonical}]{suffix}'" if canonical else "remove the zone id"
        return _entry_problem(
            entry,
            "has an IPv6 zone id ('%...'), which browsers never accept in a URL or an origin",
            fix,
        )
    if canonical is None:
        return _entry_problem(entry, "has an invalid host", "write scheme://host[:port]")
    mapped = ipaddress.IPv6Address(address).ipv4_mapped
    if mapped is not None:
        return _entry_problem(
            entry,
            f"is an IPv4-mapped IPv6 address: the host {mapped} written a second way (a "
            f"browser sends it as '[{canonical}]'), so the entry misses the same host "
            "reached by its IPv4 address",
            f"write the IPv4 form: '{scheme}://{mapped}{suffix}'",
        )
    if port == "*":
        return OriginPattern(scheme, f"[{canonical}]", port, False)
    return ParsedOrigin(scheme, f"[{canonical}]", port).serialize()


# ------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class OriginMatcher:
    """Decides whether a request origin is allowed: exact set, patterns, regex, predicate.

    Exact origins cost one set lookup. A ``*.`` pattern lookup costs one set probe
    per distinct label count among the configured patterns, whatever the number of
    labels of the origin (see :meth:`suffix_probes`). Pattern and regex answers are
    deterministic, so the policy caches them; the predicate is asked every time.

    >>> entries = [parse_config_origin("https://a.com"), parse_config_origin("https://*.b.com")]
    >>> m = OriginMatcher.build(entries, [], None)
    >>> "https://a.com" in m.exact, m.matches_patterns("https://x.b.com")
    (True, True)
    >>> m.matches_patterns("https://b.com")  # never the apex
    False
    """

    exact: frozenset[str]
    any_port_hosts: frozenset[tuple[str, str]]
    suffixes: frozenset[tuple[str, str, str | None]]
    regexes: tuple[re.Pattern[str], ...]
    predicate: Callable[[str], bool] | None
    #: Distinct numbers of dots in the ``.domain`` suffixes of ``*.`` patterns, ascending.
    suffix_dots: tuple[int, ...] = ()
    #: Per regex: the literal prefix and suffix every full match has (a cheap screen),
    #: and the regex's ``fullmatch``.
    regex_screens: tuple[tuple[str, str, Callable[[str], re.Match[str] | None]], ...] = ()

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
        dots = tuple(sorted({suffix.count(".") for _, suffix, _ in suffixes}))
        compiled = tuple(regexes)
        return cls(
            frozenset(exact),
            frozenset(any_port),
            frozenset(suffixes),
            compiled,
            predicate,
            dots,
            tuple((*literal_affixes(rx), rx.fullmatch) for rx in compiled),
        )

    @property
    def has_patterns(self) -> bool:
        """Whether anything beyond the exact set must be consulted."""
        return bool(self.any_port_hosts or self.suffixes or self.regexes)

    def matches_patterns(
        self, origin: str, parsed: tuple[str, str, str | None] | None = None
    ) -> bool:
        """Patterns and regexes only (deterministic, hence cacheable).

        ``parsed`` is ``origin_parts(origin)`` (or ``parse_origin(origin)``) when the
        caller already has it.
        """
        if self.any_port_hosts or self.suffixes:
            if parsed is None:
                parsed = origin_parts(origin)
            if parsed is not None and self._matches_parsed(*parsed):
                return True
        # A loop, no generator per never-seen origin; the literal screen skips the regex
        # for an origin that cannot match it (a near miss costs two C-level compares).
        for prefix, suffix, fullmatch in self.regex_screens:
            if origin.startswith(prefix) and origin.endswith(suffix) and fullmatch(origin):
                return True
        return False

    def suffix_probes(self, host: str) -> Iterator[str]:
        """The host suffixes worth looking up among the ``*.`` patterns.

        One per distinct label count of the configured patterns (never the whole
        host: a pattern never matches its apex), found in one right-to-left scan,
        so the cost is linear in the host's length whatever its number of labels.

        >>> m = OriginMatcher.build([OriginPattern("https", "example.com", None, True)], [], None)
        >>> list(m.suffix_probes("a.b.c.example.com")), list(m.suffix_probes("example.com"))
        (['.example.com'], [])
        """
        pos, dots = len(host), 0
        for want in self.suffix_dots:
            while dots < want:
                pos = host.rfind(".", 0, pos)
                if pos <= 0:  # no label left before it: the apex or less
                    return
                dots += 1
            yield host[pos:]

    def _matches_parsed(self, scheme: str, host: str, port: str | None) -> bool:
        if (scheme, host) in self.any_port_hosts:
            return True
        if not self.suffixes or _is_ip_host(host):
            return False
        suffixes = self.suffixes
        for suffix in self.suffix_probes(host):
            if (scheme, suffix, port) in suffixes or (scheme, suffix, "*") in suffixes:
                return True
        return False


def check_wildcard_suffix(pattern: OriginPattern) -> bool:
    """Whether a subdomain pattern sits directly on a public suffix (``*.com``, ``*.github.io``).

    >>> check_wildcard_suffix(OriginPattern("https", "duckdns.org", None, True))
    True
    >>> check_wildcard_suffix(OriginPattern("https", "me.github.io", None, True))
    False
    """
    return pattern.subdomains and is_public_suffix(pattern.host)
