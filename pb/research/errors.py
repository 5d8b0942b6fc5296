"""Why a research export is refused; each with a stable code."""

from __future__ import annotations

from pb.core.errors import Forbidden


class ExportNotAllowed(Forbidden):
    code = "export_not_allowed"
    title = "Exports are for researchers after publication"
