"""The round configuration frozen when voting opens, in one typed and immutable form.

Voting, the tally, the signed manifest and the research exports all read this. Its JSON (``to_json``) is what
``config_hash`` hashes when voting opens and what a manifest carries, so its keys and their order never change:
a field added here would change every frozen hash and break every signed manifest. ``from_json`` reads a
configuration back (from a manifest) and accepts only what ``to_json`` would write again byte for byte.

Only the standard library is imported, so that ``pb verify`` reads manifests without the ORM.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, TypeVar

BALLOT_FORMATS = frozenset({"approval", "knapsack", "cumulative", "ranked"})
"""The values of pb.core.models.BallotFormat (not imported: it brings the ORM)."""

T = TypeVar("T")

BUDGET_KEYS = (
    "id", "slug", "network_id", "amount", "ballot_format", "min_selections", "max_selections", "max_cost",
    "max_points_per_project", "max_total_points", "rule", "rule_params", "tie_break", "min_age", "area_restricted",
    "area", "projects",
)
ROUND_KEYS = ("id", "municipality_id", "slug", "min_age", "residence_required", "allow_revoting", "voting_ends_at")


class ConfigShapeError(ValueError):
    """A configuration read back that is not one pb writes; the message names the field at fault."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectConfig:
    """A project on a budget's ballot, with the cost (in cents) the municipality confirmed."""

    id: int
    code: str
    cost: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "cost": self.cost}

    @classmethod
    def from_json(cls, data: Any, where: str = "project") -> ProjectConfig:
        read = _Reader(data, where, ("id", "code", "cost"))
        return cls(id=read.integer("id"), code=read.text("code"), cost=read.integer("cost"))


