"""HTTP routes of the results slice: tally, confirm, publish, manifest and keys, public results and charts, and
implementation progress."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody

from pb.auth.principal import MANAGERS, NETWORK_STAFF
from pb.http.dependencies import (
    AppSettings,
    Caller,
    DbSession,
    Id,
    Now,
    Voter,
    only,
    provide_principal,
    provide_resident,
)
from pb.http.media import SVG
from pb.i18n.locales import DEFAULT_LOCALE, Locale, negotiate
from pb.i18n.translator import translator
from pb.proposals.participants import author_key
from pb.results import charts, implementation, tally
from pb.results.manifest import KEYS_PATH, published_keys, round_manifest
from pb.results.public import PublicResult, published_result
from pb.results.schemas import (
    NoticePublic,
    ProgressCreate,
    ProgressPublic,
    ProjectOutcome,
    PublicResultView,
    PublishRequest,
    ResultPublic,
)

AUTH = {"principal": Provide(provide_principal)}
Language = Literal["fi", "sv", "en"]


def _view(v: PublicResult, locale: Locale = DEFAULT_LOCALE) -> PublicResultView:
    outcome = v.result.outcome
    return PublicResultView(
        budget_id=v.budget.id or 0, budget_name=v.budget.name, amount=outcome["budget"],
        total_cost=outcome["total_cost"], leftover=outcome["leftover"], rule=v.result.rule,
        rule_explained=v.rule_explained, ballots=v.result.ballot_count, selected=outcome["selected"],
        projects=[ProjectOutcome.model_validate(p) for p in v.projects(locale)],
        ballot_set_hash=v.result.ballot_set_hash, published_at=v.result.published_at,
    )


class RoundResultsController(Controller):
    """A round's tally and its signed result manifest."""

    path = "/rounds/{round_id:int}"
    opt = only(MANAGERS)
    tags = ("results",)

    @post("/tally", dependencies=AUTH, status_code=200, operation_id="tallyRound", summary="Tally a round again")
    async def retally(
        self, db_session: DbSession, round_id: FromPath[Id], principal: Caller, now: Now
    ) -> Sequence[ResultPublic]:
        """Tally again after voting closed (drafts are replaced; confirmed and published ones must agree)."""
        results = await tally.retally(db_session, round_id=round_id, actor=principal, now=now)
        return [ResultPublic.model_validate(r) for r in results]

    @get("/manifest", operation_id="getRoundManifest", summary="Get a round's signed result manifest")
    async def manifest(self, db_session: DbSession, round_id: FromPath[Id], settings: AppSettings) -> dict[str, Any]:
        """The round's signed result manifest (every budget published)."""
        return await round_manifest(db_session, round_id=round_id, settings=settings)


class BudgetResultController(Controller):
    """A budget's stored result, for its officials to review, confirm and publish."""

    path = "/budgets/{budget_id:int}/result"
    opt = only(MANAGERS)
    tags = ("results",)

    @get("/", dependencies=AUTH, operation_id="getBudgetResult", summary="Review a budget's result")
    async def review(
        self, db_session: DbSession, budget_id: FromPath[Id], principal: Caller
    ) -> ResultPublic:
        """The stored result in any status, for the municipality's officials."""
        return ResultPublic.model_validate(await tally.result_for_official(db_session, budget_id=budget_id,
                                                                            actor=principal))

    @post("/confirm", dependencies=AUTH, status_code=200, operation_id="confirmBudgetResult",
          summary="Confirm a budget's result")
    async def confirm(
        self, db_session: DbSession, budget_id: FromPath[Id], principal: Caller, now: Now
    ) -> ResultPublic:
        """An official confirms the draft result of a budget after reviewing it; only a confirmed result can be
        published."""
        result = await tally.confirm(db_session, budget_id=budget_id, actor=principal, now=now)
        return ResultPublic.model_validate(result)

    @post("/publish", dependencies=AUTH, status_code=200, operation_id="publishBudgetResult",
          summary="Publish a budget's result")
    async def publish(
        self, db_session: DbSession, budget_id: FromPath[Id], principal: Caller, now: Now,
        data: JSONBody[PublishRequest | None] = None,
    ) -> ResultPublic:
        """Publish a confirmed result; a budget with fewer ballots than the results policy's minimum only with
        ``{"acknowledge_small_count": true}``."""
        result = await tally.publish(db_session, budget_id=budget_id, actor=principal, now=now,
                                     acknowledge_small_count=bool(data and data.acknowledge_small_count))
        return ResultPublic.model_validate(result)


