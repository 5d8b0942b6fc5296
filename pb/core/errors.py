"""Domain errors with stable codes, raised by services; pb.http.problems turns them into RFC 9457 problem details."""

from __future__ import annotations

from typing import Any, ClassVar


class PbError(Exception):
    """A failure the caller can act on. Subclasses set ``code``, ``status`` and ``title``."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra


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

