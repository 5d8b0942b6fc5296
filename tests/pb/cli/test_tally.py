"""``pb tally``: a table or one JSON object; clean errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pb.cli.tally import tally

FILE = """META
key;value
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
a;60;Park
b;50;Library
c;30;Benches
VOTES
voter_id;vote
1;a,b,c
2;a,b
3;a
"""


def run(tmp_path: Path, *args: str, text: str = FILE) -> tuple[int, str, str]:
    path = tmp_path / "election.pb"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(tally, [str(path), *args])
    return result.exit_code, result.stdout, result.stderr


def test_table_explains_every_project(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "--rule", "greedy")
    assert code == 0
    assert "funded 2 projects for 90 of 100 (10 left)" in out
    assert "Not funded: when its turn came, only 40\xa0€ was left, and it costs 50\xa0€." in out


def test_json_has_selection_cost_rule_ties_and_reasons(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "--rule", "greedy", "--json", "--tie-break", "lexico")
    data = json.loads(out)
    assert code == 0
    assert data["selected"] == ["a", "c"]
    assert data["total_cost"] == 90
    assert data["rule"] == "greedy"
    assert data["ties"] == []
    assert data["tie_break"] == "lexico"
    assert data["leftover"] == 10
    assert {p["id"]: p["status"] for p in data["projects"]} == {
        "a": "funded",
        "b": "not-funded",
        "c": "funded",
    }


def test_threshold_and_compat_options_reach_the_rule(tmp_path: Path) -> None:
    _, out, _ = run(tmp_path, "--rule", "greedy-threshold", "--threshold", "2", "--json")
    assert json.loads(out)["selected"] == ["a"]
    _, out, _ = run(tmp_path, "--rule", "phragmen", "--compat", "pabutools", "--json")
    assert json.loads(out)["tie_break"] == "lexico"


def test_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(tally, [str(tmp_path / "nope.pb"), "--rule", "greedy"])
    assert result.exit_code == 1
    assert "cannot read" in result.stderr
    assert "Traceback" not in result.output


def test_malformed_file_error_names_the_line(tmp_path: Path) -> None:
    code, _, err = run(tmp_path, "--rule", "greedy", text=FILE.replace("3;a", "3;zz"))
    assert code == 1
    assert "line 14: vote names unknown project 'zz'" in err


def test_unknown_rule_is_a_clean_error(tmp_path: Path) -> None:
    code, _, err = run(tmp_path, "--rule", "best")
    assert code == 1
    assert "unknown rule 'best'" in err


def test_completion_is_refused_by_rules_without_it(tmp_path: Path) -> None:
    code, _, err = run(tmp_path, "--rule", "greedy", "--completion", "add1")
    assert code == 1
    assert "not completion" in err


def test_ordinal_points_must_be_positive(tmp_path: Path) -> None:
    code, _, err = run(tmp_path, "--rule", "greedy", "--ordinal-points", "0")
    assert code == 2
    assert "--ordinal-points" in err


TIED = """META
key;value
budget;70.5
vote_type;approval
PROJECTS
project_id;cost
x;60
y;50.25
z;40
VOTES
voter_id;vote
1;x
2;y
"""


def test_json_reports_the_tie_that_decided_with_its_criterion_and_seed(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "--rule", "greedy", "--json", "--seed", "5", text=TIED)
    data = json.loads(out)
    assert code == 0
    assert data["selected"] == ["y"]
    assert data["ties"] == [{"step": 1, "candidates": ["y", "x"], "chosen": "y", "by": "cost"}]
    assert (data["tie_break"], data["seed"]) == ("default", 5)
    assert (data["total_cost"], data["budget"], data["leftover"]) == ("50.25", "70.5", "20.25")


def test_compat_pabutools_implies_lexico_and_funds_unsupported_projects(tmp_path: Path) -> None:
    _, out, _ = run(tmp_path, "--rule", "greedy", "--json", "--compat", "pabutools", text=TIED)
    data = json.loads(out)
    assert data["tie_break"] == "lexico"
    assert data["selected"] == ["x"]  # "x" < "y"; "z" (no votes) does not fit the 10.5 left
    _, out, _ = run(tmp_path, "--rule", "greedy", "--json", "--compat", "pabutools")
    assert json.loads(out)["selected"] == ["a", "c"]
    unsupported = FILE.replace("c;30;Benches", "c;30;Benches\nd;5;Kiosk")
    _, pb_out, _ = run(tmp_path, "--rule", "greedy", "--json", text=unsupported)
    _, ref_out, _ = run(tmp_path, "--rule", "greedy", "--json", "--compat", "pabutools", text=unsupported)
    assert json.loads(pb_out)["selected"] == ["a", "c"]
    assert json.loads(ref_out)["selected"] == ["a", "c", "d"]


def test_completion_reaches_equal_shares(tmp_path: Path) -> None:
    for completion in ("none", "add1", "greedy", "add1-greedy"):
        code, out, _ = run(tmp_path, "--rule", "equal-shares", "--completion", completion, "--json")
        data = json.loads(out)
        assert code == 0
        assert data["rule"] == "equal-shares"
        assert data["parameters"]["completion"] == completion
    _, out, _ = run(tmp_path, "--rule", "equal-shares", "--completion", "greedy")
    assert "Funded in round 1 of equal shares" in out


@pytest.mark.parametrize(
    ("lang", "reason", "close"),
    [
        ("fi", "Ei rahoitettu: kun hankkeen vuoro tuli, rahaa oli jäljellä enää 40\xa0€",
         "Hanke olisi rahoitettu, jos se olisi maksanut enintään 40\xa0€ (10\xa0€ vähemmän)."),
        ("sv", "Finansierades inte: när det var projektets tur återstod bara 40\xa0€",
         "Projektet hade finansierats om det hade kostat högst 40\xa0€ (10\xa0€ mindre)."),
        ("en", "Not funded: when its turn came, only 40\xa0€ was left",
         "It would have been funded had it cost 40\xa0€ or less (10\xa0€ less)."),
    ],
)
def test_explain_says_why_and_how_close_in_the_asked_language(
    tmp_path: Path, lang: str, reason: str, close: str
) -> None:
    code, out, _ = run(tmp_path, "--rule", "greedy", "--explain", "--lang", lang)
    assert code == 0
    assert reason in out and close in out
    _, out, _ = run(tmp_path, "--rule", "greedy", "--explain", "--lang", lang, "--json")
    b = {p["id"]: p for p in json.loads(out)["projects"]}["b"]
    assert b["reason"] == {"code": "not-affordable", "figures": {"cost": 50, "left": 40}}
    assert b["explanation"].startswith(reason)
    assert b["how_close"]["max_cost"] == 40 and b["how_close"]["sentences"][0] == close
    assert b["how_close"]["extra_supporters"] == 1


def test_how_close_only_when_asked(tmp_path: Path) -> None:
    _, out, _ = run(tmp_path, "--rule", "greedy", "--json")
    assert all("how_close" not in p and p["explanation"] for p in json.loads(out)["projects"])


def test_unknown_currency_is_a_clean_error(tmp_path: Path) -> None:
    text = FILE.replace("vote_type;approval", "vote_type;approval\ncurrency;XYZQ")
    code, _, err = run(tmp_path, "--rule", "greedy", text=text)
    assert code == 1 and "unknown currency 'XYZQ'" in err
