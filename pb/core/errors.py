"""Domain errors with stable codes, raised by services; pb.http.problems turns them into RFC 9457 problem details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from pb.i18n.formatting import format_money

if TYPE_CHECKING:
    from pb.i18n.translator import Translator


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of cents in an error's values: euros in the sentence, cents in the problem's members."""

    cents: int

    def __str__(self) -> str:
        return format_money(self.cents, "en")


class PbError(Exception):
    """A failure the caller can act on. Subclasses set ``code``, ``status`` and ``title``.

    ``detail`` is an English sentence and the message id of its translations: its ``%(name)s`` placeholders are
    filled from the keyword values, which the problem details also carry as members (``Money`` as cents). So a
    message is written once, found by ``./dev messages`` (``pb.i18n.build`` reads every error class's title and
    the literal first argument wherever one is made), and answered in the caller's language
    (``pb.http.problems``); ``str(error)`` and ``.detail`` are English.
    """

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    keeps_changes: ClassVar[bool] = False
    """A failure reported after what the request did is kept: its transaction commits (``pb.core.db.transaction``),
    the failure's own record included, and the error is answered all the same."""

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        self.template = detail
        self.detail = fill(detail, extra)
        super().__init__(self.detail)
        self.field = field
        self.extra = extra

    def members(self) -> dict[str, Any]:
        """The values as problem-detail members: plain JSON (cents for money)."""
        return {k: v.cents if isinstance(v, Money) else v.isoformat() if isinstance(v, date) else v
                for k, v in self.extra.items()}

    def localized(self, words: Translator) -> dict[str, Any]:
        """Members whose text is in the caller's language (a list of sentences, say); none by default."""
        return {}


def fill(template: str, values: dict[str, Any]) -> str:
    """``template`` with its named placeholders filled; a text without placeholders is returned as it is."""
    if not values or "%(" not in template:
        return template
    try:
        return template % values
    except (KeyError, ValueError, TypeError):
        return template


class InvalidInput(PbError):
    code = "invalid_input"
    status = 422
    title = "Invalid input"


class NotFound(PbError):
    code = "not_found"
    status = 404
    title = "Not found"


class Unauthorized(PbError):
    code = "unauthorized"
    status = 401
    title = "Authentication required"


class Forbidden(PbError):
    code = "forbidden"
    status = 403
    title = "Forbidden"


class Conflict(PbError):
    code = "conflict"
    status = 409
    title = "Conflict"


class PhaseConflict(Conflict):
    code = "phase_conflict"
    title = "Not possible in the round's current phase"


class RoundFrozen(Conflict):
    code = "round_frozen"
    title = "The round's configuration is frozen"


class AlreadyExists(Conflict):
    code = "already_exists"
    title = "Already exists"

