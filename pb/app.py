"""The application factory: the one place where pb is wired together."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
from collections.abc import AsyncIterator
from logging.handlers import QueueHandler, QueueListener

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.types import GetLogger
from sqlalchemy.ext.asyncio import AsyncEngine

from pb import __version__
from pb.audit.routes import AuditController
from pb.budgets.routes import BudgetController, RoundBudgetController
from pb.core.clock import Clock, system_clock
from pb.core.db import create_engine, create_sessionmaker
from pb.core.settings import Settings
from pb.http.dependencies import (
    authorise_first,
    provide_db_session,
    provide_now,
    provide_settings,
    provide_voting_cache,
)
from pb.http.health import health
from pb.http.openapi import COMPONENTS, ClosedModelsSchemaPlugin, document_operations
from pb.http.problems import EXCEPTION_HANDLERS
from pb.http.request_body import JsonRequest, ModelStrictnessPlugin, require_json_body
from pb.http.security import security_headers
from pb.lifecycle.routes import ReadinessController, TransitionController
from pb.lifecycle.scheduler import run_schedule
from pb.municipalities.routes import MunicipalityController
from pb.networks.routes import MunicipalityNetworkController, NetworkController
from pb.projects.routes import BudgetProjectController, ProjectController
from pb.proposals.deliberation_routes import DeliberationRoundController, ReviewController, RoundDeliberationController
from pb.proposals.discussion_routes import AnswerController, DiscussionController
from pb.proposals.moderation_routes import (
    CommentModerationController,
    ProposalModerationController,
    ReportController,
    RoundReportController,
)
from pb.proposals.routes import ProposalController
from pb.research.routes import ExportController, ResultsPolicyController
from pb.results.routes import (
    BudgetResultController,
    ProgressController,
    PublicResultController,
    ResultKeysController,
    RoundResultsController,
    VolunteerNoticeController,
)
from pb.rounds.routes import RoundController
from pb.signin.setup import attach_signin, signin_handlers
from pb.voting.cache import VotingCache
from pb.voting.keys import VotingKeys
from pb.voting.routes import BallotController, BoardController, MyBudgetsController, ReceiptController
from pb.web import compression_config, template_config, web_handlers
from pb.web.api_docs import ApiDocsPlugin


def create_app(
    settings: Settings,
    *,
    engine: AsyncEngine | None = None,
    clock: Clock = system_clock,
    run_scheduler: bool = True,
) -> Litestar:
    """Build the service for ``settings``; tests pass their own engine and clock."""
    owns_engine = engine is None
    db_engine = engine or create_engine(settings)
    voting_cache = VotingCache()
    state = State({
        "settings": settings, "engine": db_engine, "sessionmaker": create_sessionmaker(db_engine), "clock": clock,
        "voting_keys": VotingKeys(settings.voter_key_master), "voting_cache": voting_cache,
    })

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        task = None
        if run_scheduler:
            task = asyncio.create_task(
                run_schedule(
                    app.state.sessionmaker, clock=clock, interval_s=settings.schedule_interval_s, cache=voting_cache
                )
            )
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if owns_engine:
                await db_engine.dispose()

    app = Litestar(
        route_handlers=[
            health, MunicipalityController, MunicipalityNetworkController, NetworkController, RoundController,
            TransitionController, ReadinessController, RoundBudgetController, BudgetController, BudgetProjectController,
            ProjectController,
            ProposalController, DiscussionController, AnswerController, ReviewController, RoundDeliberationController,
            DeliberationRoundController, ProposalModerationController, CommentModerationController,
            RoundReportController, ReportController,
            MyBudgetsController, BallotController, BoardController, ReceiptController,
            RoundResultsController, BudgetResultController, PublicResultController, ResultKeysController,
            ResultsPolicyController, ExportController, ProgressController, VolunteerNoticeController,
            AuditController,
            *signin_handlers(settings),
            *web_handlers(),
        ],
        dependencies={
            "db_session": Provide(provide_db_session),
            "now": Provide(provide_now, sync_to_thread=False),
            "settings": Provide(provide_settings, sync_to_thread=False),
            "voting_cache": Provide(provide_voting_cache, sync_to_thread=False),
        },
        guards=[authorise_first],
        exception_handlers=EXCEPTION_HANDLERS,
        request_class=JsonRequest,
        before_request=require_json_body,
        plugins=[ModelStrictnessPlugin(), ClosedModelsSchemaPlugin()],
        state=state,
        lifespan=[lifespan],
        middleware=[security_headers],
        request_max_body_size=settings.max_request_body_bytes,
        template_config=template_config(),
        compression_config=compression_config(),
        openapi_config=OpenAPIConfig(
            title="pb — participatory budgeting",
            version=__version__,
            path="/schema",
            render_plugins=[JsonRenderPlugin(), ApiDocsPlugin(settings)],
            components=COMPONENTS,
            use_handler_docstrings=True,
        ),
        logging_config=ProcessLoggingConfig(
            root={"level": settings.log_level, "handlers": ["queue_listener"]},
            # SQL statements are not service events: at INFO they would cost CPU on every query and fill the log.
            loggers={"sqlalchemy": {"level": "WARNING", "propagate": True}},
            log_exceptions="never",
        ),
        debug=False,
    )
    attach_signin(app, settings)
    document_operations(app)
    return app


class ProcessLoggingConfig(LoggingConfig):
    """Litestar's logging set-up that stops the log threads of the set-up it replaces.

    Each configuration starts a queue listener thread, and logging is process-wide: without this every app a
    process builds (a test run builds hundreds) would leave its predecessor's thread running for good.
    """

    def configure(self) -> GetLogger:
        loggers = [logging.getLogger(), *(
            candidate for candidate in logging.Logger.manager.loggerDict.values()
            if isinstance(candidate, logging.Logger)
        )]
        listeners: dict[int, QueueListener] = {}
        for handler in (h for lg in loggers for h in lg.handlers if isinstance(h, QueueHandler)):
            listener = getattr(handler, "listener", None)
            if isinstance(listener, QueueListener):
                listeners[id(listener)] = listener
        for listener in listeners.values():
            if listener._thread is not None:  # stop() on a stopped listener fails, at exit too
                listener.stop()
                atexit.unregister(listener.stop)
        return super().configure()



logging.getLogger("pb").addHandler(logging.NullHandler())
