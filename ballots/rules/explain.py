"""Building the per-project results every rule returns: a status, the support counted and a reason code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from ballots import reasons
from ballots.outcome import ProjectResult, Tie
from ballots.reasons import Reason, ReasonCode


def result(project_id: str, support: Fraction, reason: Reason) -> ProjectResult:
    """A project's result; its status follows from the reason."""
    return ProjectResult(project_id, "funded" if reason.funded else "not-funded", support, reason)


def no_support(project_id: str, support: Fraction) -> ProjectResult:
    """A project nobody voted for, which pb never funds."""
    return result(project_id, support, reasons.no_support())


def ties_lost(results: dict[str, ProjectResult], ties: Sequence[Tie]) -> None:
    """A project that lost a tie and then did not fit is explained by the tie, the first it lost."""
    for tie in ties:
        for pid in tie.candidates:
            current = results.get(pid)
            if pid == tie.chosen or current is None or current.reason.code != ReasonCode.NOT_AFFORDABLE:
                continue
            figures = current.reason.figures
            cost, left = figures["cost"], figures["left"]
            assert isinstance(cost, Fraction)
            assert isinstance(left, Fraction)
            why = reasons.tie_lost(tie.step, tie.chosen, tie.candidates, tie.by, cost, left)
            results[pid] = result(pid, current.support, why)


def ordered_results(
    results: Mapping[str, ProjectResult], order: tuple[str, ...]
) -> tuple[ProjectResult, ...]:
    """The results listed in ``order`` (the instance's listing unless the rule has a ranking)."""
    return tuple(results[p] for p in order)
