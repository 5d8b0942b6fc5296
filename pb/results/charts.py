"""Chart data for a published result (an allocation bar of the budget, votes per project) and SVG renderings.

The SVG is generated on the server from numbers and escaped text only: titles are XML-escaped, nothing is
interpolated unescaped, and the document has no script.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pb.i18n.translator import Translator
from pb.results.public import PublicResult

WIDTH, BAR_HEIGHT, ROW, TOP = 640, 40, 22, 30
PALETTE = ("#1f4e8c", "#b3541e", "#2e7d32", "#7b3f99", "#00796b", "#9e2a2b", "#5d6d1e", "#ad1457")
"""Funded projects' colours: told apart by hue and lightness, each at least 4.5:1 against white, and numbered
too, so the chart does not depend on seeing colour."""
LEFTOVER, NOT_FUNDED, FUNDED_BAR, INK = "#eceff1", "#b0bec5", "#1f4e8c", "#1a1a1a"
POINTS_FORMATS = frozenset({"cumulative", "ranked"})


def _number(value: Any) -> float:
    return float(Fraction(str(value)))


def _title(titles: dict[str, str], language: str, code: str) -> str:
    return titles.get(language) or titles.get("fi") or next(iter(titles.values()), code)


def allocation(view: PublicResult, language: str) -> dict[str, Any]:
    """Funded projects and the leftover as shares of the budget, in the order the rule funded them."""
    amount = view.result.outcome["budget"]
    costs = {p["code"]: p["cost"] for p in view.result.outcome["projects"]}
    segments = [
        {"code": code, "label": _title(view.titles.get(code, {}), language, code), "amount": costs[code],
         "share": costs[code] / amount if amount else 0.0}
        for code in view.result.outcome["selected"]
    ]
    leftover = view.result.outcome["leftover"]
    return {"kind": "allocation", "budget": amount, "leftover": leftover, "segments": segments,
            "leftover_share": leftover / amount if amount else 0.0}


def votes(view: PublicResult, language: str) -> dict[str, Any]:
    """Support per project, most first, marking the funded ones."""
    rows = sorted(view.result.outcome["projects"], key=lambda p: (-_number(p["support"]), p["code"]))
    return {"kind": "votes", "bars": [
        {"code": p["code"], "label": _title(view.titles.get(p["code"], {}), language, p["code"]),
         "support": _number(p["support"]), "funded": p["status"] == "funded"}
        for p in rows
    ]}


def _svg(height: int, body: list[str], title: str, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="t d" font-family="sans-serif" fill="{INK}">'
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(description)}</desc>'
        f'<text x="0" y="18" font-size="16" font-weight="bold">{escape(title)}</text>' + "".join(body) + "</svg>"
    )


def allocation_svg(data: dict[str, Any], budget_name: str, words: Translator) -> str:
    """The budget as one bar: a numbered, coloured segment per funded project, the leftover hatched; a legend."""
    title = words.gettext("%(budget)s: how the budget of %(amount)s was spent", budget=budget_name,
                          amount=words.money(data["budget"]))
    body = [
        '<defs><pattern id="left" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="{LEFTOVER}"/><line x1="0" y1="0" x2="0" y2="8" stroke="{NOT_FUNDED}" '
        'stroke-width="3"/></pattern></defs>'
    ]
    x = 0.0
    for number, segment in enumerate(data["segments"], start=1):
        width = segment["share"] * WIDTH
        colour = PALETTE[(number - 1) % len(PALETTE)]
        body.append(f'<rect x="{x:.2f}" y="{TOP}" width="{width:.2f}" height="{BAR_HEIGHT}" fill="{colour}" '
                    'stroke="#fff" stroke-width="2"/>')
        if width >= 18:
            body.append(f'<text x="{x + width / 2:.2f}" y="{TOP + 25}" font-size="14" fill="#fff" '
                        f'text-anchor="middle">{number}</text>')
        x += width
    leftover = words.gettext("Left over: %(amount)s", amount=words.money(data["leftover"]))
    body.append(f'<rect x="{x:.2f}" y="{TOP}" width="{WIDTH - x:.2f}" height="{BAR_HEIGHT}" fill="url(#left)" '
                f'stroke="{NOT_FUNDED}"/>')
    legend = [(str(n), PALETTE[(n - 1) % len(PALETTE)], f"{s['label']}: {words.money(s['amount'])}")
              for n, s in enumerate(data["segments"], start=1)]
    legend.append(("", "url(#left)", leftover))
    top = TOP + BAR_HEIGHT + 12
    for i, (label, fill, text) in enumerate(legend):
        y = top + i * ROW
        body.append(f'<rect x="0" y="{y}" width="16" height="16" fill="{fill}" stroke="{NOT_FUNDED}"/>'
                    f'<text x="8" y="{y + 12}" font-size="11" fill="#fff" text-anchor="middle">{label}</text>'
                    f'<text x="24" y="{y + 13}" font-size="13">{escape(text)}</text>')
    description = "; ".join(f"{n}. {t}" if n else t for n, _, t in legend)
    return _svg(top + len(legend) * ROW, body, title, description)


def _support(support: float, points: bool, words: Translator) -> str:
    if not float(support).is_integer():  # points of a ranked ballot can be fractions
        return words.gettext("%(amount)s points", amount=words.number(round(support, 2)))
    count = int(support)
    if points:
        return words.ngettext("%(count)s point", "%(count)s points", count)
    return words.ngettext("%(count)s vote", "%(count)s votes", count)


def votes_svg(data: dict[str, Any], budget_name: str, ballot_format: str, words: Translator) -> str:
    """Support per project as bars, most first; funded bars dark and marked with a check and the word."""
    points = ballot_format in POINTS_FORMATS
    title = (words.gettext("%(budget)s: points per project", budget=budget_name) if points
             else words.gettext("%(budget)s: votes per project", budget=budget_name))
    funded_word, not_funded_word = words.gettext("funded"), words.gettext("not funded")
    top = max((bar["support"] for bar in data["bars"]), default=0.0) or 1.0
    body = [f'<rect x="0" y="{TOP - 4}" width="14" height="14" fill="{FUNDED_BAR}"/>'
            f'<text x="20" y="{TOP + 8}" font-size="12">✓ {escape(funded_word)}</text>'
            f'<rect x="120" y="{TOP - 4}" width="14" height="14" fill="{NOT_FUNDED}"/>'
            f'<text x="140" y="{TOP + 8}" font-size="12">{escape(not_funded_word)}</text>']
    lines = []
    for i, bar in enumerate(data["bars"]):
        y, width = TOP + 20 + i * ROW, bar["support"] / top * (WIDTH - 300)
        amount = _support(bar["support"], points, words)
        label = ("✓ " if bar["funded"] else "") + bar["label"]
        short = label if len(label) <= 32 else label[:31] + "…"
        body.append(
            f'<text x="0" y="{y + 15}" font-size="13">{escape(short)}</text>'
            f'<rect x="230" y="{y + 3}" width="{width:.2f}" height="{ROW - 6}" '
            f'fill="{FUNDED_BAR if bar["funded"] else NOT_FUNDED}" data-code={quoteattr(bar["code"])}/>'
            f'<text x="{236 + width:.2f}" y="{y + 15}" font-size="12">{escape(amount)}</text>'
        )
        lines.append(f"{bar['label']}: {amount}" + (f" ({funded_word})" if bar["funded"] else ""))
    return _svg(TOP + 24 + max(len(data["bars"]), 1) * ROW, body, title, "; ".join(lines))
