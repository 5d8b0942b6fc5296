"""Pabulib reading and writing: faithful, strict about malformed files, fast, accepted by the checker."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pabulib.checker import Checker  # type: ignore[import-untyped]

from ballots.instance import Instance, Project
from ballots.pabulib import PabulibError, parse_pabulib
from ballots.pabulib_writer import format_money, format_pabulib
from ballots.profile import Ballot, Profile, VoteType
from tests.ballots.conftest import Loader

GOOD = """META
key;value
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
1;50;A
2;60;B
VOTES
voter_id;vote
v1;1,2
v2;2
"""


def test_parse_reads_budget_projects_and_votes() -> None:
    instance, profile = parse_pabulib(GOOD)
    assert instance.budget == 100
    assert [(p.id, p.cost, p.name) for p in instance.projects] == [
        ("1", Fraction(50), "A"),
        ("2", Fraction(60), "B"),
    ]
    assert profile.vote_type == "approval"
    assert [(b.voter_id, b.choices) for b in profile.ballots] == [("v1", ("1", "2")), ("v2", ("2",))]


def test_parse_accepts_crlf_decimal_budget_and_quoted_cells() -> None:
    text = GOOD.replace("budget;100", "budget;827838.5").replace("1;50;A", '1;50.25;"A; with ""quotes"""')
    instance, _ = parse_pabulib(text.replace("\n", "\r\n"))
    assert instance.budget == Fraction(1655677, 2)
    assert instance.projects[0].cost == Fraction(201, 4)
    assert instance.projects[0].name == 'A; with "quotes"'


def test_parse_keeps_points_extra_columns_and_meta() -> None:
    text = (
        "META\nkey;value\nbudget;10\nvote_type;cumulative\nmax_sum_points;5\n"
        "PROJECTS\nproject_id;cost;votes;selected\na;4;2;1\nb;7;1;0\n"
        "VOTES\nvoter_id;vote;points;age\n1;a,b;3,2;40\n2;a;5;\n"
    )
    instance, profile = parse_pabulib(text)
    assert instance.meta["max_sum_points"] == "5"
    assert instance.projects[0].attributes == {"votes": "2", "selected": "1"}
    assert profile.ballots[0].points == (3, 2)
    assert profile.ballots[0].metadata == {"age": "40"}
    assert profile.ballots[1].metadata == {"age": ""}


MALFORMED = [
    (GOOD.replace("v2;2", "v2;2;extra"), 12, "VOTES row has 3 columns, header has 2"),
    (GOOD.replace("v2;2", "v2;9"), 12, "unknown project '9'"),
    (GOOD.replace("2;60;B", "2;sixty;B"), 8, "not a number"),
    (GOOD.replace("budget;100\n", ""), 1, "no 'budget'"),
    (GOOD.replace("VOTES\nvoter_id;vote\nv1;1,2\nv2;2\n", ""), 9, "missing section VOTES"),
    (GOOD.replace("2;60;B", "1;60;B"), 8, "listed twice"),
    (GOOD.replace("v2;2", "v1;2"), 12, "votes twice"),
    (GOOD.replace("v2;2", "v2;2,2"), 12, "names a project twice"),
    (GOOD.replace("approval", "plurality"), 4, "unknown vote_type"),
    (GOOD.replace("approval", "cumulative"), 10, "no 'points' column"),
    (GOOD.replace("2;60;B", '2;60;"B'), 8, "bad CSV"),
    (GOOD.replace("2;60;B", "2;-60;B"), 8, "negative"),
    ("hello\n" + GOOD, 1, "before the META section"),
]


@pytest.mark.parametrize(("text", "line", "problem"), MALFORMED)
def test_malformed_file_raises_an_error_naming_the_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(PabulibError) as caught:
        parse_pabulib(text)
    assert caught.value.line == line
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"line {line}: ")


def test_points_must_match_the_vote() -> None:
    text = "META\nkey;value\nbudget;9\nvote_type;scoring\nPROJECTS\nproject_id;cost\na;1\nVOTES\n"
    with pytest.raises(PabulibError, match="line 10: 2 points for 1 projects"):
        parse_pabulib(text + "voter_id;vote;points\n1;a;2,3\n")


def test_format_money_writes_exact_decimals_only() -> None:
    assert format_money(Fraction(1655677, 2)) == "827838.5"
    assert format_money(Fraction(3, 40)) == "0.075"
    assert format_money(Fraction(5)) == "5"
    with pytest.raises(ValueError, match="no finite decimal"):
        format_money(Fraction(1, 3))


TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029"), max_size=8
)
IDS = st.text("abcXYZ019/._-", min_size=1, max_size=6)


