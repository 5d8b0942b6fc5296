"""Taking part in proposals from the pages: the proposals services' refusals as sentences a page shows.

The services decide (phase, open deliberation round, participation rules, authorship); a page runs their call
through :func:`attempt` and shows the refusal beside the form instead of a problem document.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

from pb.core.errors import AlreadyExists, Conflict, Forbidden, InvalidInput, NotFound, PbError
from pb.i18n import Translator
from pb.proposals.eligibility import NotEligibleToTakePart
from pb.proposals.service import ProposalsClosed
from pb.proposals.stages import DeliberationClosed
from pb.proposals.support import AlreadySupported

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Refused:
    sentence: str
    status: int
    field: str | None = None
    """The form field at fault, when the service named one."""


def sentence(error: PbError, t: Translator) -> str:
    """The sentence for each way the proposals services refuse."""
    if isinstance(error, DeliberationClosed):
        return t.gettext("Comments, questions and support are possible only while a deliberation round is open. "
                         "The front page shows the timetable.")
    if isinstance(error, ProposalsClosed):
        return t.gettext("Proposals can be sent and changed only while the round takes proposals. "
                         "The front page shows the timetable.")
    if isinstance(error, NotEligibleToTakePart):
        return t.gettext("Only residents who may vote in this budget can take part in its proposals, for example "
                         "residents of the network's area.")
    if isinstance(error, AlreadySupported):
        return t.gettext("You already support this proposal.")
    if isinstance(error, AlreadyExists):
        return t.gettext("You have already offered help for this proposal.")
    if isinstance(error, Forbidden):
        return t.gettext("Only the proposal's authors can change it.")
    if isinstance(error, NotFound):
        return t.gettext("You do not support this proposal.")
    if isinstance(error, Conflict):
        return t.gettext("This proposal cannot take this now: it has moved on in the process, was merged into "
                         "another proposal or was hidden.")
    if isinstance(error, InvalidInput):
        return t.gettext("Check the form.")
    return t.gettext("This could not be done now. Try again later.")


async def attempt(call: Awaitable[T], t: Translator) -> T | Refused:
    """The service's answer, or its refusal in words; nothing was written when it refused."""
    try:
        return await call
    except PbError as refused:
        return Refused(sentence(refused, t), refused.status, refused.field)
