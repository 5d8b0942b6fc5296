"""Every error is raised with a sentence the catalogues can hold: a literal message id, values beside it."""

from __future__ import annotations

import ast

from pb.core.errors import InvalidInput, Money, fill
from pb.i18n.build import ROOT, error_messages

PASSED_THROUGH = {
    # Message ids chosen elsewhere (from ballots/ or pb's own sentences by a code), or made elsewhere and passed
    # on as they are (English) with the machine-readable reason code beside them.
    ("pb/budgets/service.py", "message"),  # ballots/ rule and parameter checks (a pure library, no catalogue)
    ("pb/voting/service.py", "verdict.message_id or 'not eligible'"),  # the verdict's message id (its catalogue)
    ("pb/voting/validation.py", "first.message"),  # a ballot problem's message id (its catalogue, by problem code)
}


def _error_calls() -> list[tuple[str, int, ast.expr | None]]:
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "pb").rglob("*.py"))}
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(ast.unparse(b).rpartition(".")[2] for b in node.bases)
    errors = {"PbError"}
    while grown := {c for c, b in bases.items() if c not in errors and b & errors}:
        errors |= grown
    return [
        (path.relative_to(ROOT).as_posix(), node.lineno, node.args[0] if node.args else None)
        for path, tree in trees.items() for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func).rpartition(".")[2] in errors
    ]


def test_errors_are_raised_with_literal_message_ids() -> None:
    calls = _error_calls()
    dynamic = [
        (path, line, ast.unparse(first) if first is not None else None) for path, line, first in calls
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str))
        and (path, ast.unparse(first) if first is not None else "") not in PASSED_THROUGH
    ]

    assert len(calls) > 150  # the scan sees pb's errors
    assert dynamic == []


def test_every_literal_message_reaches_the_catalogue_template() -> None:
    found = {message for _, _, message in error_messages()}

    assert "budget %(budget_id)s does not exist" in found
    assert "Not eligible to vote in this budget" in found  # a title
    assert "the request conflicts with data already stored" in found  # a problem() literal


def test_values_fill_the_english_sentence_and_become_members() -> None:
    error = InvalidInput("the cost %(cost)s is over %(limit)s", field="cost", cost=Money(250_000), limit=Money(99))

    assert error.detail == str(error) == "the cost 2\xa0500\xa0€ is over 0,99\xa0€"
    assert error.members() == {"cost": 250_000, "limit": 99}
    assert fill("50% of %(n)s", {"n": 2}) == "50% of %(n)s"  # a stray % leaves the id as it is, never crashes
    assert fill("no values", {}) == "no values"
