"""The registry of tallying rules, keyed by stable kebab-case ids, and ``tally`` to run one by id.

A rule is a function ``(instance, profile, *, tie_break, compat, **params) -> Outcome``. ``compat`` is
``"pb"`` (what a city would publish: never fund a project nobody supports) or ``"pabutools"`` (reproduce
pabutools 1.2.3 exactly; implies the ``lexico`` tie-break).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ballots.instance import Instance
from ballots.outcome import Outcome
from ballots.profile import Profile, VoteType
from ballots.tiebreak import make_tie_break

COMPATS = ("pb", "pabutools")


class RuleError(ValueError):
    """A rule that cannot be run as asked."""


class UnknownRule(RuleError):
    """No rule has this id."""


class RuleNotApplicable(RuleError):
    """The rule does not apply to the profile's vote type."""


class InvalidParameter(RuleError):
    """A parameter the rule does not take, or a value it cannot use."""


RuleFunction = Callable[..., Outcome]
"""``(instance, profile, *, tie_break: TieBreak, compat: str, **params) -> Outcome``; each rule names its
own keyword parameters, which a Protocol with ``**params`` would refuse."""


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A registered rule: its id, a one-line description, where it applies, and its parameters."""

    id: str
    description: str
    vote_types: frozenset[VoteType]
    function: RuleFunction
    parameters: tuple[str, ...] = ()


RULES: dict[str, RuleSpec] = {}
"""Every rule by id; filled when ``ballots.rules`` is imported."""


def register(spec: RuleSpec) -> RuleSpec:
    """Add a rule to RULES; its id must be new."""
    if spec.id in RULES:
        raise ValueError(f"rule {spec.id!r} is already registered")
    RULES[spec.id] = spec
    return spec


def get_rule(rule: str) -> RuleSpec:
    try:
        return RULES[rule]
    except KeyError:
        known = ", ".join(sorted(RULES))
        raise UnknownRule(f"unknown rule {rule!r}; known rules: {known}") from None


def tally(
    instance: Instance,
    profile: Profile,
    *,
    rule: str,
    tie_break: str = "default",
    seed: int | None = None,
    compat: str = "pb",
    **params: Any,
) -> Outcome:
    """Apply the rule ``rule`` to the instance and profile. Parameters given as None take their default."""
    spec = get_rule(rule)
    if profile.vote_type not in spec.vote_types:
        kinds = ", ".join(sorted(spec.vote_types))
        raise RuleNotApplicable(f"rule {rule!r} applies to {kinds} ballots, not {profile.vote_type}")
    if compat not in COMPATS:
        raise InvalidParameter(f"unknown compat {compat!r}; choose one of {', '.join(COMPATS)}")
    given = {name: value for name, value in params.items() if value is not None}
    unknown = sorted(set(given) - set(spec.parameters))
    if unknown:
        takes = ", ".join(spec.parameters) or "no parameters"
        raise InvalidParameter(f"rule {rule!r} takes {takes}; not {', '.join(unknown)}")
    breaker = make_tie_break("lexico" if compat == "pabutools" else tie_break, seed)
    return spec.function(instance, profile, tie_break=breaker, compat=compat, **given)
