"""How many examples the long property tests draw: all of them in CI, fewer locally.

A few oracles (the peer-library migrations, the bucket export, the path bounds) draw
hundreds of examples each and dominated the default run. Their ``@settings`` name the
count, which a Hypothesis profile cannot override, so they ask this module for it::

    @settings(max_examples=example_count(1200, local=600), derandomize=True)

Under Hypothesis's ``ci`` profile each runs its ``full`` count; otherwise, on a
developer's machine, its ``local`` one (at least 50), chosen so that the property and its
not-vacuous counts hold. Hypothesis loads that profile itself where the ``CI`` environment
variable is set (``.ci/run`` sets it, as CI services do); ``CI=true uv run pytest`` or
``uv run pytest --hypothesis-profile=ci`` runs the full counts locally.

A derandomized property's examples follow from its source: for a ``check`` nested in a
test, its decorators included. Changing a count there draws other examples, in both runs:
run the test with and without ``CI=true`` after changing one.
"""

from __future__ import annotations

from hypothesis import settings

#: The smallest local count: below it a property says little.
MIN_LOCAL = 50


def full_strength() -> bool:
    """Whether the properties run at full strength: Hypothesis's ``ci`` profile is loaded.

    >>> full_strength() == (settings.get_current_profile_name() == "ci")
    True
    """
    return settings.get_current_profile_name() == "ci"


def example_count(full: int, *, local: int) -> int:
    """``max_examples`` for a property: ``full`` in CI, ``local`` on a developer's machine.

    >>> example_count(1200, local=600) == (1200 if full_strength() else 600)
    True
    >>> example_count(100, local=10)
    Traceback (most recent call last):
    ValueError: local=10: a property needs at least 50 examples; fix: local=50 or more
    """
    if local < MIN_LOCAL:
        raise ValueError(
            f"local={local}: a property needs at least {MIN_LOCAL} examples;"
            f" fix: local={MIN_LOCAL} or more"
        )
    if local > full:
        raise ValueError(f"local={local} is more than full={full}; fix: local={full} or fewer")
    return full if full_strength() else local
