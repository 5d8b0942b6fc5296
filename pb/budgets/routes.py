"""HTTP routes for a round's budgets."""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Controller, delete, get, patch, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from pb.auth.principal import MANAGERS
from pb.budgets import service
from pb.budgets.schemas import BudgetCreate, BudgetPublic, BudgetUpdate
from pb.http.dependencies import Caller, DbSession, Id, Now, only, provide_principal
from pb.rounds.service import get_round

AUTH = {"principal": Provide(provide_principal)}


class RoundBudgetController(Controller):
    """A round's budgets: listed by anyone, created by its officials."""

    path = "/rounds/{round_id:int}/budgets"
    opt = only(MANAGERS)
    tags = ("budgets",)

    @get("/", operation_id="listBudgets", summary="List a round's budgets")
    async def list_budgets(self, db_session: DbSession, round_id: FromPath[Id]) -> Sequence[BudgetPublic]:
        """Every budget of the round, with its amount in cents, ballot format, limits and rule. No sign-in needed."""
        await get_round(db_session, round_id)
        return [BudgetPublic.model_validate(b) for b in await service.list_budgets(db_session, round_id=round_id)]

    @post("/", dependencies=AUTH, operation_id="createBudget", summary="Add a budget to a round")
    async def create_budget(
        self, db_session: DbSession, round_id: FromPath[Id], data: JSONBody[BudgetCreate], principal: Caller, now: Now
    ) -> BudgetPublic:
        """Officials add a budget to a round before voting opens: its slug, the network it belongs to (none for a
        municipality-wide one, which then needs a name), the amount in cents, the ballot format and its limits, the
        allocation rule with its parameters, the tie-break, and who may vote on it."""
        budget = await service.create_budget(db_session, round_id=round_id, data=data, actor=principal, now=now)
        return BudgetPublic.model_validate(budget)


class BudgetController(Controller):
    path = "/budgets/{budget_id:int}"
    opt = only(MANAGERS)
    tags = ("budgets",)

    @get("/", operation_id="getBudget", summary="Get a budget")
    async def get_budget(self, db_session: DbSession, budget_id: FromPath[Id]) -> BudgetPublic:
        """One budget by id: amount in cents, network, ballot format and limits, rule and tie-break.
        No sign-in needed."""
        return BudgetPublic.model_validate(await service.get_budget(db_session, budget_id))

    @patch("/", dependencies=AUTH, operation_id="updateBudget", summary="Change a budget")
    async def update_budget(
        self, db_session: DbSession, budget_id: FromPath[Id], data: JSONBody[BudgetUpdate], principal: Caller, now: Now
    ) -> BudgetPublic:
        """Officials change a budget of a round that has not opened voting yet (409 after). The rule, its parameters,
        the tie-break and the ballot format are checked together; only the fields sent change."""
        budget = await service.update_budget(db_session, budget_id=budget_id, data=data, actor=principal, now=now)
        return BudgetPublic.model_validate(budget)

    @delete("/", dependencies=AUTH, operation_id="deleteBudget", summary="Delete a budget")
    async def delete_budget(
        self, db_session: DbSession, budget_id: FromPath[Id], principal: Caller, now: Now
    ) -> None:
        """Officials remove a budget, with its projects, from a round that has not opened voting yet (409 after)."""
        await service.delete_budget(db_session, budget_id=budget_id, actor=principal, now=now)
