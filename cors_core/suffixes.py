"""A compact list of public suffixes under which anyone can register a subdomain.

Used only to refuse ``https://*.<suffix>`` patterns with credentials (anyone could
register ``evil.<suffix>``). The full Public Suffix List is large and changes
weekly; this subset covers the TLD rule (every single-label suffix is public) and
the shared-hosting and country second-level suffixes seen in real configurations.
"""

from __future__ import annotations

__all__ = ["is_public_suffix"]

# Multi-label suffixes where anyone can obtain a subdomain (hosting platforms,
# country second-level domains).
_MULTI_LABEL = frozenset(
    """
    github.io gitlab.io bitbucket.io pages.dev workers.dev vercel.app now.sh netlify.app
    netlify.com herokuapp.com herokudns.com appspot.com firebaseapp.com web.app run.app
    cloudfunctions.net azurewebsites.net azurestaticapps.net cloudapp.net trafficmanager.net
    blob.core.windows.net cloudfront.net s3.amazonaws.com elasticbeanstalk.com
    execute-api.us-east-1.amazonaws.com amplifyapp.com awsapprunner.com onrender.com
    fly.dev glitch.me repl.co replit.dev replit.app ngrok.io ngrok-free.app ngrok.app
    loca.lt trycloudflare.com surge.sh readthedocs.io blogspot.com wordpress.com
    wixsite.com weebly.com squarespace.com myshopify.com webflow.io framer.app
    codesandbox.io csb.app stackblitz.io deno.dev pythonanywhere.com
    co.uk org.uk ac.uk gov.uk me.uk ltd.uk plc.uk net.uk sch.uk
    com.au net.au org.au edu.au gov.au co.nz org.nz net.nz co.jp ne.jp or.jp ac.jp
    co.kr or.kr com.br net.br org.br com.cn net.cn org.cn com.tw org.tw com.hk
    co.in net.in org.in firm.in co.za org.za com.mx com.ar com.tr com.sg com.my
    co.il org.il co.id or.id com.ua com.pl com.ru eu.org us.org de.com uk.com
    """.split()
)


# Special-use names (RFC 6761, RFC 8375, ICANN's ".internal") that no registry hands
# out, so '*.test' or '*.internal' only covers the operator's own hosts.
_RESERVED = frozenset({"localhost", "test", "example", "invalid", "internal", "home.arpa"})


def is_public_suffix(domain: str) -> bool:
    """Whether ``domain`` is a public suffix (``com``, ``co.uk``, ``github.io``, ...).

    >>> is_public_suffix("github.io"), is_public_suffix("example.com"), is_public_suffix("test")
    (True, False, False)
    """
    domain = domain.strip(".").lower()
    if domain in _RESERVED:
        return False
    return "." not in domain or domain in _MULTI_LABEL
