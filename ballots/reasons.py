"""Why a project was funded or not: a closed set of reason codes, each with its own typed figures.

Rules return a ``Reason`` per project and never a sentence: the words are made by whoever shows the result,
in the reader's language, from the code and its figures (pb does it through its gettext catalogues). Stored
results keep the code and figures, so a published result can be explained again in any language without
tallying anew. The set is closed: ``FIGURES`` lists every code with the names of its figures, and each code
has one constructor below that fills exactly those.

Figures are exact: money and support are ``Fraction`` (money in the instance's currency), counts are
``int``, project ids ``str``. MES prices come from the float run rounded to cents (see
``equal_shares_explain``); every decision behind them was exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from ballots.instance import Money

Figure = Fraction | int | str | tuple[str, ...] | None
"""A reason's figure: money or support (exact), a count or step, a project id, a tuple of ids."""


class ReasonCode(StrEnum):
    """Every reason a rule may give. The values are stable: they are stored with published results."""

    FUNDED_IN_ORDER = "funded-in-order"
    """Greedy and Phragmén: bought in ``step``, ``left_after`` money remaining."""
    FUNDED_EQUAL_SHARES = "funded-equal-shares"
    """Equal shares: bought in ``round``; ``payers`` paid ``price`` each (per point for points ballots)."""
    FUNDED_FREE = "funded-free"
    """Costs nothing and has support: funded before any money is shared."""
    FUNDED_BY_COMPLETION = "funded-by-completion"
    """Added by the greedy completion after equal shares stopped, in ``step``."""
    FUNDED_OPTIMAL = "funded-optimal"
    """Max welfare: part of the affordable set with the most total satisfaction (``welfare``)."""
    NOT_AFFORDABLE = "not-affordable"
    """Its turn came, but only ``left`` was left of the budget and it costs ``cost``."""
    SUPPORTERS_SHORT = "supporters-short"
    """Equal shares: its supporters had ``supporters_left`` of their shares, ``shortfall`` less than ``cost``."""
    NO_SUPPORT = "no-support"
    """Nobody voted for it; pb never funds such a project."""
    BELOW_THRESHOLD = "below-threshold"
    """Its ``support`` is below the minimum ``threshold`` the rule requires."""
    OVER_BUDGET = "over-budget"
    """It costs more than the whole budget."""
    NOT_REACHED = "not-reached"
    """The rule stopped at ``stopped_at`` (the first project that did not fit) before reaching it."""
    NOT_OPTIMAL = "not-optimal"
    """Max welfare: no affordable set including it has more total satisfaction."""
    TIE_LOST = "tie-lost"
    """It was exactly as good as ``chosen`` in ``step``; the tie-break (``by``) chose ``chosen``, and it then
    did not fit (``left`` left, costs ``cost``)."""


FIGURES: Mapping[ReasonCode, tuple[str, ...]] = MappingProxyType({
    ReasonCode.FUNDED_IN_ORDER: ("step", "cost", "left_after"),
    ReasonCode.FUNDED_EQUAL_SHARES: ("step", "round", "price", "payers", "exhausted", "per_point"),
    ReasonCode.FUNDED_FREE: ("step",),
    ReasonCode.FUNDED_BY_COMPLETION: ("step", "cost", "left_after"),
    ReasonCode.FUNDED_OPTIMAL: ("welfare",),
    ReasonCode.NOT_AFFORDABLE: ("cost", "left"),
    ReasonCode.SUPPORTERS_SHORT: ("cost", "supporters_left", "shortfall", "left"),
    ReasonCode.NO_SUPPORT: (),
    ReasonCode.BELOW_THRESHOLD: ("support", "threshold"),
    ReasonCode.OVER_BUDGET: ("cost", "budget"),
    ReasonCode.NOT_REACHED: ("stopped_at",),
    ReasonCode.NOT_OPTIMAL: ("welfare",),
    ReasonCode.TIE_LOST: ("step", "chosen", "candidates", "by", "cost", "left"),
})
"""The names of each code's figures, in order."""

FUNDED_CODES = frozenset({
    ReasonCode.FUNDED_IN_ORDER, ReasonCode.FUNDED_EQUAL_SHARES, ReasonCode.FUNDED_FREE,
    ReasonCode.FUNDED_BY_COMPLETION, ReasonCode.FUNDED_OPTIMAL,
})


