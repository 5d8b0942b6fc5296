"""The caller as a deliberation participant: a signed-in resident, or an official or coordinator by API
token."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from pb.core.models import Role
from pb.http.dependencies import AppSettings, Now, provide_principal, provide_resident
from pb.proposals.participants import Participant, from_principal, from_resident

Who = NamedDependency[Participant]


async def provide_participant(
    request: Request[Any, Any, Any], state: State, settings: AppSettings, now: Now
) -> Participant:
    # Authentication uses its own short transaction (see pb.http.dependencies.provide_principal).
    principal = await provide_principal(request, state, settings, now)
    if principal.role is Role.RESIDENT:
        return from_resident(await provide_resident(request, state, settings, now))
    return from_principal(principal)


AUTH = {"principal": Provide(provide_principal)}
PARTICIPANT = {"who": Provide(provide_participant)}
