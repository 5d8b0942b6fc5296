"""Why a project was funded or not, and how close it came, in a resident's language.

The rules in ``ballots`` give reason codes with figures and how-close figures, never sentences; the
sentences are made here, through the gettext catalogues, so that a published result reads in Finnish,
Swedish or English alike, and can be explained again from its stored codes without tallying anew.
A test renders every reason code in every language and checks that each sentence is translated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from babel import numbers

from ballots.closeness import HowClose
from ballots.reasons import Figure, Reason, ReasonCode
from pb.i18n.locales import BABEL_LOCALES
from pb.i18n.translator import Translator

MoneyFormat = Callable[[Fraction], str]
"""Formats an exact amount of money for people (euros through Babel in pb; the file's currency in the CLI)."""


def euros(words: Translator) -> MoneyFormat:
    """Euro amounts (pb tallies in euros) as the locale writes them, to the cent."""

    def format_euros(amount: Fraction) -> str:
        return words.money(round(amount * 100))

    return format_euros


def currency(words: Translator, code: str) -> MoneyFormat:
    """Amounts in another currency (a Pabulib file's ``currency``), as the locale writes them."""

    def format_amount(amount: Fraction) -> str:
        value = round(amount * 100) / 100
        digits = value != int(value)
        return numbers.format_currency(
            value, code, format=None if digits else "#,##0\xa0¤", currency_digits=digits,
            locale=BABEL_LOCALES[words.locale],
        )

    return format_amount


def _tie_criterion(words: Translator, by: str) -> str:
    if by == "cost":
        return words.pgettext("tie-break", "the lower cost")
    if by == "votes":
        return words.pgettext("tie-break", "more votes")
    if by == "lot":
        return words.pgettext("tie-break", "drawing lots")
    return words.pgettext("tie-break", "the order of project codes")


def _amount(words: Translator, value: Figure) -> str:
    """Support or points: a whole number, or a decimal when positional scores are fractional."""
    if isinstance(value, Fraction):
        return words.number(value.numerator) if value.denominator == 1 else words.number(float(value))
    return words.number(int(str(value)))


def _equal_shares(words: Translator, f: Mapping[str, Figure], money: MoneyFormat) -> str:
    price, payers, exhausted = money(_fraction(f["price"])), int(str(f["payers"])), int(str(f["exhausted"]))
    values: dict[str, Any] = {"round": f["round"], "price": price, "exhausted": words.number(exhausted)}
    if f["per_point"] and exhausted:
        return words.ngettext(
            "Funded in round %(round)s of equal shares: %(count)s supporter paid up to %(price)s per point; "
            "%(exhausted)s of them gave all they had left.",
            "Funded in round %(round)s of equal shares: %(count)s supporters paid up to %(price)s per point; "
            "%(exhausted)s of them gave all they had left.", payers, **values)
    if f["per_point"]:
        return words.ngettext(
            "Funded in round %(round)s of equal shares: %(count)s supporter paid %(price)s per point.",
            "Funded in round %(round)s of equal shares: %(count)s supporters paid %(price)s per point.",
            payers, **values)
    if exhausted:
        return words.ngettext(
            "Funded in round %(round)s of equal shares: %(count)s supporter paid up to %(price)s; "
            "%(exhausted)s of them gave all they had left.",
            "Funded in round %(round)s of equal shares: %(count)s supporters paid up to %(price)s each; "
            "%(exhausted)s of them gave all they had left.", payers, **values)
    return words.ngettext(
        "Funded in round %(round)s of equal shares: %(count)s supporter paid %(price)s.",
        "Funded in round %(round)s of equal shares: %(count)s supporters paid %(price)s each.", payers, **values)


def _fraction(value: Figure) -> Fraction:
    if not isinstance(value, Fraction | int):
        raise TypeError(f"not an amount: {value!r}")
    return Fraction(value)


def reason_sentence(reason: Reason, words: Translator, money: MoneyFormat) -> str:
    """The reason as one sentence in the translator's language."""
    f = reason.figures
    m = {k: money(_fraction(v)) for k, v in f.items() if k in ("cost", "left_after", "left", "supporters_left",
                                                                 "shortfall", "budget")}
    code = reason.code
    if code is ReasonCode.FUNDED_IN_ORDER:
        return words.gettext(
            "Funded in step %(step)s: it cost %(cost)s, and %(left_after)s was left after it.", step=f["step"], **m)
    if code is ReasonCode.FUNDED_EQUAL_SHARES:
        return _equal_shares(words, f, money)
    if code is ReasonCode.FUNDED_FREE:
        return words.gettext("Funded: it costs nothing, and people voted for it.")
    if code is ReasonCode.FUNDED_BY_COMPLETION:
        return words.gettext(
            "Funded after equal shares, when the money left went to the most-voted projects that still fitted "
            "(step %(step)s): it cost %(cost)s, and %(left_after)s was left after it.", step=f["step"], **m)
    if code is ReasonCode.FUNDED_OPTIMAL:
        return words.gettext(
            "Funded: it is part of the combination of projects that fits the budget and has the most support "
            "in total.")
    if code is ReasonCode.NOT_AFFORDABLE:
        return words.gettext("Not funded: when its turn came, only %(left)s was left, and it costs %(cost)s.", **m)
    if code is ReasonCode.SUPPORTERS_SHORT:
        return words.gettext(
            "Not funded: its supporters had %(supporters_left)s left of their shares, %(shortfall)s less than its "
            "cost of %(cost)s.", **m)
    if code is ReasonCode.NO_SUPPORT:
        return words.gettext("Not funded: nobody voted for it.")
    if code is ReasonCode.BELOW_THRESHOLD:
        return words.gettext(
            "Not funded: its support (%(support)s) is below the minimum of %(threshold)s.",
            support=_amount(words, f["support"]), threshold=_amount(words, f["threshold"]))
    if code is ReasonCode.OVER_BUDGET:
        return words.gettext("Not funded: it costs %(cost)s, more than the whole budget of %(budget)s.", **m)
    if code is ReasonCode.NOT_REACHED:
        return words.gettext(
            "Not funded: the count stopped at project %(stopped_at)s, the first that did not fit, before its "
            "turn came.", stopped_at=f["stopped_at"])
    if code is ReasonCode.NOT_OPTIMAL:
        return words.gettext(
            "Not funded: no combination of projects that includes it and fits the budget has more support in "
            "total.")
    return words.gettext(
        "Not funded: in step %(step)s it was exactly as good as project %(chosen)s; the tie was settled by "
        "%(criterion)s in favour of %(chosen)s, and then only %(left)s was left for its cost of %(cost)s.",
        step=f["step"], chosen=f["chosen"], criterion=_tie_criterion(words, str(f["by"])), **m)


def how_close_sentences(close: HowClose, words: Translator, money: MoneyFormat) -> list[str]:
    """How close a project came, in one or two sentences."""
    if close.funded:
        if close.max_cost is None or close.extra_cost is None:
            return []
        values = {"extra": money(close.extra_cost), "max_cost": money(close.max_cost)}
        if close.extra_cost == 0:  # "up to 0 € more" reads as a slip; say plainly that there was no room
            return [words.gettext("It had no room to spare: one cent more and it would not have been funded.")]
        if close.monotone:
            return [words.gettext(
                "It would still have been funded had it cost up to %(extra)s more (%(max_cost)s in all).",
                **values)]
        return [words.gettext(
            "It would still have been funded at a cost of %(max_cost)s (%(extra)s more), but not a cent more.",
            **values)]
    sentences = []
    if close.max_cost is None or close.cost_cut is None:
        sentences.append(words.gettext("No lower cost would have got it funded."))
    elif close.monotone:
        sentences.append(words.gettext(
            "It would have been funded had it cost %(max_cost)s or less (%(cut)s less).",
            max_cost=money(close.max_cost), cut=money(close.cost_cut)))
    else:
        sentences.append(words.gettext(
            "It would have been funded at a cost of %(max_cost)s (%(cut)s less), but not a cent more.",
            max_cost=money(close.max_cost), cut=money(close.cost_cut)))
    if close.extra_supporters is None:
        sentences.append(words.gettext("No number of additional supporters would have got it funded."))
    else:
        sentences.append(words.ngettext(
            "With %(count)s more voter voting for it alone, it would have been funded.",
            "With %(count)s more voters voting for it alone, it would have been funded.", close.extra_supporters))
    return sentences