class PublicResultController(Controller):
    """A budget's published result as residents see it, with its charts."""

    path = "/budgets/{budget_id:int}/results"
    tags = ("results",)

    @get("/", operation_id="getPublicResult", summary="Get a budget's published result")
    async def public(
        self, request: Request[Any, Any, Any], db_session: DbSession, budget_id: FromPath[Id],
        lang: FromQuery[Language | None] = None,
    ) -> Response[PublicResultView]:
        """The published result as residents see it; the reasons in ``?lang=``, else by Accept-Language."""
        locale = negotiate(asked=lang, accept_language=request.headers.get("accept-language"))
        view = _view(await published_result(db_session, budget_id=budget_id), locale)
        return Response(view, headers={"Content-Language": locale, "Vary": "Accept-Language"})

    @get("/charts/{chart:str}", operation_id="getResultChart", summary="Get a result chart's data")
    async def chart(
        self, db_session: DbSession, budget_id: FromPath[Id], chart: FromPath[Literal["allocation", "votes"]],
        lang: FromQuery[Language] = "fi",
    ) -> dict[str, Any]:
        """The data of a published result's chart (`allocation`: the budget split between funded projects and what is
        left; `votes`: each project's votes) with labels in `lang`, for drawing it yourself. No sign-in needed."""
        view = await published_result(db_session, budget_id=budget_id)
        return charts.allocation(view, lang) if chart == "allocation" else charts.votes(view, lang)

    @get("/svg/{chart:str}", media_type=SVG, operation_id="getResultChartSvg", summary="Get a result chart as SVG")
    async def chart_svg(
        self, db_session: DbSession, budget_id: FromPath[Id], chart: FromPath[Literal["allocation", "votes"]],
        lang: FromQuery[Language] = "fi",
    ) -> Response[str]:
        """A published result's chart as an accessible SVG image with a title, a legend and labels in `lang`
        (`allocation` or `votes`). No sign-in needed."""
        view = await published_result(db_session, budget_id=budget_id)
        name, words = view.budget.name.get(lang) or view.budget.slug, translator(lang)
        svg = (charts.allocation_svg(charts.allocation(view, lang), name, words) if chart == "allocation"
               else charts.votes_svg(charts.votes(view, lang), name, view.budget.ballot_format, words))
        return Response(svg, media_type=SVG)


class ResultKeysController(Controller):
    path = KEYS_PATH
    tags = ("results",)

    @get("/", operation_id="getResultKeys", summary="Get the keys that sign result manifests")
    async def keys(self, db_session: DbSession, settings: AppSettings) -> dict[str, Any]:
        """Every municipality's public keys for result manifests (JWKS; each key names its municipality)."""
        return await published_keys(db_session, settings=settings)


class ProgressController(Controller):
    """How a selected project is being implemented."""

    path = "/projects/{project_id:int}/progress"
    opt = only(NETWORK_STAFF)
    tags = ("implementation",)

    @post("/", dependencies=AUTH, operation_id="reportProgress", summary="Report a project's progress")
    async def report(
        self, db_session: DbSession, project_id: FromPath[Id], data: JSONBody[ProgressCreate], principal: Caller,
        now: Now,
    ) -> ProgressPublic:
        """An official or the network's coordinator reports how a funded project is being carried out: a status, how
        far along it is, a note in fi/sv/en, its dates, and why if it was cancelled. Its volunteers are told."""
        update = await implementation.report_progress(
            db_session, project_id=project_id, status=data.status, percent=data.percent, note=data.note.as_dict(),
            cancel_reason=data.cancel_reason.as_dict() if data.cancel_reason else None, starts_on=data.starts_on,
            ends_on=data.ends_on, actor=principal, now=now,
        )
        return ProgressPublic.model_validate(update)

    @get("/", operation_id="listProgress", summary="Follow a project's implementation")
    async def feed(self, db_session: DbSession, project_id: FromPath[Id]) -> Sequence[ProgressPublic]:
        """Every progress report of the project, newest first: the feed volunteers and residents poll."""
        rows = await implementation.project_feed(db_session, project_id=project_id)
        return [ProgressPublic.model_validate(r) for r in rows]


class VolunteerNoticeController(Controller):
    path = "/me/volunteer-notices"
    tags = ("implementation",)

    @get("/", dependencies={"resident": Provide(provide_resident)}, operation_id="listVolunteerNotices",
         summary="Read news of projects you help")
    async def notices(self, db_session: DbSession, resident: Voter) -> Sequence[NoticePublic]:
        """News about projects you offered to help with."""
        rows = await implementation.notices_for(db_session, volunteer_key=author_key(resident.person_key))
        return [NoticePublic.model_validate(r) for r in rows]
