"""cors_core: one exact, fast CORS policy engine for every Python web stack.

The engine is pure (standard library only): it validates a configuration once,
then turns request metadata into a :class:`Decision` that the ASGI/WSGI adapters
in :mod:`adapters` apply. Every rejection carries a :class:`Reason`.

Example::

    >>> from cors_core import CORSPolicy
    >>> policy = CORSPolicy(allow_origins=["https://app.example.com"], allow_credentials=True)
    >>> policy.decide("GET", "https://app.example.com").headers
    (('Access-Control-Allow-Origin', 'https://app.example.com'),
     ('Access-Control-Allow-Credentials', 'true'))
"""

from cors_core.decision import Action, Decision, Reason, ReasonCode
from cors_core.errors import ConfigError, CORSConfigWarning, Problem
from cors_core.paths import PathRules
from cors_core.policy import CORSPolicy, resolve_policy

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
