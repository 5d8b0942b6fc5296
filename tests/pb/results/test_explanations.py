"""Reason codes and how-close figures in words: every code has its sentence in fi, sv and en (through the
catalogues), and published results give them per project by Accept-Language without tallying again."""

from __future__ import annotations

from fractions import Fraction

import httpx
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from ballots import reasons
from ballots.closeness import HowClose
from ballots.reasons import Reason, ReasonCode
from pb.i18n.build import KEYWORDS, po_path
from pb.i18n.locales import BABEL_LOCALES, LOCALES
from pb.i18n.translator import translator
from pb.results.counting import closeness_affordable
from pb.results.explanations import currency, euros, how_close_sentences, reason_sentence
from pb.rounds.frozen_config import BudgetConfig, ProjectConfig
from tests.pb.results.conftest import Closed, publish_all

M = Fraction
SAMPLES: dict[ReasonCode, list[Reason]] = {
    ReasonCode.FUNDED_IN_ORDER: [reasons.funded_in_order(1, M(60), M(40))],
    ReasonCode.FUNDED_EQUAL_SHARES: [
        reasons.funded_equal_shares(2, 1, M(1250, 100), payers, exhausted, per_point=per_point)
        for payers in (1, 5) for exhausted in (0, 1) for per_point in (False, True)
    ],
    ReasonCode.FUNDED_FREE: [reasons.funded_free(1)],
    ReasonCode.FUNDED_BY_COMPLETION: [reasons.funded_by_completion(3, M(30), M(10))],
    ReasonCode.FUNDED_OPTIMAL: [reasons.funded_optimal(M(900))],
    ReasonCode.NOT_AFFORDABLE: [reasons.not_affordable(M(50), M(40))],
    ReasonCode.SUPPORTERS_SHORT: [reasons.supporters_short(M(50), M(3050, 100), M(40))],
    ReasonCode.NO_SUPPORT: [reasons.no_support()],
    ReasonCode.BELOW_THRESHOLD: [reasons.below_threshold(M(3), M(10))],
    ReasonCode.OVER_BUDGET: [reasons.over_budget(M(200), M(100))],
    ReasonCode.NOT_REACHED: [reasons.not_reached("B")],
    ReasonCode.NOT_OPTIMAL: [reasons.not_optimal(M(900))],
    ReasonCode.TIE_LOST: [
        reasons.tie_lost(1, "Y", ("Y", "X"), by, M(60), M(20)) for by in ("cost", "votes", "lot", "lexico")
    ],
}
CLOSE = [
    HowClose("A", True, M(60), M(100), 0, True), HowClose("A", True, M(60), M(100), 0, False),
    HowClose("B", False, M(50), M(40), 1, True), HowClose("B", False, M(50), M(40), 3, False),
    HowClose("D", False, M(10), None, None, True), HowClose("E", True, M(60), M(60), 0, True),
]


def _translated_ids(locale: str) -> set[str]:
    with po_path(locale).open("rb") as stream:
        catalog = read_po(stream, locale=BABEL_LOCALES[locale])  # type: ignore[index]
    return {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog if m.id and not m.fuzzy and m.string and all(m.string)
    }


def test_every_reason_code_has_a_sample() -> None:
    assert set(SAMPLES) == set(ReasonCode)


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_code_reads_in_finnish_swedish_and_english(code: ReasonCode) -> None:
    for reason in SAMPLES[code]:
        sentences = {}
        for locale in LOCALES:
            words = translator(locale)
            sentences[locale] = reason_sentence(reason, words, euros(words))
            assert "%(" not in sentences[locale] and sentences[locale].endswith(".")
        assert sentences["fi"] != sentences["en"] and sentences["sv"] != sentences["en"] != sentences["fi"]
        assert sentences["fi"].startswith(("Rahoitettiin", "Ei rahoitettu"))
        assert sentences["sv"].startswith(("Finansierades", "Finansierades inte"))


def test_the_catalogues_translate_every_explanation_message() -> None:
    ids = {
        message if isinstance(message, str) else message[0]
        for _, message, _, _ in extract_from_file("python", "pb/results/explanations.py", keywords=KEYWORDS)
    }
    assert len(ids) >= len(ReasonCode)
    for locale in ("fi", "sv", "en"):
        assert ids <= _translated_ids(locale), locale


