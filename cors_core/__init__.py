"""cors_core: one exact, fast CORS policy engine for every Python web stack.

The engine imports no web framework: it validates a configuration once, then turns
request metadata into a :class:`Decision` that the ASGI/WSGI adapters in :mod:`adapters`
apply. Every rejection carries a :class:`Reason`.

The public API is ``__all__`` here plus the documented submodules:
:mod:`cors_core.integration` (the adapters' interface), :mod:`cors_core.loading`
(configuration files), :mod:`cors_core.audit`, :mod:`cors_core.buckets` (S3 and GCS CORS
rules), :mod:`cors_core.browser` (the browser's side of CORS), :mod:`cors_core.testing`
and :mod:`cors_core.cli`. Modules whose name
starts with ``_`` are internal.

Example::

    >>> from cors_core import CORSPolicy
    >>> policy = CORSPolicy(allow_origins=["https://app.example.com"], allow_credentials=True)
    >>> policy.decide("GET", "https://app.example.com").headers
    (('Access-Control-Allow-Origin', 'https://app.example.com'),
     ('Access-Control-Allow-Credentials', 'true'))
"""

from cors_core._decision import Action, Decision, Reason, ReasonCode
from cors_core._errors import ConfigError, CORSConfigWarning, Problem
from cors_core._paths import PathRules
from cors_core._policy import CORSPolicy
from cors_core.integration import resolve_policy

__all__ = [
    "Action",
    "CORSConfigWarning",
    "CORSPolicy",
    "ConfigError",
    "Decision",
    "PathRules",
    "Problem",
    "Reason",
    "ReasonCode",
    "resolve_policy",
]

__version__ = "0.1.0"
