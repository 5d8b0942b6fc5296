"""The media types pb answers with, beside JSON."""

from __future__ import annotations

PROBLEM_JSON = "application/problem+json"
SVG = "image/svg+xml"
EXPORT_TYPES = {"pb": "text/plain; charset=utf-8", "csv": "text/csv; charset=utf-8",
                "parquet": "application/vnd.apache.parquet"}
"""A research export's media type by its format (pb.research.exports.FORMATS)."""
