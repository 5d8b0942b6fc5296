"""Equal shares agrees with pabutools 1.2.3 on every real Pabulib instance (precomputed in expected.jsonl)."""

from __future__ import annotations

from typing import Any

import pytest

from ballots.rules import tally
from tests.ballots.conftest import AGREEMENT, Loader

COMPLETIONS = {"mes": "none", "mes-add1": "add1", "mes-greedy": "greedy", "mes-add1-greedy": "add1-greedy"}


@pytest.mark.parametrize("reference_rule", sorted(COMPLETIONS))
def test_equal_shares_selects_what_pabutools_selects_on_every_instance(
    reference_rule: str, expected_rows: list[dict[str, Any]], load_pabulib: Loader
) -> None:
    rows = [r for r in expected_rows if r["rule"] == reference_rule and r["status"] == "ok"]
    mismatches = []
    for row in rows:
        instance, profile = load_pabulib(row["file"])
        outcome = tally(
            instance, profile, rule="equal-shares", compat="pabutools", completion=COMPLETIONS[reference_rule]
        )
        if set(outcome.selected) != set(row["selected"]):
            mismatches.append((row["file"], sorted(set(outcome.selected) ^ set(row["selected"]))))
    AGREEMENT.append(f"equal-shares ({reference_rule}): {len(rows) - len(mismatches)} of {len(rows)} instances agree")
    assert rows
    assert mismatches == []
