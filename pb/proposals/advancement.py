"""Closing a deliberation round: the advancement rule decides, each decision is recorded with its counts.

Rules (stable ids): ``min-support`` advances every eligible proposal with at least ``min_supports`` supports;
``top-k`` advances the ``k`` most supported eligible proposals of each budget, and proposals tied at the cut
advance together (no hidden tie-break). Eligible: not hidden, not reviewed not feasible or out of scope,
and with
``require_feasible`` reviewed feasible (with or without changes). Closing the last round puts every advancing
proposal on its budget's ballot with its binding cost (``pb.projects.service.add_project``), before voting
freezes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.principal import Principal, ensure_manages_municipality
from pb.core.errors import Conflict, PhaseConflict, RoundFrozen
from pb.projects.schemas import ProjectCreate
from pb.projects.service import add_project
from pb.proposals.models import AdvancementDecision, DeliberationRound, Feasibility, Proposal, ProposalStatus
from pb.proposals.service import EDITABLE, get_proposal, support_counts
from pb.proposals.stages import get_stage, stages_of
from pb.rounds.service import lock_round

FEASIBLE = frozenset({Feasibility.FEASIBLE.value, Feasibility.FEASIBLE_WITH_CHANGES.value})
REJECTED = frozenset({Feasibility.NOT_FEASIBLE.value, Feasibility.OUT_OF_SCOPE.value})


@dataclass(frozen=True, slots=True)
class Candidate:
    proposal: Proposal
    supports: int
    rank: int
    ineligible: str | None


async def close_stage(
    session: AsyncSession, *, stage_id: int, actor: Principal, now: datetime, early: bool = False
) -> Sequence[AdvancementDecision]:
    """Close a deliberation round and decide on every proposal; ``early`` closes it before its window ends."""
    stage = await get_stage(session, stage_id)
    budget_round = await lock_round(session, stage.round_id)
    ensure_manages_municipality(actor, budget_round.municipality_id)
    if stage.closed_at is not None:
        raise Conflict("deliberation round %(number)s is already closed", number=stage.number)
    closes_early = now < stage.ends_at
    if closes_early and not early:
        raise PhaseConflict(
            'deliberation round %(number)s is open until %(ends_at)s; close it early with {"early": true}',
            field="early", number=stage.number, ends_at=stage.ends_at.isoformat(),
        )
    if now <= stage.starts_at:
        raise PhaseConflict(
            "deliberation round %(number)s has not started; move or delete it instead",
            number=stage.number,
        )
    if any(s.closed_at is None for s in await stages_of(session, stage.round_id) if s.number < stage.number):
        raise Conflict("close the earlier deliberation rounds first")
    if stage.is_last and budget_round.frozen_at is not None:
        raise RoundFrozen("voting has opened: the ballot can no longer change")
    decisions = [await _decide(session, stage, c, actor, now) for c in await _candidates(session, stage)]
    planned_end = stage.ends_at
    stage.closed_at = now
    if closes_early:
        stage.ends_at = now
    session.add(stage)
    advanced = [d.proposal_id for d in decisions if d.advanced]
    await audit.record(
        session,
        actor=actor.actor,
        action="deliberation.close",
        target=f"deliberation:{stage.id}",
        now=now,
        details={
            "rule": stage.rule,
            "params": stage.rule_params,
            "considered": len(decisions),
            "advanced": advanced,
            "last": stage.is_last,
            **({"early": True, "planned_end": planned_end.isoformat()} if closes_early else {}),
        },
    )
    return await decisions_of_stage(session, stage_id=stage_id)


async def _candidates(session: AsyncSession, stage: DeliberationRound) -> list[Candidate]:
    query = select(Proposal).where(
        Proposal.round_id == stage.round_id, col(Proposal.status).in_(sorted(EDITABLE))
    )
    proposals = (await session.exec(query.order_by(col(Proposal.id)))).all()
    counts = await support_counts(session, [p.id for p in proposals if p.id is not None])
    params = stage.rule_params
    by_budget: dict[int, list[Proposal]] = {}
    for p in proposals:
        by_budget.setdefault(p.budget_id, []).append(p)
    result: list[Candidate] = []
    for group in by_budget.values():
        eligible_supports = sorted(
            (counts.get(p.id or 0, 0) for p in group if _ineligible(p, params, stage.is_last) is None),
            reverse=True,
        )
        for p in group:
            supports = counts.get(p.id or 0, 0)
            reason = _ineligible(p, params, stage.is_last)
            # Competition ranking among eligible proposals: ties share a rank.
            rank = 1 + sum(1 for s in eligible_supports if s > supports) if reason is None else 0
            result.append(Candidate(p, supports, rank, reason))
    return result


def _ineligible(proposal: Proposal, params: dict[str, Any], last: bool) -> str | None:
    if proposal.hidden_at is not None:
        return "hidden by moderation"
    if proposal.feasibility in REJECTED:
        return f"reviewed {proposal.feasibility}"
    if params.get("require_feasible", True) and proposal.feasibility not in FEASIBLE:
        return "not reviewed feasible"
    if last and proposal.official_cost is None:
        return "no binding cost estimate"
    return None


def _advances(stage: DeliberationRound, candidate: Candidate) -> tuple[bool, str]:
    if candidate.ineligible is not None:
        return False, candidate.ineligible
    params = stage.rule_params
    if stage.rule == "top-k":
        k = int(params["k"])
        return (
            (True, f"rank {candidate.rank} within top {k}")
            if candidate.rank <= k
            else (False, f"rank {candidate.rank} below top {k}")
        )
    needed = int(params.get("min_supports", 0))
    if candidate.supports >= needed:
        return True, f"{candidate.supports} supports, at least {needed}"
    return False, f"{candidate.supports} supports, fewer than {needed}"


async def _decide(
    session: AsyncSession, stage: DeliberationRound, candidate: Candidate, actor: Principal, now: datetime
) -> AdvancementDecision:
    proposal = candidate.proposal
    advanced, reason = _advances(stage, candidate)
    decision = AdvancementDecision(
        deliberation_round_id=stage.id or 0,
        proposal_id=proposal.id or 0,
        budget_id=proposal.budget_id,
        advanced=advanced,
        supports=candidate.supports,
        rank=candidate.rank,
        feasibility=proposal.feasibility,
        rule=stage.rule,
        rule_params=dict(stage.rule_params),
        reason=reason,
        decided_at=now,
    )
    proposal.status = (ProposalStatus.ADVANCED if advanced else ProposalStatus.NOT_ADVANCED).value
    if advanced and stage.is_last:
        project = await add_project(
            session,
            budget_id=proposal.budget_id,
            data=_project(proposal),
            actor=actor,
            now=now,
            proposal_id=proposal.id,
        )
        decision.ballot_project_id = project.id
        proposal.status = ProposalStatus.ON_BALLOT.value
    proposal.updated_at = now
    session.add_all([decision, proposal])
    await session.flush()
    return decision


def _project(proposal: Proposal) -> ProjectCreate:
    """The ballot entry: the proposal's text (Finnish first, falling back to its other language) and
    official cost."""
    title = dict(proposal.title)
    title.setdefault("fi", proposal.title.get("sv") or next(iter(proposal.title.values())))
    return ProjectCreate.model_validate(
        {
            "code": f"P{proposal.id}",
            "title": title,
            "description": dict(proposal.description),
            "cost": proposal.official_cost,
        }
    )


async def decisions_of_stage(session: AsyncSession, *, stage_id: int) -> Sequence[AdvancementDecision]:
    await get_stage(session, stage_id)
    query = select(AdvancementDecision).where(AdvancementDecision.deliberation_round_id == stage_id)
    order = (
        col(AdvancementDecision.budget_id),
        col(AdvancementDecision.advanced).desc(),
        col(AdvancementDecision.rank),
        col(AdvancementDecision.id),
    )
    return (await session.exec(query.order_by(*order))).all()


async def decisions_of_proposal(session: AsyncSession, *, proposal_id: int) -> Sequence[AdvancementDecision]:
    await get_proposal(session, proposal_id)
    query = select(AdvancementDecision).where(AdvancementDecision.proposal_id == proposal_id)
    return (await session.exec(query.order_by(col(AdvancementDecision.id)))).all()
