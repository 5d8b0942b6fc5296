"""What a resident reads when they may not vote or their ballot is invalid comes in fi, sv and en from the
catalogues (Accept-Language), in the API's answers as in the pages: my budgets, and the cast's problem details."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.pb.voting.conftest import SignIn
from tests.pb.voting.election import Election, cast, counts

TOO_YOUNG = {
    "en": "voters must be at least 15 years old on 30 September 2027",
    "fi": "äänestäjän on oltava vähintään 15-vuotias 30. syyskuuta 2027",
    "sv": "väljare måste ha fyllt 15 år den 30 september 2027",
}
OUTSIDE = {
    "en": "only residents of the network's area may vote in this budget",
    "fi": "tässä budjetissa voivat äänestää vain verkoston alueen asukkaat",
    "sv": "bara invånare i nätverkets område får rösta i den här budgeten",
}
OVER_CAP = {
    "en": "over the cost cap: the chosen projects cost 2\xa0800\xa0€, at most 2\xa0500\xa0€",
    "fi": "kustannuskatto ylittyy: valitut hankkeet maksavat 2\xa0800\xa0€, enintään 2\xa0500\xa0€",
    "sv": "kostnadstaket överskrids: de valda projekten kostar 2\xa0800\xa0€, högst 2\xa0500\xa0€",
}
TOO_MANY = {
    "en": "too many projects: 4 chosen, at most 3 allowed",
    "fi": "liian monta hanketta: valittu 4, enintään 3 sallitaan",
    "sv": "för många projekt: 4 valda, högst 3 tillåtna",
}
UNKNOWN = {
    "en": "there is no project Z on this ballot",
    "fi": "tällä äänestyslipulla ei ole hanketta Z",
    "sv": "det finns inget projekt Z på den här röstsedeln",
}
LANGUAGES = ["en", "fi", "sv"]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_why_a_resident_may_not_vote_is_told_in_their_language(
    client: httpx.AsyncClient, election: Election, sign_in: SignIn, language: str
) -> None:
    young = {**await sign_in(birth_date=date(2012, 10, 1)), "Accept-Language": language}
    elsewhere = {**await sign_in(postal_code="04500"), "Accept-Language": language}

    mine_young = (await client.get(f"/rounds/{election.round_id}/my-budgets", headers=young)).json()
    mine_elsewhere = (await client.get(f"/rounds/{election.round_id}/my-budgets", headers=elsewhere)).json()

    assert {b["message"] for b in mine_young} == {TOO_YOUNG[language]}
    assert {b["slug"]: b["message"] for b in mine_elsewhere}["hyryla"] == OUTSIDE[language]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_cast_refused_for_eligibility_says_why_in_the_callers_language(
    client: httpx.AsyncClient, engine: AsyncEngine, election: Election, sign_in: SignIn, language: str
) -> None:
    young = {**await sign_in(birth_date=date(2012, 10, 1)), "Accept-Language": language}

    response = await cast(client, election, "luonto-ja-liikunta", ["A"], young)

    assert response.status_code == 403, response.text
    problem = response.json()
    assert (problem["code"], problem["reason"], problem["detail"]) == ("not_eligible", "too-young", TOO_YOUNG[language])
    assert response.headers["content-language"] == language
    assert await counts(engine) == (0, 0)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("budget", "selections", "reason", "sentences"), [
    ("hyryla", ["A", "B", "C"], "over-cost-cap", OVER_CAP),
    ("luonto-ja-liikunta", ["A", "B", "C", "D"], "too-many", TOO_MANY),
    ("luonto-ja-liikunta", ["A", "Z"], "unknown-project", UNKNOWN),
])
async def test_an_invalid_ballot_is_explained_in_the_callers_language(
    client: httpx.AsyncClient, election: Election, sign_in: SignIn, language: str, budget: str,
    selections: list[str], reason: str, sentences: dict[str, str],
) -> None:
    resident = {**await sign_in(), "Accept-Language": language}

    response = await cast(client, election, budget, selections, resident)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["code"], problem["reason"], problem["field"]) == ("invalid_ballot", reason, "selections")
    assert problem["detail"] == sentences[language]
    assert [p["message"] for p in problem["problems"] if p["code"] == reason] == [sentences[language]]