@st.composite
def pabulib_data(draw: st.DrawFn) -> tuple[Instance, Profile]:
    vote_type: VoteType = draw(st.sampled_from(["approval", "choose-1", "cumulative", "ordinal", "scoring"]))
    ids = draw(st.lists(IDS, min_size=1, max_size=6, unique=True))
    extra = draw(st.lists(st.sampled_from(["category", "votes", "selected", "target"]), unique=True))
    projects = tuple(
        Project(pid, Fraction(draw(st.integers(0, 10**9)), 100), draw(TEXT), {k: draw(TEXT) for k in extra})
        for pid in ids
    )
    voter_columns = draw(st.lists(st.sampled_from(["age", "sex", "district"]), unique=True))
    ballots = []
    for v in range(draw(st.integers(0, 6))):
        choices = tuple(draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids))))
        with_points = vote_type in ("cumulative", "scoring")
        points = tuple(draw(st.integers(-3, 9)) for _ in choices) if with_points else ()
        ballots.append(Ballot(choices, points, f"v{v}", {c: draw(TEXT) for c in voter_columns}))
    budget = Fraction(draw(st.integers(0, 10**10)), 10)
    meta = {
        "description": draw(TEXT),
        "num_projects": str(len(projects)),
        "num_votes": str(len(ballots)),
        "budget": format_money(budget),
        "vote_type": vote_type,
    }
    return Instance(budget, projects, meta), Profile(vote_type, tuple(ballots))


@settings(max_examples=150, deadline=None)
@given(pabulib_data())
def test_writing_then_reading_gives_back_the_same_data(data: tuple[Instance, Profile]) -> None:
    instance, profile = data
    assert parse_pabulib(format_pabulib(instance, profile)) == (instance, profile)


def test_real_files_round_trip(load_pabulib: Loader, pabulib_files: list[str]) -> None:
    for name in pabulib_files:
        instance, profile = load_pabulib(name)
        assert parse_pabulib(format_pabulib(instance, profile)) == (instance, profile), name


def _checker_errors(text: str) -> dict[str, Any]:
    """The official pabulib-checker's errors for one file's text; empty when it is valid."""
    report = Checker().process_files([text])
    errors = {
        key: value["results"]["errors"] for key, value in report.items() if key not in ("metadata", "summary")
    }
    assert report["metadata"]["processed"] == 1
    return {} if report["metadata"]["invalid"] == 0 and not any(errors.values()) else errors


@pytest.mark.parametrize(
    "name",
    [
        "Poland_Warszawa_2019_Zerzen.pb",  # approval
        "Netherlands_Assen_2024.pb",  # approval, equal shares
        "France_Toulouse_2019.pb",  # cumulative
        "Poland_Krakow_2018_Wzgorza_Krzeslawickie.pb",  # ordinal
        "Poland_Zabrze_2020.pb",  # choose-1
    ],
)
def test_rewritten_real_files_pass_the_official_checker(name: str, load_pabulib: Loader) -> None:
    assert _checker_errors(format_pabulib(*load_pabulib(name))) == {}


@pytest.mark.parametrize(("vote_type", "points"), [("scoring", (2, 0)), ("cumulative", (3, 2)), ("approval", ())])
def test_written_decimal_quoted_file_passes_the_checker_and_reads_back(
    vote_type: VoteType, points: tuple[int, ...]
) -> None:
    meta = {
        "description": 'Town PB; "green" edition',
        "country": "Poland",
        "unit": "Town",
        "instance": "2024",
        "num_projects": "2",
        "num_votes": "2",
        "budget": "100.5",
        "vote_type": vote_type,
        "rule": "greedy",
        "date_begin": "2024",
        "date_end": "2024",
        **({"min_points": "0", "max_points": "3"} if vote_type == "scoring" else {}),
        **({"max_sum_points": "5"} if vote_type == "cumulative" else {}),
        "language": "en",
        "currency": "EUR",
    }
    projects = (
        Project("1", Fraction(401, 4), 'Park; "green"', {"votes": "2", "selected": "1"}),
        Project("2", Fraction(30), "Bench", {"votes": "2", "selected": "0"}),
    )
    ballots = (Ballot(("1", "2"), points, "v1", {"age": "30"}), Ballot(("1", "2"), points, "v2", {"age": ""}))
    data = (Instance(Fraction(201, 2), projects, meta), Profile(vote_type, ballots))
    text = format_pabulib(*data)
    assert '"Park; ""green"""' in text
    assert _checker_errors(text) == {}
    assert parse_pabulib(text) == data


def test_parse_ignores_a_byte_order_mark() -> None:
    assert parse_pabulib("\ufeff" + GOOD) == parse_pabulib(GOOD)


def test_crlf_file_errors_name_the_same_line() -> None:
    with pytest.raises(PabulibError, match=r"^line 12: "):
        parse_pabulib(GOOD.replace("v2;2", "v2;9").replace("\n", "\r\n"))
