"""Research exports from the database: the export policy, the data of a published budget, one export file."""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from pb.audit import log as audit
from pb.auth.principal import Principal, ensure_manages_municipality
from pb.core.errors import InvalidInput, NotFound
from pb.core.models import Budget, BudgetRound, Municipality, Phase, RoundPhase
from pb.research.access import ensure_may_export, ensure_may_read_policy
from pb.research.anonymise import Minimums
from pb.research.ballot_table import BallotTable
from pb.research.errors import PolicyFrozen
from pb.research.export_data import BudgetData, anonymise
from pb.research.pabulib_export import write_pb
from pb.research.table_export import write_tables
from pb.results.counting import Selections
from pb.results.errors import BallotSetChanged, ResultNotReady
from pb.results.models import BudgetResult, ResultsPolicy, ResultStatus
from pb.results.public import published_result
from pb.results.tally import frozen_config
from pb.voting.models import Ballot, BoardPublication
from pb.voting.receipts import canonical_ballot, stored_selections

READ_CHUNK = 20_000

FORMATS = ("pb", "csv", "parquet")
TABLES = ("ballots", "projects", "results", "turnout")


async def policy_of(session: AsyncSession, round_id: int) -> ResultsPolicy:
    found = await session.get(ResultsPolicy, round_id)
    return found or ResultsPolicy(round_id=round_id, updated_at=datetime.min.replace(tzinfo=UTC))


async def _round(session: AsyncSession, round_id: int) -> BudgetRound:
    budget_round = await session.get(BudgetRound, round_id)
    if budget_round is None:
        raise NotFound("round %(round_id)s does not exist", round_id=round_id)
    return budget_round


async def policy_frozen(session: AsyncSession, *, round_id: int) -> bool:
    """Whether a budget of the round is published: its exports are out, so the policy they followed stays."""
    query = select(BudgetResult.budget_id).where(
        BudgetResult.round_id == round_id, BudgetResult.status == ResultStatus.PUBLISHED.value).limit(1)
    return (await session.exec(query)).first() is not None


async def get_policy(session: AsyncSession, *, round_id: int, actor: Principal) -> tuple[ResultsPolicy, bool]:
    """The round's export policy (the defaults until an official sets one) and whether it is frozen."""
    budget_round = await _round(session, round_id)
    ensure_may_read_policy(actor, municipality_id=budget_round.municipality_id)
    return await policy_of(session, round_id), await policy_frozen(session, round_id=round_id)


async def set_policy(
    session: AsyncSession, *, round_id: int, public_exports: bool, min_ballot_class: int, min_table_cell: int,
    actor: Principal, now: datetime,
) -> ResultsPolicy:
    """Replace the round's export policy, every field given; refused (409) once a budget is published."""
    budget_round = await _round(session, round_id)
    ensure_manages_municipality(actor, budget_round.municipality_id)
    if await policy_frozen(session, round_id=round_id):
        raise PolicyFrozen(
            "round %(round_id)s has published results, so its results policy no longer changes: every download "
            "of its exports follows the policy it was published with", round_id=round_id)
    policy = await session.get(ResultsPolicy, round_id) or ResultsPolicy(round_id=round_id, updated_at=now)
    policy.public_exports, policy.updated_at = public_exports, now
    policy.min_ballot_class, policy.min_table_cell = min_ballot_class, min_table_cell
    session.add(policy)
    await session.flush()
    await audit.record(session, actor=actor.actor, action="results.policy", target=f"round:{round_id}", now=now,
                       details={"public_exports": public_exports, "min_ballot_class": min_ballot_class,
                                "min_table_cell": min_table_cell})
    return policy


async def budget_data(
    session: AsyncSession, *, budget_id: int, progress: Callable[[int], None] | None = None
) -> BudgetData:
    """A published budget's export data: frozen configuration, outcome, titles, dates and board ballots
    (read in chunks; ``progress`` is told how many ballots each chunk had)."""
    view = await published_result(session, budget_id=budget_id)
    budget_round = await session.get(BudgetRound, view.budget.round_id)
    assert budget_round is not None
    municipality = await session.get(Municipality, budget_round.municipality_id)
    assert municipality is not None
    config = await frozen_config(session, budget_round)
    budget = config.budget(budget_id)
    voting = (await session.exec(select(RoundPhase).where(
        RoundPhase.round_id == budget_round.id, RoundPhase.phase == Phase.VOTING.value))).first()
    language = municipality.languages[0] if municipality.languages else "fi"
    ballots = await read_ballots(session, budget_id=budget_id, codes=[p.code for p in budget.projects],
                                 progress=progress)
    return BudgetData(
        budget=budget, outcome=view.result.outcome,
        titles={code: t.get(language) or next(iter(t.values()), "") for code, t in view.titles.items()},
        description=f"{budget_round.name.get('en') or budget_round.slug}: {view.budget.slug}",
        unit=municipality.name.get("en") or municipality.slug, instance=str(budget_round.year),
        date_begin=f"{voting.starts_at:%d.%m.%Y}" if voting else str(budget_round.year),
        date_end=f"{voting.ends_at:%d.%m.%Y}" if voting else str(budget_round.year),
        language=language, ballots=ballots, config_hash=view.result.config_hash,
    )


