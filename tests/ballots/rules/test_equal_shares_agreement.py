"""Equal shares agrees with pabutools 1.2.3 on every real Pabulib instance (precomputed in expected.jsonl).

Each instance runs equal shares once per phase (plain, add1), with the greedy completion: the selection
without completion is the same run's minus the projects the completion added (``completed_by_greedy``),
which ``test_greedy_completion_only_adds_to_the_uncompleted_outcome`` checks against a direct run.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings

from ballots.instance import Instance
from ballots.profile import Profile
from ballots.rules import tally
from tests.ballots.conftest import AGREEMENT, Loader
from tests.ballots.strategies import elections

COMPLETIONS = {"mes": "none", "mes-add1": "add1", "mes-greedy": "greedy", "mes-add1-greedy": "add1-greedy"}


@cache
def _selections(name: str, phase: str, load: Loader) -> dict[str, set[str]]:
    """Our selection for ``phase`` ("none" or "add1") without and with the greedy completion."""
    completed = "greedy" if phase == "none" else "add1-greedy"
    outcome = tally(*load(name), rule="equal-shares", compat="pabutools", completion=completed)
    added = set(outcome.parameters["completed_by_greedy"])
    return {completed: set(outcome.selected), phase: set(outcome.selected) - added}


@pytest.mark.parametrize("reference_rule", sorted(COMPLETIONS))
def test_equal_shares_selects_what_pabutools_selects_on_every_instance(
    reference_rule: str, expected_rows: list[dict[str, Any]], load_pabulib: Loader
) -> None:
    completion = COMPLETIONS[reference_rule]
    phase = "add1" if completion.startswith("add1") else "none"
    rows = [r for r in expected_rows if r["rule"] == reference_rule and r["status"] == "ok"]
    mismatches = []
    for row in rows:
        ours = _selections(row["file"], phase, load_pabulib)[completion]
        if ours != set(row["selected"]):
            mismatches.append((row["file"], sorted(ours ^ set(row["selected"]))))
    AGREEMENT.append(f"equal-shares ({reference_rule}): {len(rows) - len(mismatches)} of {len(rows)} instances agree")
    assert rows
    assert mismatches == []


@settings(max_examples=60, deadline=None)
@given(election=elections())
def test_greedy_completion_only_adds_to_the_uncompleted_outcome(election: tuple[Instance, Profile]) -> None:
    for phase, completed in (("none", "greedy"), ("add1", "add1-greedy")):
        for compat in ("pb", "pabutools"):
            plain = tally(*election, rule="equal-shares", compat=compat, completion=phase)
            full = tally(*election, rule="equal-shares", compat=compat, completion=completed)
            added = full.parameters["completed_by_greedy"]
            assert full.selected == plain.selected + tuple(added)