@dataclass(frozen=True, slots=True, kw_only=True)
class AreaConfig:
    """Where the residents who may vote on an area-restricted budget live (sorted, as frozen)."""

    postal_codes: tuple[str, ...]
    districts: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"postal_codes": list(self.postal_codes), "districts": list(self.districts)}

    @classmethod
    def from_json(cls, data: Any, where: str = "area") -> AreaConfig:
        read = _Reader(data, where, ("postal_codes", "districts"))
        return cls(postal_codes=read.texts("postal_codes"), districts=read.texts("districts"))


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetConfig:
    """What a budget's ballots are checked against and how they are counted; money in cents."""

    id: int
    slug: str
    network_id: int | None = None
    amount: int
    ballot_format: str
    """One of BALLOT_FORMATS."""
    min_selections: int = 0
    max_selections: int | None = None
    max_cost: int | None = None
    max_points_per_project: int | None = None
    max_total_points: int | None = None
    rule: str
    rule_params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    """Read-only, and a copy of what it is given, so the row it came from cannot change it."""
    tie_break: str = "default"
    min_age: int | None = None
    """Overrides the round's minimum age when given."""
    area_restricted: bool = True
    area: AreaConfig | None = None
    """Set when the budget is area-restricted and has a network."""
    projects: tuple[ProjectConfig, ...] = ()
    """In code order."""

    def __post_init__(self) -> None:
        if self.ballot_format not in BALLOT_FORMATS:
            raise ConfigShapeError(f"budget {self.id}: ballot_format {self.ballot_format!r} is not one of pb's")
        object.__setattr__(self, "rule_params", MappingProxyType(copy.deepcopy(dict(self.rule_params))))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "slug": self.slug, "network_id": self.network_id, "amount": self.amount,
            "ballot_format": self.ballot_format, "min_selections": self.min_selections,
            "max_selections": self.max_selections, "max_cost": self.max_cost,
            "max_points_per_project": self.max_points_per_project, "max_total_points": self.max_total_points,
            "rule": self.rule, "rule_params": copy.deepcopy(dict(self.rule_params)), "tie_break": self.tie_break,
            "min_age": self.min_age, "area_restricted": self.area_restricted,
            "area": self.area.to_json() if self.area is not None else None,
            "projects": [p.to_json() for p in self.projects],
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "budget") -> BudgetConfig:
        read = _Reader(data, where, BUDGET_KEYS)
        area = read.optional("area", lambda value: AreaConfig.from_json(value, f"{where}.area"))
        projects = read.items("projects", ProjectConfig.from_json)
        return cls(
            id=read.integer("id"), slug=read.text("slug"), network_id=read.optional_integer("network_id"),
            amount=read.integer("amount"), ballot_format=read.choice("ballot_format", BALLOT_FORMATS),
            min_selections=read.integer("min_selections"), max_selections=read.optional_integer("max_selections"),
            max_cost=read.optional_integer("max_cost"),
            max_points_per_project=read.optional_integer("max_points_per_project"),
            max_total_points=read.optional_integer("max_total_points"), rule=read.text("rule"),
            rule_params=read.mapping("rule_params"), tie_break=read.text("tie_break"),
            min_age=read.optional_integer("min_age"), area_restricted=read.flag("area_restricted"), area=area,
            projects=projects,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundConfig:
    """Everything a ballot's validity and the tally depend on: the round's rules and its budgets by id order."""

    id: int
    municipality_id: int
    slug: str
    min_age: int
    residence_required: bool
    allow_revoting: bool
    voting_ends_at: datetime | None
    budgets: tuple[BudgetConfig, ...]

    def budget(self, budget_id: int) -> BudgetConfig:
        """The budget with this id; KeyError if the round has none."""
        for budget in self.budgets:
            if budget.id == budget_id:
                return budget
        raise KeyError(budget_id)

    def to_json(self) -> dict[str, Any]:
        """Exactly the JSON pb has always frozen: the same keys, in the same order, with the same values."""
        return {
            "round": {
                "id": self.id, "municipality_id": self.municipality_id, "slug": self.slug, "min_age": self.min_age,
                "residence_required": self.residence_required, "allow_revoting": self.allow_revoting,
                "voting_ends_at": self.voting_ends_at.isoformat() if self.voting_ends_at is not None else None,
            },
            "budgets": [b.to_json() for b in self.budgets],
        }

    @classmethod
    def from_json(cls, data: Any) -> RoundConfig:
        """A configuration read back; ConfigShapeError (naming the field) unless ``to_json`` would write it again."""
        top = _Reader(data, "config", ("round", "budgets"))
        budgets = top.items("budgets", BudgetConfig.from_json)
        read = _Reader(top.value("round"), "config.round", ROUND_KEYS)
        return cls(
            id=read.integer("id"), municipality_id=read.integer("municipality_id"), slug=read.text("slug"),
            min_age=read.integer("min_age"), residence_required=read.flag("residence_required"),
            allow_revoting=read.flag("allow_revoting"), voting_ends_at=read.optional("voting_ends_at", read.instant),
            budgets=budgets,
        )


def config_hash(config: RoundConfig) -> str:
    """SHA-256 of the configuration's canonical JSON (keys sorted, ``,``/``:`` separators, UTF-8)."""
    canonical = json.dumps(config.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class _Reader:
    """Typed reads of one JSON object's members, each failure naming ``where.key``; exactly ``keys`` are allowed."""

    def __init__(self, data: Any, where: str, keys: tuple[str, ...]) -> None:
        if not isinstance(data, dict):
            raise ConfigShapeError(f"{where}: expected an object")
        missing, unknown = [k for k in keys if k not in data], sorted(map(str, set(data) - set(keys)))
        wrong = [f"{what} {', '.join(names)}" for what, names in (("missing", missing), ("unknown", unknown)) if names]
        if wrong:
            raise ConfigShapeError(f"{where}: {'; '.join(wrong)}")
        self.data, self.where = data, where

    def value(self, key: str) -> Any:
        return self.data[key]

    def _typed(self, key: str, kind: type[T], name: str) -> T:
        value = self.data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigShapeError(f"{self.where}.{key}: expected {name}, not {value!r}")
        return value

    def integer(self, key: str) -> int:
        return self._typed(key, int, "an integer")

    def text(self, key: str) -> str:
        return self._typed(key, str, "a string")

    def choice(self, key: str, allowed: frozenset[str]) -> str:
        value = self.text(key)
        if value not in allowed:
            raise ConfigShapeError(f"{self.where}.{key}: expected one of {sorted(allowed)}, not {value!r}")
        return value

    def flag(self, key: str) -> bool:
        return self._typed(key, bool, "true or false")

    def mapping(self, key: str) -> dict[str, Any]:
        return self._typed(key, dict, "an object")

    def optional_integer(self, key: str) -> int | None:
        return None if self.data[key] is None else self.integer(key)

    def optional(self, key: str, read: Callable[[Any], T]) -> T | None:
        return None if self.data[key] is None else read(self.data[key])

    def texts(self, key: str) -> tuple[str, ...]:
        values = self._typed(key, list, "a list")
        if not all(isinstance(v, str) for v in values):
            raise ConfigShapeError(f"{self.where}.{key}: expected a list of strings")
        return tuple(values)

    def items(self, key: str, read: Callable[[Any, str], T]) -> tuple[T, ...]:
        values = self._typed(key, list, "a list")
        return tuple(read(v, f"{self.where}.{key}[{n}]") for n, v in enumerate(values))

    def instant(self, value: Any) -> datetime:
        """An ISO 8601 instant exactly as ``datetime.isoformat`` writes it (anything else would hash differently)."""
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.isoformat() != value:
            raise ConfigShapeError(f"{self.where}.voting_ends_at: expected an ISO 8601 instant, not {value!r}")
        return parsed
