"""Re-identification: a synthetic round of 10,000 voters with metadata, through the anonymiser directly."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pandas as pd

from pb.research.anonymise import (
    ANY,
    ATTRIBUTES,
    SUPPRESSED,
    Minimums,
    generalise,
    suppress_table,
    turnout_table,
)
from pb.research.export_data import BudgetData, anonymise
from pb.research.pabulib_export import write_pb
from pb.research.table_export import neutralise
from pb.rounds.frozen_config import BudgetConfig, ProjectConfig

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


def test_export_ids_are_keyed_by_a_secret_and_the_frozen_configuration_and_formulas_are_neutralised() -> None:
    spec = BudgetConfig(id=1, slug="b", amount=100_000, ballot_format="approval", min_selections=0,
                        max_selections=None, max_cost=None, max_points_per_project=None, max_total_points=None,
                        rule="greedy", rule_params={}, tie_break="default",
                        projects=(ProjectConfig(id=1, code="A", cost=50_000),
                                  ProjectConfig(id=2, code="B", cost=60_000)))
    outcome = {"projects": [{"code": "A", "cost": 50_000, "support": 3, "status": "funded", "reason": "r"},
                            {"code": "B", "cost": 60_000, "support": 2, "status": "not-funded", "reason": "r"}]}
    data = BudgetData(spec, outcome, {"A": "=HYPERLINK(\"x\")", "B": "B"}, "d", "u", "2027", "2027", "2027", "fi",
                      [["A"], ["A", "B"], ["A"], ["B"]] * 5, synthetic_voters(20), config_hash="c" * 64)
    first, again = anonymise(data, secret=b"s" * 32), anonymise(data, secret=b"s" * 32)
    other_secret = anonymise(data, secret=b"t" * 32)
    other_round = anonymise(replace(data, config_hash="d" * 64), secret=b"s" * 32)
    assert list(first.voter_ids) == list(again.voter_ids) and list(first.order) == list(again.order)
    assert len(set(first.voter_ids)) == 20 and list(first.voter_ids) == sorted(first.voter_ids)
    assert set(first.voter_ids).isdisjoint(other_secret.voter_ids)
    assert set(first.voter_ids).isdisjoint(other_round.voter_ids)
    assert sorted(first.order) == list(range(20)) and list(first.order) != list(range(20))
    assert neutralise("=1+1") == "'=1+1" and neutralise("\tx") == "'\tx" and neutralise("ok") == "ok"
    out, out_again = io.StringIO(), io.StringIO()
    write_pb(first, out)
    write_pb(again, out_again)
    assert out.getvalue() == out_again.getvalue()
    assert "age;voting_method;district" in out.getvalue()


def test_turnout_reports_the_real_count_and_marks_suppressed_cells() -> None:
    for ballots in (2, 5):
        table = turnout_table(None, ballots, Minimums(min_cell=5))
        assert table.to_dict("records") == [
            {"district": "total", "age_band": "total", "voters": ballots, "suppressed": False}]
    published = generalise(synthetic_voters(), Minimums(min_class=10))
    table = turnout_table(published, 10_000, Minimums(min_cell=100))
    hidden = table[table["suppressed"]]
    assert len(hidden) >= 2 and hidden["voters"].isna().all()
    assert (table.loc[~table["suppressed"], "voters"].notna()).all()
    grand = table[(table["district"] == "total") & (table["age_band"] == "total")]
    assert grand["voters"].tolist() == [10_000]


def test_a_grand_total_under_the_minimum_is_public_and_the_cells_it_alone_complements_are_too() -> None:
    counts = pd.DataFrame({"15-24": [1, 2]}, index=["x", "y"])
    table = suppress_table(counts, Minimums(min_cell=5), public_total=True)
    assert table.loc["total", "total"] == 3
    assert table.loc["total", "15-24"] == 3  # equal to the public total, so public
    hidden = table.to_numpy() == SUPPRESSED
    assert hidden[:2, :].all()
    assert not (hidden.sum(axis=0) == 1).any() and not (hidden.sum(axis=1) == 1).any()
