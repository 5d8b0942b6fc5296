"""Hypothesis strategies for random participatory-budgeting instances and profiles."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from ballots.instance import Instance, Project
from ballots.profile import Ballot, Profile, VoteType

ELECTION_TYPES: tuple[VoteType, ...] = ("approval", "choose-1", "cumulative", "ordinal", "scoring")


@st.composite
def elections(
    draw: st.DrawFn,
    vote_types: tuple[VoteType, ...] = ELECTION_TYPES,
    max_projects: int = 7,
    max_voters: int = 12,
) -> tuple[Instance, Profile]:
    """A small election: integer costs, a budget that funds some but not all, ballots of one vote type."""
    vote_type = draw(st.sampled_from(vote_types))
    n = draw(st.integers(1, max_projects))
    costs = draw(st.lists(st.integers(1, 20), min_size=n, max_size=n))
    ids = [str(i) for i in draw(st.permutations(range(1, n + 1)))]
    projects = tuple(Project(pid, Fraction(c)) for pid, c in zip(ids, costs, strict=True))
    budget = Fraction(draw(st.integers(1, max(1, sum(costs)))))
    voters = draw(st.integers(0, max_voters))
    ballots = []
    for v in range(voters):
        if vote_type == "choose-1":
            choices = [draw(st.sampled_from(ids))]
        else:
            choices = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=n))
        points: tuple[int, ...] = ()
        if vote_type == "cumulative":
            points = tuple(draw(st.integers(1, 5)) for _ in choices)
        elif vote_type == "scoring":
            # A score of 0 is a rating, not support: such projects must be treated as unsupported.
            points = tuple(draw(st.integers(0, 5)) for _ in choices)
        ballots.append(Ballot(tuple(choices), points, str(v)))
    return Instance(budget, projects), Profile(vote_type, tuple(ballots))
