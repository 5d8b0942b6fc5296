"""Why a research export is refused; each with a stable code."""

from __future__ import annotations

from pb.core.errors import Conflict, Forbidden


class ExportNotAllowed(Forbidden):
    code = "export_not_allowed"
    title = "Exports are for researchers after publication"


class PolicyFrozen(Conflict):
    code = "results_policy_frozen"
    title = "The results policy is frozen once results are published"
