"""``pb export``: the anonymised research files of a round's published budgets."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import click


@click.command("export")
@click.argument("round_ref", metavar="ROUND")
@click.option("--format", "fmt", type=click.Choice(["pb", "csv", "parquet"]), default="pb", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True)
def export(round_ref: str, fmt: str, out: Path) -> None:
    """Write the anonymised research files of a round's published budgets, with progress on stderr.

    ROUND is the round's slug (``tuusula-2026``, or ``municipality/slug`` where slugs repeat) or its id.

    Each board is read from the database in chunks into compact arrays (a few bytes per ballot), anonymised as
    a whole (the same keyed voter ids and order as every download, k-anonymous attributes), then written out
    in chunks.
    """
    from datetime import UTC, datetime

    from pb.audit import log as audit
    from pb.cli.context import check_ready, settings
    from pb.core.db import create_engine, create_sessionmaker, transaction
    from pb.core.errors import PbError
    from pb.research.anonymise import Minimums
    from pb.research.export_data import anonymise
    from pb.research.exports import budget_data, policy_of, published_budget_ids
    from pb.research.pabulib_export import write_pb
    from pb.research.table_export import write_tables
    from pb.results.models import BudgetResult
    from pb.rounds.service import find_round

    config = settings()
    round_name = round_ref

    async def run() -> list[int]:
        nonlocal round_name
        engine = create_engine(config)
        try:
            await check_ready(engine, config)
            async with transaction(create_sessionmaker(engine)) as session:
                budget_round = await find_round(session, round_ref)
                round_id, round_name = budget_round.id, budget_round.slug
                assert round_id is not None
                ids = await published_budget_ids(session, round_id=round_id)
                if not ids:
                    return ids
                policy = await policy_of(session, round_id)
                minimums = Minimums(policy.min_ballot_class, policy.min_table_cell)
                await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
                for budget_id in ids:
                    await export_budget(session, budget_id, minimums)
                await audit.record(session, actor="cli:export", action="results.export", target=f"round:{round_id}",
                                   now=datetime.now(UTC), details={"format": fmt, "budgets": ids})
                return ids
        finally:
            await engine.dispose()

    async def export_budget(session: Any, budget_id: int, minimums: Any) -> None:
        """Read the board in chunks into compact arrays, anonymise, then write in chunks: two progress bars."""
        result = await session.get(BudgetResult, budget_id)
        total = int(result.ballot_count) if result is not None else 0
        with click.progressbar(length=total, label=f"budget {budget_id}: reading", file=sys.stderr) as bar:
            data = await budget_data(session, budget_id=budget_id, progress=bar.update)
        anon = anonymise(data, minimums, secret=config.voter_key_master)
        stem = anon.data.budget.slug
        with click.progressbar(length=len(anon.order), label=f"{stem} ({fmt})", file=sys.stderr) as bar:
            if fmt == "pb":
                with (out / f"{stem}.pb").open("w", encoding="utf-8", newline="") as handle:
                    write_pb(anon, handle, bar.update)
            else:
                write_tables(anon, out, stem, fmt, bar.update)

    try:
        budgets = asyncio.run(run())
    except PbError as exc:
        raise click.ClickException(exc.detail) from exc
    if not budgets:
        raise click.ClickException(f"round {round_name} has no published results yet")
    click.echo(f"wrote {len(budgets)} budgets to {out}")