async def read_ballots(
    session: AsyncSession, *, budget_id: int, codes: Sequence[str], chunk: int = READ_CHUNK,
    progress: Callable[[int], None] | None = None,
) -> BallotTable:
    """The budget's board, read from the database in chunks (a server-side cursor) into a compact table.

    Rows come in receipt order (byte order, as the set hash is defined), so the published set hash is
    recomputed while reading; a board that no longer matches its publication is refused (409).
    """
    publication = await session.get(BoardPublication, budget_id)
    if publication is None:
        raise ResultNotReady(
            "budget %(budget_id)s has no published ballot set; voting has not closed",
            budget_id=budget_id,
        )
    connection = await session.connection()
    receipt = col(Ballot.receipt)
    order = receipt.collate("C") if connection.dialect.name == "postgresql" else receipt
    query = select(Ballot.receipt, Ballot.selections).where(Ballot.budget_id == budget_id).order_by(order)
    table, digest, count, previous = BallotTable(codes), hashlib.sha256(), 0, ""
    stream = await session.stream(query.execution_options(yield_per=chunk))
    async for rows in stream.partitions(chunk):
        selections: list[Selections] = []
        for row_receipt, stored in rows:
            if row_receipt <= previous:
                raise BallotSetChanged("budget %(budget_id)s: the board is not in receipt order", budget_id=budget_id)
            previous = row_receipt
            ballot = stored_selections(stored)
            canonical = canonical_ballot(budget_id=budget_id, config_hash=publication.config_hash, selections=ballot)
            digest.update(f"{row_receipt}:{canonical}\n".encode())
            selections.append(ballot)
        table.add(selections)
        count += len(rows)
        if progress:
            progress(len(rows))
    if digest.hexdigest() != publication.set_hash or count != publication.ballot_count:
        raise BallotSetChanged(
            "budget %(budget_id)s: the stored ballots (hash %(digest)s..., %(count)s ballots) differ from the "
            "published board (hash %(set_hash)s..., %(ballot_count)s ballots)",
            budget_id=budget_id,
            digest=digest.hexdigest()[:16],
            count=count,
            set_hash=publication.set_hash[:16],
            ballot_count=publication.ballot_count,
        )
    return table


async def export_file(
    session: AsyncSession, *, budget_id: int, fmt: str, table: str, principal: Principal | None, now: datetime,
    secret: bytes,
) -> tuple[str, bytes]:
    """One export file of a published budget (.pb, or one table as CSV or Parquet), and its audit entry.

    ``secret`` keys the voter ids (pb.research.export_data), so every download of the budget is the same."""
    if fmt not in FORMATS:
        raise InvalidInput("format is one of %(FORMATS)s", field="format", FORMATS=', '.join(FORMATS))
    if table not in TABLES:
        raise InvalidInput("table is one of %(TABLES)s", field="table", TABLES=', '.join(TABLES))
    budget = await session.get(Budget, budget_id)
    if budget is None:
        raise NotFound("budget %(budget_id)s does not exist", budget_id=budget_id)
    policy = await policy_of(session, budget.round_id)
    await published_result(session, budget_id=budget_id)
    ensure_may_export(principal, public_exports=policy.public_exports)
    anon = anonymise(await budget_data(session, budget_id=budget_id),
                     Minimums(policy.min_ballot_class, policy.min_table_cell), secret=secret)
    stem = f"{budget.slug}"
    if fmt == "pb":
        out = io.StringIO(newline="")
        write_pb(anon, out)
        name, content = f"{stem}.pb", out.getvalue().encode()
    else:
        with tempfile.TemporaryDirectory() as scratch:
            paths = write_tables(anon, Path(scratch), stem, fmt)
            path = next(p for p in paths if p.stem.endswith(f"_{table}"))
            name, content = path.name, path.read_bytes()
    await audit.record(session, actor=principal.actor if principal else "public", action="results.export",
                       target=f"budget:{budget_id}", now=now, details={"format": fmt, "table": table})
    return name, content


async def published_budget_ids(session: AsyncSession, *, round_id: int) -> list[int]:
    from pb.results.tally import results_of_round

    return [r.budget_id for r in await results_of_round(session, round_id=round_id)
            if r.status == ResultStatus.PUBLISHED.value]
