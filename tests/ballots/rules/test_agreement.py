"""Agreement with pabutools 1.2.3 on every real Pabulib instance, and with what the cities published.

The reference outcomes are precomputed in expected.jsonl (see ../shared/pabulib/SOURCES.md, oracle.md).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from ballots.rules import tally
from ballots.support import support
from tests.ballots.conftest import AGREEMENT, Loader

SET_RULES = {"greedy": "greedy", "greedy-threshold": "greedy-threshold", "phragmen": "phragmen"}
WELFARE_RULES = {"maxwelfare": "cost", "maxwelfare-card": "cardinality"}


def _rows(rows: list[dict[str, Any]], rule: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["rule"] == rule and r["status"] == "ok"]


@pytest.mark.parametrize("reference_rule", sorted(SET_RULES))
def test_selected_sets_equal_pabutools_on_every_instance(
    reference_rule: str, expected_rows: list[dict[str, Any]], load_pabulib: Loader
) -> None:
    rows = _rows(expected_rows, reference_rule)
    mismatches = []
    for row in rows:
        instance, profile = load_pabulib(row["file"])
        outcome = tally(instance, profile, rule=SET_RULES[reference_rule], compat="pabutools")
        if set(outcome.selected) != set(row["selected"]):
            mismatches.append((row["file"], sorted(set(outcome.selected) ^ set(row["selected"]))))
    AGREEMENT.append(f"{reference_rule}: {len(rows) - len(mismatches)} of {len(rows)} instances agree")
    assert rows
    assert mismatches == []


@pytest.mark.parametrize("reference_rule", sorted(WELFARE_RULES))
def test_max_welfare_reaches_pabutools_welfare_on_every_instance(
    reference_rule: str, expected_rows: list[dict[str, Any]], load_pabulib: Loader
) -> None:
    rows = _rows(expected_rows, reference_rule)
    satisfaction = WELFARE_RULES[reference_rule]
    mismatches = []
    for row in rows:
        instance, profile = load_pabulib(row["file"])
        outcome = tally(instance, profile, rule="max-welfare", compat="pabutools", satisfaction=satisfaction)
        scores = support(instance, profile)
        values = {p.id: scores[p.id] * (p.cost if satisfaction == "cost" else 1) for p in instance.projects}
        welfare = [sum((values[p] for p in ids), Fraction(0)) for ids in (outcome.selected, row["selected"])]
        if welfare[0] != welfare[1] or outcome.total_cost > instance.budget:
            mismatches.append(row["file"])
    agreeing = len(rows) - len(mismatches)
    AGREEMENT.append(f"{reference_rule}: {agreeing} of {len(rows)} instances agree on welfare")
    assert rows
    assert mismatches == []


CITY_RULES = {"greedy": "greedy", "greedy-threshold": "greedy-threshold", "greedy-no-skip": "greedy-no-skip"}


def test_cities_greedy_outcomes_are_reproduced(pabulib_files: list[str], load_pabulib: Loader) -> None:
    """Every file whose city used a plain greedy rule and recorded its selection is reproduced exactly."""
    checked, mismatches = 0, []
    for name in pabulib_files:
        instance, profile = load_pabulib(name)
        published = instance.meta.get("rule", "")
        if published not in CITY_RULES or not all("selected" in p.attributes for p in instance.projects):
            continue
        city = {p.id for p in instance.projects if p.attributes["selected"] == "1"}
        ours = set(tally(instance, profile, rule=CITY_RULES[published]).selected)
        checked += 1
        if ours != city:
            mismatches.append((name, sorted(ours ^ city)))
    AGREEMENT.append(f"city greedy outcomes: {checked - len(mismatches)} of {checked} reproduced")
    assert checked == 17
    assert mismatches == []
