"""How close each project came: what it would have taken to fund it, or how much room a funded one had.

For each project, all other ballots and costs unchanged:

- not funded: ``max_cost``, the highest cost (in cents) at which it would have been funded, and
  ``extra_supporters``, the fewest additional voters, each with a ballot for it alone, that would have funded
  it at its real cost;
- funded: ``max_cost`` again, now at least its cost, and ``extra_cost = max_cost - cost``, how much more it
  could have cost and still been funded.

Each figure is searched on the cent (or voter) grid and confirmed: the rule was run at the figure (funded)
and one cent or one voter beyond it (not funded). Where a rule is monotone in the project's cost and
support (the greedy family, proven in docs/ballots.md), the confirmed threshold is the exact answer and
``monotone`` is true. Elsewhere (equal shares, Phragmén, max welfare) funding can come and go as the cost
changes, so the figure is the threshold the bisection found and confirmed, and ``monotone`` is false: a
cost further away might fund the project again.

A figure is ``None`` when nothing suffices: a project nobody voted for is never funded at any cost, and one
that costs more than the whole budget is funded by no number of supporters. Supporters are searched up to
``supporter_limit`` (100 times the number of voters, at least 1,000).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

from ballots.formats import format_from_meta
from ballots.instance import Instance, Money, Project
from ballots.profile import Ballot, Profile
from ballots.rules import tally

CENT = Fraction(1, 100)
MONOTONE_RULES = frozenset({"greedy", "greedy-no-skip", "greedy-threshold", "greedy-cost"})
"""Rules whose funding of a project is monotone in its own cost and support (docs/ballots.md)."""


@dataclass(frozen=True, slots=True)
class HowClose:
    """What it would have taken to fund a project, or how much room a funded one had."""

    project_id: str
    funded: bool
    cost: Money
    max_cost: Money | None
    """The highest cost at which it is funded, confirmed; None when no cost would fund it."""
    extra_supporters: int | None
    """Not funded: the fewest additional voters for it alone that fund it at its cost; None when none do
    (or beyond ``supporter_limit``). 0 for a funded project."""
    monotone: bool
    """True when the rule is monotone here, so the figures are exact; False when they are the thresholds the
    confirmation proved (funded at the figure, not one cent or voter beyond)."""

    @property
    def extra_cost(self) -> Money | None:
        """Funded: how much more it could have cost and still be funded."""
        if not self.funded or self.max_cost is None:
            return None
        return self.max_cost - self.cost

    @property
    def cost_cut(self) -> Money | None:
        """Not funded: how much cheaper it would have had to be."""
        if self.funded or self.max_cost is None:
            return None
        return self.cost - self.max_cost


class Counterfactual(Protocol):
    """Answers whether a project is funded when only its cost, or its number of supporters, changes."""

    def funded_at_cost(self, project_id: str, cost: Money) -> bool: ...

    def funded_with_supporters(self, project_id: str, extra: int) -> bool: ...

    def cost_estimate(self, project_id: str, low: Money, high: Money) -> Money | None:
        """Where the project's cost threshold probably lies, between ``low`` (funded) and ``high`` (not);
        None when unknown. It only aims the search: every figure is still confirmed by ``funded_at_cost``."""
        ...


def extra_ballot(instance: Instance, profile: Profile, project_id: str) -> Ballot:
    """A ballot for this project alone, with the most points the ballot format allows one project."""
    if profile.vote_type not in ("cumulative", "scoring"):
        return Ballot((project_id,))
    fmt = format_from_meta(instance.meta)
    caps = [c for c in (fmt.max_points, fmt.max_sum_points) if c is not None]
    return Ballot((project_id,), (min(caps) if caps else 1,))


def with_cost(instance: Instance, project_id: str, cost: Money) -> Instance:
    projects = tuple(
        Project(p.id, cost, p.name, p.attributes) if p.id == project_id else p for p in instance.projects
    )
    return Instance(instance.budget, projects, instance.meta)


class Rerun:
    """The plain counterfactual: the rule run again on the changed instance or profile."""

    def __init__(self, instance: Instance, profile: Profile, run: Callable[[Instance, Profile], Any]) -> None:
        self.instance, self.profile, self.run = instance, profile, run

    def funded_at_cost(self, project_id: str, cost: Money) -> bool:
        return project_id in self.run(with_cost(self.instance, project_id, cost), self.profile).selected

    def funded_with_supporters(self, project_id: str, extra: int) -> bool:
        ballot = extra_ballot(self.instance, self.profile, project_id)
        more = Profile(self.profile.vote_type, self.profile.ballots + (ballot,) * extra)
        return project_id in self.run(self.instance, more).selected

    def cost_estimate(self, project_id: str, low: Money, high: Money) -> Money | None:
        return None


AIMED_PROBES = 12
"""At most this many probes follow the counterfactual's estimate; plain bisection does the rest."""


