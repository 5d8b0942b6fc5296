"""Outcomes that explain themselves: what was funded, what was not, and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from ballots.instance import Money
from ballots.reasons import Reason

Status = Literal["funded", "not-funded"]


@dataclass(frozen=True, slots=True)
class ProjectResult:
    """A project's place in the outcome and the reason for it, as a code with figures (``ballots.reasons``)."""

    project_id: str
    status: Status
    support: Fraction
    """Approvals, points or positional score, as the rule counted them."""
    reason: Reason
    """E.g. ``not-affordable`` with ``cost=40000, left=12000``."""


@dataclass(frozen=True, slots=True)
class Tie:
    """A moment where several projects were equally good and the tie-break chose."""

    step: int
    candidates: tuple[str, ...]
    chosen: str
    by: str
    """Which criterion settled it: "cost", "votes", "lot", "lexico"..."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of applying one rule to one instance and profile."""

    rule: str
    parameters: Mapping[str, Any]
    tie_break: str
    selected: tuple[str, ...]
    """Funded project ids in the order the rule bought them."""
    total_cost: Money
    budget: Money
    projects: tuple[ProjectResult, ...]
    ties: tuple[Tie, ...] = ()
    seed: int | None = None
    """The seed of the lot used to break remaining ties, recorded so the outcome can be reproduced."""

    @property
    def leftover(self) -> Money:
        return self.budget - self.total_cost