def test_money_is_written_as_each_language_writes_euros() -> None:
    reason = reasons.not_affordable(M(123456750, 100), M(1000))
    assert "1\xa0234\xa0567,50\xa0€" in reason_sentence(reason, translator("fi"), euros(translator("fi")))
    english = reason_sentence(reason, translator("en"), euros(translator("en")))
    assert english == (
        "Not funded: when its turn came, only 1\xa0000\xa0€ was left, and it costs 1\xa0234\xa0567,50\xa0€."
    )
    zloty = currency(translator("fi"), "PLN")(M(12000))
    assert zloty == "12\xa0000\xa0PLN"


def test_how_close_reads_in_every_language() -> None:
    fi, sv, en = (translator(locale) for locale in ("fi", "sv", "en"))
    assert how_close_sentences(CLOSE[0], en, euros(en)) == [
        "It would still have been funded had it cost up to 40\xa0€ more (100\xa0€ in all)."
    ]
    assert how_close_sentences(CLOSE[2], fi, euros(fi)) == [
        "Hanke olisi rahoitettu, jos se olisi maksanut enintään 40\xa0€ (10\xa0€ vähemmän).",
        "Jos 1 äänestäjä lisää olisi äänestänyt vain tätä hanketta, se olisi rahoitettu.",
    ]
    assert how_close_sentences(CLOSE[3], sv, euros(sv))[1].startswith("Om 3 väljare till")
    assert "inte en cent dyrare" in how_close_sentences(CLOSE[1], sv, euros(sv))[0]
    assert how_close_sentences(CLOSE[4], en, euros(en)) == [
        "No lower cost would have got it funded.",
        "No number of additional supporters would have got it funded.",
    ]
    assert how_close_sentences(CLOSE[5], fi, euros(fi)) == [
        "Hankkeella ei ollut lainkaan liikkumavaraa: sentinkin kalliimpana sitä ei olisi rahoitettu."
    ]


async def test_published_results_explain_every_project_in_the_asked_language(
    client: httpx.AsyncClient, closed: Closed
) -> None:
    await publish_all(client, closed)
    budget_id = closed.election.budgets["hyryla"]
    by_language = {}
    for header, expected in (("sv-FI,sv;q=0.9", "sv"), ("en", "en"), ("de", "fi")):
        response = await client.get(f"/budgets/{budget_id}/results", headers={"Accept-Language": header})
        assert response.status_code == 200 and response.headers["content-language"] == expected
        by_language[expected] = response.json()["projects"]
    asked = (await client.get(f"/budgets/{budget_id}/results?lang=en", headers={"Accept-Language": "fi"})).json()
    assert asked["projects"] == by_language["en"]
    for projects in by_language.values():
        for project in projects:
            assert project["explanation"] and project["how_close"] and project["how_close_figures"] is not None
            assert project["reason"] in {c.value for c in ReasonCode}
    fi = {p["code"]: p for p in by_language["fi"]}
    sv = {p["code"]: p for p in by_language["sv"]}
    funded = next(code for code, p in fi.items() if p["status"] == "funded")
    assert fi[funded]["explanation"].startswith("Rahoitettiin")
    assert sv[funded]["explanation"].startswith("Finansierades")
    assert fi[funded]["how_close_figures"]["extra_cost"] is not None


def test_how_close_is_left_out_of_a_city_sized_tally_except_for_greedy_rules() -> None:
    projects = tuple(ProjectConfig(id=n, code=str(n), cost=100) for n in range(160))

    def budget(rule: str) -> BudgetConfig:
        return BudgetConfig(id=1, slug="city", amount=10_000, ballot_format="approval", rule=rule, projects=projects)

    assert not closeness_affordable(budget("equal-shares"), 90_494)
    assert not closeness_affordable(budget("phragmen"), 90_494)
    assert closeness_affordable(budget("greedy"), 90_494)
    assert closeness_affordable(budget("equal-shares"), 2_000)
