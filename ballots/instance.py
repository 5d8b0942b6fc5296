"""A participatory-budgeting instance: the projects on the ballot and the money to share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

EMPTY: Mapping[str, str] = MappingProxyType({})


def no_mapping() -> Mapping[str, str]:
    """The default for free-form columns: a shared read-only empty mapping.

    A dataclass refuses an unhashable default such as a mappingproxy, so it comes from this factory; such
    fields are compared but left out of the hash, which keeps projects and ballots hashable.
    """
    return EMPTY

Money = Fraction
"""Exact money. Costs and budgets are exact rationals so that decimal budgets (827838.5) never round."""


def money(value: int | str | Fraction) -> Money:
    """Parse an amount exactly: ``"827838.5"`` becomes ``Fraction(1655677, 2)``."""
    amount = Fraction(value)
    if amount < 0:
        raise ValueError(f"amount must not be negative: {value}")
    return amount


@dataclass(frozen=True, slots=True)
class Project:
    """One project that can be funded. ``id`` is a string, as Pabulib and cities use."""

    id: str
    cost: Money
    name: str = ""
    attributes: Mapping[str, str] = field(default_factory=no_mapping, hash=False)
    """The project's other columns as given (category, votes, selected...), kept for round trips."""


@dataclass(frozen=True, slots=True)
class Instance:
    """The projects and budget of one ballot: what is to be decided, without the votes."""

    budget: Money
    projects: tuple[Project, ...]
    meta: Mapping[str, str] = field(default_factory=no_mapping, hash=False)
    """Free-form description (Pabulib META), kept verbatim for round trips."""

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for project in self.projects:
            if project.id in seen:
                raise ValueError(f"duplicate project id {project.id!r}")
            seen.add(project.id)

    @property
    def project_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.projects)

    def project(self, project_id: str) -> Project:
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)

    def cost_of(self, project_ids: frozenset[str] | set[str] | tuple[str, ...]) -> Money:
        costs = {p.id: p.cost for p in self.projects}
        return sum((costs[i] for i in project_ids), Fraction(0))
