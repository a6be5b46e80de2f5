"""Public suffixes: the full Public Suffix List (ICANN and private sections).

The list comes from the ``publicsuffixlist`` package, which bundles its data file: nothing is
fetched at run time, and upgrading that package is how the list is refreshed. It answers two
questions, and is the one source of truth for both:

- :func:`is_public_suffix`: may anyone register a name directly under this domain? A
  credentialed ``https://*.<suffix>`` pattern is refused then (anyone could own
  ``evil.<suffix>``).
- :func:`hosting_suffix`: is this host on a shared hosting platform (the list's private
  section: ``github.io``, ``duckdns.org``, ``r2.dev``, ...)? :mod:`cors_core.audit` reports it.

Parsing the list costs tens of milliseconds, so each parsed list is built once, on first use.
"""

from __future__ import annotations

from functools import cache

from publicsuffixlist import PublicSuffixList

__all__ = ["PROBED_HOSTING_SUFFIXES", "hosting_suffix", "is_public_suffix", "registrable_domain"]

# Special-use names (RFC 6761, RFC 8375, ICANN's ".internal") that no registry hands
# out, so '*.test' or '*.internal' only covers the operator's own hosts. The list itself
# holds "home.arpa" and, by its default rule, treats every unknown TLD as public.
_RESERVED = frozenset({"localhost", "test", "example", "invalid", "internal", "home.arpa"})

#: Shared-hosting suffixes :func:`cors_core.audit.audit_policy` probes even when the
#: configuration names no host under them (a regex or a predicate may still let
#: ``https://evil.github.io`` in). *Which* suffixes are shared comes from the Public Suffix
#: List alone (every entry here is in its private section, and a test keeps it so); what
#: the list cannot say is which few of its thousands of entries are popular enough to be
#: worth a blind probe: that choice is all this tuple adds.
PROBED_HOSTING_SUFFIXES = (
    "github.io",
    "gitlab.io",
    "githubusercontent.com",
    "herokuapp.com",
    "vercel.app",
    "netlify.app",
    "pages.dev",
    "workers.dev",
    "r2.dev",
    "web.app",
    "firebaseapp.com",
    "azurewebsites.net",
    "appspot.com",
    "cloudfront.net",
    "s3.amazonaws.com",
    "ngrok.io",
    "ngrok-free.app",
    "onrender.com",
    "fly.dev",
    "blogspot.com",
    "duckdns.org",
)


@cache
def _full_list() -> PublicSuffixList:
    return PublicSuffixList()


@cache
def _icann_list() -> PublicSuffixList:
    return PublicSuffixList(only_icann=True)


def _reserved(domain: str) -> bool:
    return any(domain == r or domain.endswith("." + r) for r in _RESERVED)


def is_public_suffix(domain: str) -> bool:
    """Whether ``domain`` is a public suffix (``com``, ``co.uk``, ``github.io``, ...).

    Every single-label name is public (the list's default rule) except the special-use
    names ``localhost``, ``test``, ``example``, ``invalid``, ``internal`` and ``home.arpa``.

    >>> is_public_suffix("github.io"), is_public_suffix("duckdns.org")
    (True, True)
    >>> is_public_suffix("example.com"), is_public_suffix("me.github.io"), is_public_suffix("test")
    (False, False, False)
    """
    domain = domain.strip(".").lower()
    if not domain or _reserved(domain):
        return False
    return _full_list().is_public(domain)


def hosting_suffix(host: str) -> str | None:
    """The shared-hosting suffix ``host`` sits on (the Public Suffix List's private section).

    ``None`` when the host's public suffix is an ICANN one (``example.com``, ``co.uk``) or a
    special-use name. The suffix itself counts (``github.io`` is on ``github.io``).

    >>> hosting_suffix("me.github.io"), hosting_suffix("a.b.duckdns.org")
    ('github.io', 'duckdns.org')
    >>> hosting_suffix("app.example.com") is None, hosting_suffix("a.co.uk") is None
    (True, True)
    """
    host = host.strip(".").lower()
    if not host or _reserved(host):
        return None
    public = _full_list().publicsuffix(host)
    if public is None or public == _icann_list().publicsuffix(host):
        return None
    return public


def registrable_domain(host: str) -> str | None:
    """The domain one registers to own ``host``: its public suffix and one more label.

    Read from the list alone (special-use names included: ``a.b.example`` is on
    ``b.example``), because the question is which text a registrant chooses, not whether
    the name resolves. ``None`` for a public suffix itself.

    >>> registrable_domain("a.b.example.co.uk"), registrable_domain("evil.github.io")
    ('example.co.uk', 'evil.github.io')
    >>> registrable_domain("github.io") is None
    True
    """
    host = host.strip(".").lower()
    if not host:
        return None
    found: str | None = _full_list().privatesuffix(host)
    return found
