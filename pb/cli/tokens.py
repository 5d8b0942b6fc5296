"""``pb token`` and ``pb revoke-token``: officials' API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import click

from pb.cli.context import in_transaction, now, settings

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession


@click.command()
@click.option("--role", type=click.Choice(["admin", "official", "coordinator", "resident", "researcher", "auditor"]),
              required=True)
@click.option("--subject", required=True, help="Who the token is for, e.g. an official's e-mail.")
@click.option("--municipality", help="Slug, code or id; officials need one.")
@click.option("--network", type=int, help="Network id; coordinators need one.")
@click.option("--days", type=click.IntRange(1, 366), help="Lifetime in days.")
def token(role: str, subject: str, municipality: str | None, network: int | None, days: int | None) -> None:
    """Issue an API token and print it (once: it is not stored)."""
    from pb.auth.tokens import issue_token
    from pb.core.models import Role
    from pb.municipalities.service import find_municipality

    config = settings()

    async def work(session: AsyncSession) -> str:
        municipality_id = (await find_municipality(session, municipality)).id if municipality else None
        encoded, record = await issue_token(
            session, config, subject=subject, role=Role(role), now=now(), municipality_id=municipality_id,
            network_id=network, ttl=timedelta(days=days) if days else None,
        )
        click.echo(f"token id {record.jti}, expires {record.expires_at:%Y-%m-%d}", err=True)
        return encoded

    click.echo(in_transaction(config, work))


@click.command("revoke-token")
@click.argument("jti")
def revoke_token(jti: str) -> None:
    """Revoke the API token with id JTI."""
    from pb.auth.tokens import revoke_token as revoke

    in_transaction(settings(), lambda s: revoke(s, jti=jti, now=now()))
    click.echo(f"token {jti} revoked")
