"""The registry of tallying rules, keyed by stable kebab-case ids, and ``tally`` to run one by id.

A rule is a function ``(instance, profile, *, tie_break, compat, **params) -> Outcome``. ``compat`` is
``"pb"`` (what a city would publish: never fund a project nobody supports) or ``"pabutools"`` (reproduce
pabutools 1.2.3 exactly; implies the ``lexico`` tie-break).

``check`` refuses everything ``tally`` would refuse about a rule, its parameters, the tie-break and the vote
type, without ballots: a service checks a configuration with it long before the first ballot is counted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ballots.instance import Instance
from ballots.outcome import Outcome
from ballots.profile import Profile, VoteType
from ballots.tiebreak import TIE_BREAKS, UnknownTieBreak, make_tie_break

COMPATS = ("pb", "pabutools")


class RuleError(ValueError):
    """A rule that cannot be run as asked."""


class UnknownRule(RuleError):
    """No rule has this id."""


class RuleNotApplicable(RuleError):
    """The rule does not apply to the profile's vote type."""


class InvalidParameter(RuleError):
    """A parameter the rule does not take, or a value it cannot use; ``parameter`` names it when one is at fault."""

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


RuleFunction = Callable[..., Outcome]
"""``(instance, profile, *, tie_break: TieBreak, compat: str, **params) -> Outcome``; each rule names its
own keyword parameters, which a Protocol with ``**params`` would refuse."""

ParameterCheck = Callable[[object], str | None]
"""Says what is wrong with a parameter's value (None when it is usable)."""


def one_of(*choices: str) -> ParameterCheck:
    """A value that is one of ``choices``."""

    def check(value: object) -> str | None:
        return None if isinstance(value, str) and value in choices else f"choose one of {', '.join(choices)}"

    return check


def non_negative_integer(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return None
    return "must be a whole number of at least 0"


def non_negative_number(value: object) -> str | None:
    """An int, a Fraction or a decimal or "p/q" string, at least 0 (a support threshold)."""
    if isinstance(value, bool) or not isinstance(value, int | str | Fraction):
        return "must be a number"
    try:
        number = Fraction(value)
    except (ValueError, ZeroDivisionError):
        return "must be a number"
    return None if number >= 0 else "must be at least 0"


COMMON_CHECKS: Mapping[str, ParameterCheck] = {"ordinal_points": non_negative_integer}
"""Checks of parameters that several rules take."""

ORDINAL_ONLY = frozenset({"ordinal_points"})
"""Parameters that only ordinal (ranked) ballots use."""


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A registered rule: its id, a one-line description, where it applies, and its parameters."""

    id: str
    description: str
    vote_types: frozenset[VoteType]
    function: RuleFunction
    parameters: tuple[str, ...] = ()
    checks: Mapping[str, ParameterCheck] = field(default_factory=dict)
    """The value check of each parameter that has one, besides COMMON_CHECKS."""


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
    spec = check(rule, vote_type=profile.vote_type, tie_break=tie_break, compat=compat, params=params)
    given = {name: value for name, value in params.items() if value is not None}
    breaker = make_tie_break("lexico" if compat == "pabutools" else tie_break, seed)
    return spec.function(instance, profile, tie_break=breaker, compat=compat, **given)


def check(
    rule: str,
    *,
    vote_type: VoteType,
    tie_break: str = "default",
    compat: str = "pb",
    params: Mapping[str, Any] | None = None,
) -> RuleSpec:
    """The rule ``rule`` if ``tally`` can run it on ``vote_type`` ballots as asked; else the error it would raise.

    Raises UnknownRule, RuleNotApplicable, UnknownTieBreak, or InvalidParameter naming the parameter.
    Parameters given as None take their default. ``params`` is a mapping, not keywords, so that a stored
    parameter called ``seed`` or ``compat`` is refused as unknown rather than taken for ``tally``'s own.
    """
    spec = get_rule(rule)
    if vote_type not in spec.vote_types:
        kinds = ", ".join(sorted(spec.vote_types))
        raise RuleNotApplicable(f"rule {rule!r} applies to {kinds} ballots, not {vote_type}")
    if compat not in COMPATS:
        raise InvalidParameter(f"unknown compat {compat!r}; choose one of {', '.join(COMPATS)}")
    if tie_break not in TIE_BREAKS:
        raise UnknownTieBreak(f"unknown tie-break {tie_break!r}; choose one of {', '.join(TIE_BREAKS)}")
    given = {name: value for name, value in (params or {}).items() if value is not None}
    unknown = sorted(set(given) - set(spec.parameters))
    if unknown:
        takes = ", ".join(spec.parameters) or "no parameters"
        raise InvalidParameter(f"rule {rule!r} takes {takes}; not {', '.join(unknown)}", unknown[0])
    checks = {**COMMON_CHECKS, **spec.checks}
    for name, value in sorted(given.items()):
        if name in ORDINAL_ONLY and vote_type != "ordinal":
            raise InvalidParameter(f"{name} applies only to ordinal (ranked) ballots", name)
        problem = checks.get(name, _any)(value)
        if problem is not None:
            raise InvalidParameter(f"rule {rule!r}: {name} {problem}, not {value!r}", name)
    return spec


def _any(value: object) -> str | None:
    return None
