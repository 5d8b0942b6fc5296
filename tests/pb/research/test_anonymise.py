"""Re-identification: a synthetic round of 10,000 voters with metadata, through the anonymiser directly."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from pb.research.anonymise import ANY, ATTRIBUTES, SUPPRESSED, Minimums, generalise, suppress_table
from pb.research.export_data import BudgetData, anonymise
from pb.research.pabulib_export import write_pb
from pb.research.table_export import neutralise

DISTRICTS = ["Hyrylä", "Jokela", "Kellokoski", "Riihikallio", "Lahela", "Tiny"]


def synthetic_voters(n: int = 10_000, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    voters = pd.DataFrame({
        "age": rng.integers(15, 90, size=n),
        "district": rng.choice(DISTRICTS[:-1], size=n, p=[0.4, 0.2, 0.2, 0.15, 0.05]),
        "voting_method": rng.choice(["internet", "paper"], size=n, p=[0.97, 0.03]),
    })
    outlier: list[int | str] = [90, "Tiny", "paper"]  # an outlier everyone knows
    voters.loc[0, ["age", "district", "voting_method"]] = outlier
    voters.loc[1:2, "district"] = "Tiny"  # an area with 3 voters
    return voters


def test_every_published_combination_has_at_least_the_minimum() -> None:
    published = generalise(synthetic_voters(), Minimums(min_class=10))
    sizes = published.groupby(list(ATTRIBUTES)).size()
    assert sizes.min() >= 10
    assert not published["age_band"].str.fullmatch(r"\d+").any()  # no exact ages


def test_singling_out_a_known_voter_fails() -> None:
    voters = synthetic_voters()
    published = generalise(voters, Minimums(min_class=10))
    # The attacker knows the 90-year-old paper voter of Tiny; every row they might be is one of >= 10.
    row = published.iloc[0]
    candidates = (published[list(ATTRIBUTES)] == row[list(ATTRIBUTES)]).all(axis=1).sum()
    assert candidates >= 10
    assert row["age_band"] in (ANY, "75-120")
    assert (published["district"] == "Tiny").sum() == 0 or (published["district"] == "Tiny").sum() >= 10


def test_suppressed_cells_cannot_be_recovered_from_totals() -> None:
    voters = synthetic_voters()
    published = generalise(voters, Minimums(min_class=10))
    counts = pd.crosstab(published["district"], published["age_band"])
    table = suppress_table(counts, Minimums(min_cell=5)).to_numpy()
    hidden = table == SUPPRESSED
    assert ((table >= 5) | (table == 0) | hidden).all()
    assert not (hidden.sum(axis=0) == 1).any() and not (hidden.sum(axis=1) == 1).any()


def test_secondary_suppression_on_a_small_table() -> None:
    counts = pd.DataFrame({"a": [3, 20, 30], "b": [12, 25, 40]}, index=["x", "y", "z"])
    table = suppress_table(counts, Minimums(min_cell=5)).to_numpy()
    hidden = table == SUPPRESSED
    assert hidden[0, 0]
    assert hidden.sum() >= 4
    assert not (hidden.sum(axis=0) == 1).any() and not (hidden.sum(axis=1) == 1).any()


def test_exports_use_fresh_ids_and_orders_and_neutralise_formulas() -> None:
    spec = {"id": 1, "slug": "b", "amount": 100_000, "ballot_format": "approval", "min_selections": 0,
            "max_selections": None, "max_cost": None, "max_points_per_project": None, "max_total_points": None,
            "rule": "greedy", "rule_params": {}, "tie_break": "default",
            "projects": [{"id": 1, "code": "A", "cost": 50_000}, {"id": 2, "code": "B", "cost": 60_000}]}
    outcome = {"projects": [{"code": "A", "cost": 50_000, "support": 3, "status": "funded", "reason": "r"},
                            {"code": "B", "cost": 60_000, "support": 2, "status": "not-funded", "reason": "r"}]}
    data = BudgetData(spec, outcome, {"A": "=HYPERLINK(\"x\")", "B": "B"}, "d", "u", "2027", "2027", "2027", "fi",
                      [["A"], ["A", "B"], ["A"], ["B"]] * 5, synthetic_voters(20))
    first, second = anonymise(data), anonymise(data)
    assert set(first.voter_ids).isdisjoint(second.voter_ids)
    assert neutralise("=1+1") == "'=1+1" and neutralise("\tx") == "'\tx" and neutralise("ok") == "ok"
    out = io.StringIO()
    write_pb(first, out)
    assert "age;district;voting_method" in out.getvalue()
