"""``pb tally``: apply a rule to a Pabulib file and show the outcome with its explanation."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import click
from babel.numbers import UnknownCurrencyError, validate_currency

from ballots.closeness import HowClose, how_close
from ballots.outcome import Outcome
from ballots.pabulib import PabulibError, parse_pabulib
from ballots.pabulib_writer import format_money
from ballots.reasons import Reason, reason_to_json
from ballots.results import how_close_to_json
from ballots.rules import RULES, RuleError
from ballots.rules import tally as run_rule
from ballots.tiebreak import TIE_BREAKS, UnknownTieBreak
from pb.i18n.locales import LOCALES, Locale
from pb.i18n.translator import Translator, translator
from pb.results.explanations import MoneyFormat, currency, how_close_sentences, reason_sentence

COMPLETIONS = ("none", "add1", "greedy", "add1-greedy")


def _plain(value: Any) -> Any:
    """A JSON-ready copy: integral amounts become ints, other fractions decimal strings."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return value.numerator
        try:
            return format_money(value)  # exact: "827838.5", not a float's nearest
        except ValueError:
            return str(float(value))  # no finite decimal form (e.g. an endowment of 1/3)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def amount(value: Fraction | int) -> str:
    """Money or support for people: ``12,000``, ``827,838.5``, ``1,234.33`` (rounded to cents if needed)."""
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator:,}"
    text = f"{float(value):,.2f}"
    return text.rstrip("0").rstrip(".") if value * 100 == int(value * 100) else text


def outcome_json(outcome: Outcome, words: Words | None = None) -> dict[str, Any]:
    """The outcome as one JSON object: selection, money, parameters, ties and every project's reason (its code
    and figures; with ``words``, also as a sentence and with how close it came)."""
    data = {
        "rule": outcome.rule,
        "parameters": _plain(dict(outcome.parameters)),
        "tie_break": outcome.tie_break,
        "seed": outcome.seed,
        "selected": list(outcome.selected),
        "total_cost": _plain(outcome.total_cost),
        "budget": _plain(outcome.budget),
        "leftover": _plain(outcome.leftover),
        "ties": [
            {"step": t.step, "candidates": list(t.candidates), "chosen": t.chosen, "by": t.by}
            for t in outcome.ties
        ],
        "projects": [
            {
                "id": r.project_id,
                "status": r.status,
                "support": _plain(r.support),
                "reason": reason_to_json(r.reason),
            }
            for r in outcome.projects
        ],
    }
    if words is not None:
        for entry, r in zip(data["projects"], outcome.projects, strict=True):
            entry["explanation"] = words.reason(r.reason)
            close = words.close.get(r.project_id)
            if close is not None:
                entry["how_close"] = {**how_close_to_json(close), "sentences": words.how_close(close)}
    return data


@dataclass(frozen=True, slots=True)
class Words:
    """The language and currency to explain an outcome in, and the how-close figures when asked for."""

    translator: Translator
    money: MoneyFormat
    close: Mapping[str, HowClose]

    def reason(self, reason: Reason) -> str:
        return reason_sentence(reason, self.translator, self.money)

    def how_close(self, close: HowClose) -> list[str]:
        return how_close_sentences(close, self.translator, self.money)


def outcome_table(outcome: Outcome, words: Words) -> str:
    """The outcome for people: a header, one line per project with its reason (and how close it came), then
    the ties."""
    params = ", ".join(
        f"{k}={amount(v) if isinstance(v, Fraction) else v}" for k, v in outcome.parameters.items()
    )
    seed = f", seed {outcome.seed}" if outcome.seed is not None else ""
    lines = [
        f"rule {outcome.rule}"
        + (f" ({params})" if params else "")
        + f"; tie-break {outcome.tie_break}{seed}",
        f"funded {len(outcome.selected)} projects for {amount(outcome.total_cost)}"
        f" of {amount(outcome.budget)} ({amount(outcome.leftover)} left)",
        "",
    ]
    width = max((len(r.project_id) for r in outcome.projects), default=2)
    for r in outcome.projects:
        mark = "+" if r.status == "funded" else "-"
        lines.append(f"{mark} {r.project_id:<{width}}  {amount(r.support):>12}  {words.reason(r.reason)}")
        close = words.close.get(r.project_id)
        if close is not None:
            lines.extend(f"  {'':<{width}}  {'':>12}  {sentence}" for sentence in words.how_close(close))
    for t in outcome.ties:
        lines.append(f"tie at step {t.step} among {', '.join(t.candidates)}: {t.chosen} chosen by {t.by}")
    return "\n".join(lines)


@click.command("tally")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--rule", required=True, help=f"One of: {', '.join(sorted(RULES))}.")
@click.option("--completion", type=click.Choice(COMPLETIONS), help="Completion for equal-shares.")
@click.option("--tie-break", type=click.Choice(TIE_BREAKS), default="default", show_default=True)
@click.option("--seed", type=int, help="Seed of the default tie-break's lot (0 if not given).")
@click.option("--compat", type=click.Choice(["pb", "pabutools"]), default="pb", show_default=True)
@click.option("--threshold", help="Minimum support for greedy-threshold (default: META).")
@click.option("--ordinal-points", type=click.IntRange(min=1), help="Points of a first choice on ranked ballots.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--explain", is_flag=True, help="Also say how close each project came (re-runs the rule).")
@click.option("--lang", type=click.Choice(LOCALES), default="en", show_default=True,
              help="Language of the reasons.")
def tally(
    file: Path,
    rule: str,
    completion: str | None,
    tie_break: str,
    seed: int | None,
    compat: str,
    threshold: str | None,
    ordinal_points: int | None,
    as_json: bool,
    explain: bool,
    lang: Locale,
) -> None:
    """Tally the Pabulib FILE with RULE and explain the outcome."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise click.ClickException(f"cannot read {file}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file} is not UTF-8 text: {exc.reason}") from exc
    try:
        instance, profile = parse_pabulib(text)
    except PabulibError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    params: dict[str, Any] = {"completion": completion, "threshold": threshold, "ordinal_points": ordinal_points}
    try:
        outcome = run_rule(
            instance, profile, rule=rule, tie_break=tie_break, seed=seed, compat=compat, **params
        )
        close = (
            how_close(instance, profile, rule=rule, selected=outcome.selected, tie_break=tie_break, seed=seed,
                      compat=compat, **{k: v for k, v in params.items() if v is not None})
            if explain else {}
        )
    except (RuleError, UnknownTieBreak) as exc:
        raise click.ClickException(str(exc)) from exc
    words = translator(lang)
    code = instance.meta.get("currency", "").strip().upper() or "EUR"
    try:
        validate_currency(code)
    except UnknownCurrencyError as exc:
        raise click.ClickException(f"{file}: unknown currency {code!r} in META") from exc
    explained = Words(words, currency(words, code), close)
    if as_json:
        click.echo(json.dumps(outcome_json(outcome, explained), ensure_ascii=False))
    else:
        click.echo(outcome_table(outcome, explained))