@dataclass(frozen=True, slots=True)
class Reason:
    """A reason code with its figures (named as ``FIGURES[code]`` says)."""

    code: ReasonCode
    figures: Mapping[str, Figure] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if tuple(self.figures) != FIGURES[self.code]:
            raise ValueError(f"reason {self.code} takes {FIGURES[self.code]}, not {tuple(self.figures)}")

    @property
    def funded(self) -> bool:
        return self.code in FUNDED_CODES


def _reason(code: ReasonCode, **figures: Figure) -> Reason:
    return Reason(code, MappingProxyType({name: figures[name] for name in FIGURES[code]}))


def funded_in_order(step: int, cost: Money, left_after: Money) -> Reason:
    return _reason(ReasonCode.FUNDED_IN_ORDER, step=step, cost=cost, left_after=left_after)


def funded_equal_shares(
    step: int, round_: int, price: Fraction, payers: int, exhausted: int, *, per_point: bool
) -> Reason:
    return _reason(
        ReasonCode.FUNDED_EQUAL_SHARES, step=step, round=round_, price=price, payers=payers,
        exhausted=exhausted, per_point=int(per_point),
    )


def funded_free(step: int) -> Reason:
    return _reason(ReasonCode.FUNDED_FREE, step=step)


def funded_by_completion(step: int, cost: Money, left_after: Money) -> Reason:
    return _reason(ReasonCode.FUNDED_BY_COMPLETION, step=step, cost=cost, left_after=left_after)


def funded_optimal(welfare: Fraction) -> Reason:
    return _reason(ReasonCode.FUNDED_OPTIMAL, welfare=welfare)


def not_affordable(cost: Money, left: Money) -> Reason:
    return _reason(ReasonCode.NOT_AFFORDABLE, cost=cost, left=left)


def supporters_short(cost: Money, supporters_left: Money, left: Money) -> Reason:
    shortfall = max(cost - supporters_left, Fraction(0))
    return _reason(
        ReasonCode.SUPPORTERS_SHORT, cost=cost, supporters_left=supporters_left, shortfall=shortfall, left=left
    )


def no_support() -> Reason:
    return _reason(ReasonCode.NO_SUPPORT)


def below_threshold(support: Fraction, threshold: Fraction) -> Reason:
    return _reason(ReasonCode.BELOW_THRESHOLD, support=support, threshold=threshold)


def over_budget(cost: Money, budget: Money) -> Reason:
    return _reason(ReasonCode.OVER_BUDGET, cost=cost, budget=budget)


def not_reached(stopped_at: str) -> Reason:
    return _reason(ReasonCode.NOT_REACHED, stopped_at=stopped_at)


def not_optimal(welfare: Fraction) -> Reason:
    return _reason(ReasonCode.NOT_OPTIMAL, welfare=welfare)


def tie_lost(
    step: int, chosen: str, candidates: tuple[str, ...], by: str, cost: Money, left: Money
) -> Reason:
    return _reason(
        ReasonCode.TIE_LOST, step=step, chosen=chosen, candidates=candidates, by=by, cost=cost, left=left
    )


def figure_to_json(value: Figure) -> object:
    """A figure as plain JSON, nothing lost: fractions as integers or ``"p/q"`` strings, tuples as lists."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, tuple):
        return list(value)
    return value


def reason_to_json(reason: Reason) -> dict[str, object]:
    return {"code": reason.code.value, "figures": {k: figure_to_json(v) for k, v in reason.figures.items()}}


MONEY_FIGURES = frozenset({"cost", "left_after", "price", "left", "supporters_left", "shortfall", "budget"})
"""Figures that are money (the others are support, counts, steps or project ids)."""


def reason_from_json(data: Mapping[str, object]) -> Reason:
    """The inverse of ``reason_to_json``: a stored reason, read back exactly."""
    code = ReasonCode(str(data["code"]))
    stored = data.get("figures") or {}
    if not isinstance(stored, Mapping):
        raise ValueError("a reason's figures must be an object")
    figures: dict[str, Figure] = {}
    for name in FIGURES[code]:
        value = stored.get(name)
        if isinstance(value, list):
            figures[name] = tuple(str(v) for v in value)
        elif name in ("stopped_at", "chosen", "by"):
            figures[name] = None if value is None else str(value)
        elif name in ("step", "round", "payers", "exhausted", "per_point"):
            figures[name] = int(str(value))
        else:
            figures[name] = None if value is None else Fraction(str(value))
    return Reason(code, MappingProxyType(figures))