def _last_true(
    test: Callable[[int], bool], low: int, high: int, aim: Callable[[int, int], int | None] | None = None
) -> int:
    """With ``test(low)`` true and ``test(high)`` false, a ``k`` with ``test(k)`` and not ``test(k + 1)``.

    ``aim`` may name the ``k`` it expects: the search then probes it (or ``k + 1`` once ``k`` is known to
    pass) instead of the middle, so a good estimate closes the bracket in two probes."""
    aimed = 0
    while high - low > 1:
        middle = (low + high) // 2
        target = aim(low, high) if aim is not None and aimed < AIMED_PROBES else None
        # The estimate itself, or the step beyond it when it is already known to pass; else the middle.
        if target is not None and low <= target < high:
            middle, aimed = max(target, low + 1), aimed + 1
        if test(middle):
            low = middle
        else:
            high = middle
    return low


def max_cost_not_funded(check: Counterfactual, project_id: str, cost: Money) -> Money | None:
    """The highest cost on the cent grid below ``cost`` at which the project is funded, confirmed."""
    top = -((-cost) // CENT)  # the real cost, in cents rounded up; evaluated at the real cost itself

    def value(k: int) -> Money:
        return min(k * CENT, cost)

    if not check.funded_at_cost(project_id, Fraction(0)):
        return None
    test = lambda k: check.funded_at_cost(project_id, value(k))  # noqa: E731
    return value(_last_true(test, 0, int(top), _aim(check, project_id, value)))


def max_cost_funded(check: Counterfactual, project_id: str, cost: Money, budget: Money) -> Money:
    """The highest cost at which a funded project stays funded, confirmed one cent beyond."""
    bottom = int(cost // CENT)
    top = int(budget // CENT) + 1  # beyond the budget: no rule funds it there

    def value(k: int) -> Money:
        return max(k * CENT, cost)

    if check.funded_at_cost(project_id, value(top)):
        raise AssertionError(f"project {project_id} funded at a cost above the budget")
    test = lambda k: check.funded_at_cost(project_id, value(k))  # noqa: E731
    return value(_last_true(test, bottom, top, _aim(check, project_id, value)))


def _aim(
    check: Counterfactual, project_id: str, value: Callable[[int], Money]
) -> Callable[[int, int], int | None]:
    """The counterfactual's estimate of the threshold inside the bracket, on the cent grid."""

    def aim(low: int, high: int) -> int | None:
        estimate = check.cost_estimate(project_id, value(low), value(high))
        return None if estimate is None else int(estimate // CENT)

    return aim


def supporter_limit(profile: Profile) -> int:
    return max(1000, 100 * len(profile))


def fewest_supporters(
    check: Counterfactual, project_id: str, cost: Money, budget: Money, limit: int
) -> int | None:
    """The fewest additional voters for the project alone that fund it, confirmed one voter fewer."""
    if cost > budget:
        return None
    low, high = 0, 1  # not funded with ``low`` more (the real election), tried with ``high``
    while not check.funded_with_supporters(project_id, high):
        if high >= limit:
            return None
        low, high = high, min(2 * high, limit)
    return 1 + _last_true(lambda k: not check.funded_with_supporters(project_id, k), low, high)


def how_close_one(
    check: Counterfactual,
    project: Project,
    *,
    funded: bool,
    budget: Money,
    limit: int,
    monotone: bool,
    supporters: bool = True,
) -> HowClose:
    if funded:
        top = max_cost_funded(check, project.id, project.cost, budget)
        return HowClose(project.id, True, project.cost, top, 0, monotone)
    below = max_cost_not_funded(check, project.id, project.cost)
    extra = fewest_supporters(check, project.id, project.cost, budget, limit) if supporters else None
    return HowClose(project.id, False, project.cost, below, extra, monotone)


def how_close(
    instance: Instance,
    profile: Profile,
    *,
    rule: str,
    selected: tuple[str, ...] | None = None,
    check: Counterfactual | None = None,
    only: tuple[str, ...] | None = None,
    supporters: bool = True,
    workers: int = 1,
    **options: Any,
) -> dict[str, HowClose]:
    """Every project's how-close figures under ``rule`` (with the ``tally`` options given).

    ``only`` limits the figures to these projects. ``supporters=False`` skips the fewest extra supporters
    (left None): under equal shares on a city's election they cost far more than the cost figures.
    ``workers`` > 1 shares the projects among that many processes (this one and ``workers - 1`` spawned
    ones), each with its own counterfactual; the figures are the same as with one.
    """
    if selected is None:
        selected = tally(instance, profile, rule=rule, **options).selected
    ids = instance.project_ids if only is None else tuple(only)
    if workers <= 1 or check is not None or len(ids) < 2:
        return _figures(instance, profile, rule, selected, options, ids, supporters, check)
    # Imported only here: multiprocessing registers a ``__mp_main__`` module as it loads.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    share = [ids[i::workers] for i in range(min(workers, len(ids)))]
    sent = _portable(instance, profile)
    context = multiprocessing.get_context("spawn")  # fork is unsafe in a process with threads (a server)
    with ProcessPoolExecutor(max_workers=len(share) - 1, mp_context=context) as pool:
        others = [
            pool.submit(_figures, *sent, rule, selected, options, part, supporters, None) for part in share[1:]
        ]
        figures = _figures(instance, profile, rule, selected, options, share[0], supporters, None)
        for future in others:
            figures.update(future.result())
    return {pid: figures[pid] for pid in ids}


def _portable(instance: Instance, profile: Profile) -> tuple[Instance, Profile]:
    """The election as the rules read it, in a form that pickles: plain dicts for the free-form columns,
    and ballots without their voters' columns (no rule reads them, and a worker need not see them)."""
    projects = tuple(Project(p.id, p.cost, p.name, dict(p.attributes)) for p in instance.projects)
    ballots = tuple(Ballot(b.choices, b.points, "", {}) for b in profile.ballots)
    return Instance(instance.budget, projects, dict(instance.meta)), Profile(profile.vote_type, ballots)


def _figures(
    instance: Instance,
    profile: Profile,
    rule: str,
    selected: tuple[str, ...],
    options: dict[str, Any],
    project_ids: tuple[str, ...],
    supporters: bool,
    check: Counterfactual | None,
) -> dict[str, HowClose]:
    """The figures of these projects (a module-level function, so that a worker process can run it)."""

    def run(i: Instance, p: Profile) -> Any:
        return tally(i, p, rule=rule, **options)

    if check is None and rule == "equal-shares":
        from ballots.rules.equal_shares_closeness import MesCounterfactual

        check = MesCounterfactual(instance, profile, **options)
    checker = check or Rerun(instance, profile, run)
    limit = supporter_limit(profile)
    monotone = rule in MONOTONE_RULES
    funded = set(selected)
    return {
        pid: how_close_one(
            checker, instance.project(pid), funded=pid in funded, budget=instance.budget, limit=limit,
            monotone=monotone, supporters=supporters,
        )
        for pid in project_ids
    }
