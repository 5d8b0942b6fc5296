"""Chart data for a published result (an allocation bar of the budget, votes per project) and SVG renderings.

The SVG is generated on the server from numbers and escaped text only: titles are XML-escaped, nothing is
interpolated unescaped, and the document has no script.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pb.results.public import PublicResult

WIDTH, BAR_HEIGHT, ROW = 640, 40, 22
FUNDED, LEFTOVER, NOT_FUNDED = "#2e7d32", "#cfd8dc", "#90a4ae"


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


def _svg(height: int, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img"><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def allocation_svg(data: dict[str, Any], title: str) -> str:
    body, x = [], 0.0
    for segment in data["segments"]:
        width = segment["share"] * WIDTH
        body.append(
            f'<rect x="{x:.2f}" y="0" width="{width:.2f}" height="{BAR_HEIGHT}" fill="{FUNDED}" stroke="#fff">'
            f"<title>{escape(segment['label'])}: {segment['amount'] / 100:.2f} EUR</title></rect>"
        )
        x += width
    body.append(f'<rect x="{x:.2f}" y="0" width="{WIDTH - x:.2f}" height="{BAR_HEIGHT}" fill="{LEFTOVER}"/>')
    for i, segment in enumerate(data["segments"]):
        body.append(
            f'<text x="4" y="{BAR_HEIGHT + 18 + i * ROW}" font-size="13">'
            f"{escape(segment['label'])} — {segment['amount'] / 100:.2f} EUR</text>"
        )
    height = BAR_HEIGHT + 24 + len(data["segments"]) * ROW
    return _svg(height, body, title)


def votes_svg(data: dict[str, Any], title: str) -> str:
    top = max((bar["support"] for bar in data["bars"]), default=0.0) or 1.0
    body = []
    for i, bar in enumerate(data["bars"]):
        y, width = i * ROW, bar["support"] / top * (WIDTH - 260)
        fill = FUNDED if bar["funded"] else NOT_FUNDED
        body.append(
            f'<text x="0" y="{y + 15}" font-size="13">{escape(bar["label"][:30])}</text>'
            f'<rect x="220" y="{y + 3}" width="{width:.2f}" height="{ROW - 6}" fill="{fill}" '
            f"data-code={quoteattr(bar['code'])}/>"
            f'<text x="{224 + width:.2f}" y="{y + 15}" font-size="12">{bar["support"]:g}</text>'
        )
    return _svg(max(len(data["bars"]), 1) * ROW, body, title)
