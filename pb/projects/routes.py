"""HTTP routes for the projects on a budget's ballot."""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Controller, delete, get, patch, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from pb.auth.principal import MANAGERS
from pb.http.dependencies import Caller, DbSession, Id, Now, only, provide_principal
from pb.projects import service
from pb.projects.schemas import ProjectCreate, ProjectPublic, ProjectUpdate

AUTH = {"principal": Provide(provide_principal)}


class BudgetProjectController(Controller):
    """A budget's ballot projects."""

    path = "/budgets/{budget_id:int}/projects"
    opt = only(MANAGERS)
    tags = ("projects",)

    @get("/", operation_id="listProjects", summary="List a budget's projects")
    async def list_projects(self, db_session: DbSession, budget_id: FromPath[Id]) -> Sequence[ProjectPublic]:
        """The projects on the budget's ballot, with their costs in cents. No sign-in needed."""
        return [ProjectPublic.model_validate(p) for p in await service.list_projects(db_session, budget_id=budget_id)]

    @post("/", dependencies=AUTH, operation_id="addProject", summary="Add a project to a budget's ballot")
    async def add_project(
        self, db_session: DbSession, budget_id: FromPath[Id], data: JSONBody[ProjectCreate], principal: Caller,
        now: Now,
    ) -> ProjectPublic:
        """Officials put a project on a budget's ballot before voting opens: its code, names and descriptions in
        fi/sv/en, and its cost in cents."""
        project = await service.add_project(db_session, budget_id=budget_id, data=data, actor=principal, now=now)
        return ProjectPublic.model_validate(project)


class ProjectController(Controller):
    path = "/projects/{project_id:int}"
    opt = only(MANAGERS)
    tags = ("projects",)

    @get("/", operation_id="getProject", summary="Get a project")
    async def get_project(self, db_session: DbSession, project_id: FromPath[Id]) -> ProjectPublic:
        """One project of a ballot by id: names, descriptions and cost in cents. No sign-in needed."""
        return ProjectPublic.model_validate(await service.get_project(db_session, project_id))

    @patch("/", dependencies=AUTH, operation_id="updateProject", summary="Change a project")
    async def update_project(
        self, db_session: DbSession, project_id: FromPath[Id], data: JSONBody[ProjectUpdate], principal: Caller,
        now: Now,
    ) -> ProjectPublic:
        """Officials change a project's names, descriptions or cost before voting opens (409 after). Only the fields
        sent change."""
        project = await service.update_project(db_session, project_id=project_id, data=data, actor=principal, now=now)
        return ProjectPublic.model_validate(project)

    @delete("/", dependencies=AUTH, operation_id="removeProject", summary="Remove a project from its ballot")
    async def remove_project(
        self, db_session: DbSession, project_id: FromPath[Id], principal: Caller, now: Now
    ) -> None:
        """Officials take a project off a budget's ballot before voting opens (409 after)."""
        await service.remove_project(db_session, project_id=project_id, actor=principal, now=now)
