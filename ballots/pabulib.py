"""Read and write Pabulib ``.pb`` files (https://pabulib.org/format).

A file has three sections, each a ``;``-separated CSV table introduced by a line holding only its name:
``META`` (``key;value`` rows), ``PROJECTS`` (``project_id;cost;...``) and ``VOTES`` (``voter_id;vote;...``,
with ``points`` for cumulative and scoring ballots). Votes list project ids separated by commas, best first
for ordinal ballots. Everything not interpreted here (META keys, extra project and voter columns) is kept
verbatim so that writing a parsed file (``ballots.pabulib_writer.format_pabulib``) gives back the same data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from fractions import Fraction
from types import MappingProxyType

from ballots.instance import Instance, Money, Project
from ballots.profile import VOTE_TYPES, Ballot, Profile

SECTIONS = ("meta", "projects", "votes")
POINT_TYPES: frozenset[str] = frozenset({"cumulative", "scoring"})


class PabulibError(ValueError):
    """A malformed Pabulib file, with the line at fault."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


Row = tuple[int, list[str]]
Section = tuple[int, list[str]]
"""The line number of a section's marker and the text lines up to the next marker."""


def _sections(text: str) -> dict[str, Section]:
    """Split the file into its sections by their marker lines."""
    lines = text.split("\n")
    markers: list[tuple[str, int]] = []
    for number, line in enumerate(lines, 1):
        name = line.strip().strip(";").lower()
        if name in SECTIONS and len(line) < 12:
            if any(name == seen for seen, _ in markers):
                raise PabulibError(number, f"section {name.upper()} appears twice")
            markers.append((name, number))
        elif not markers and line.strip(" \r\t;"):
            raise PabulibError(number, "text before the META section")
    for name in SECTIONS:
        if name not in dict(markers):
            raise PabulibError(len(lines), f"missing section {name.upper()}")
    ends = [number for _, number in markers[1:]] + [len(lines) + 1]
    return {name: (start, lines[start : end - 1]) for (name, start), end in zip(markers, ends, strict=True)}


def _rows(section: Section) -> Iterator[Row]:
    """The numbered CSV rows of a section, blank lines skipped, read lazily to keep few objects alive."""
    marker, chunk = section
    if not any('"' in line for line in chunk):
        # The common case needs no CSV quoting rules, and plain splitting is several times faster.
        for i, line in enumerate(chunk, marker + 1):
            if line.strip():
                yield i, line.rstrip("\r").split(";")
        return
    reader = csv.reader(io.StringIO("\n".join(chunk), newline=""), delimiter=";", strict=True)
    try:
        for row in reader:
            if row and any(row):
                yield marker + reader.line_num, [cell.rstrip("\r") for cell in row]
    except csv.Error as error:
        raise PabulibError(marker + reader.line_num, f"bad CSV: {error}") from error


def _table(name: str, section: Section, first: str) -> tuple[int, list[str], Iterator[Row]]:
    """The header's line, the header and the data rows of one section, each row checked against the header."""
    rows = _rows(section)
    header_line, header = next(rows, (section[0], [""]))
    header = [h.strip() for h in header]
    if header == [""]:
        raise PabulibError(section[0], f"section {name} has no header row")
    if header[0] != first:
        raise PabulibError(header_line, f"{name} header must start with {first!r}, found {header[0]!r}")
    if len(set(header)) != len(header):
        raise PabulibError(header_line, f"{name} header repeats a column")
    return header_line, header, _checked(name, rows, len(header))


def _checked(name: str, rows: Iterator[Row], width: int) -> Iterator[Row]:
    for line, row in rows:
        if len(row) != width:
            raise PabulibError(line, f"{name} row has {len(row)} columns, header has {width}")
        yield line, row


def _amount(text: str, line: int, what: str) -> Money:
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise PabulibError(line, f"{what} is not a number: {text!r}") from None
    if value < 0:
        raise PabulibError(line, f"{what} is negative: {text!r}")
    return value


def _meta(section: Section) -> tuple[dict[str, str], dict[str, int]]:
    header_line, header, data = _table("META", section, "key")
    if len(header) != 2:
        raise PabulibError(header_line, "META header must be 'key;value'")
    meta: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, (key, value) in data:
        if key in meta:
            raise PabulibError(line, f"META key {key!r} appears twice")
        meta[key] = value
        lines[key] = line
    return meta, lines


def _projects(section: Section) -> tuple[Project, ...]:
    header_line, header, data = _table("PROJECTS", section, "project_id")
    if "cost" not in header:
        raise PabulibError(header_line, "PROJECTS header has no 'cost' column")
    cost_at = header.index("cost")
    name_at = header.index("name") if "name" in header else -1
    extra = [(i, h) for i, h in enumerate(header) if i not in (0, cost_at, name_at)]
    projects: list[Project] = []
    seen: set[str] = set()
    for line, row in data:
        project_id = row[0].strip()
        if not project_id:
            raise PabulibError(line, "project without an id")
        if project_id in seen:
            raise PabulibError(line, f"project {project_id!r} is listed twice")
        seen.add(project_id)
        cost = _amount(row[cost_at], line, f"cost of project {project_id!r}")
        name = row[name_at] if name_at >= 0 else ""
        projects.append(Project(project_id, cost, name, {h: row[i] for i, h in extra}))
    return tuple(projects)


def parse_pabulib(text: str) -> tuple[Instance, Profile]:
    """Parse the text of a ``.pb`` file into its instance and profile; raise PabulibError if malformed."""
    sections = _sections(text.removeprefix("\ufeff"))
    meta, meta_lines = _meta(sections["meta"])
    if "budget" not in meta:
        raise PabulibError(sections["meta"][0], "META has no 'budget'")
    budget = _amount(meta["budget"], meta_lines["budget"], "budget")
    vote_type = meta.get("vote_type", "approval").strip()
    if vote_type not in VOTE_TYPES:
        raise PabulibError(meta_lines["vote_type"], f"unknown vote_type {vote_type!r}")
    projects = _projects(sections["projects"])
    ballots = _votes(sections["votes"], {p.id: p.id for p in projects}, vote_type)
    return Instance(budget, projects, meta), Profile(vote_type, ballots)


def _votes(section: Section, ids: dict[str, str], vote_type: str) -> tuple[Ballot, ...]:
    header_line, header, data = _table("VOTES", section, "voter_id")
    if "vote" not in header:
        raise PabulibError(header_line, "VOTES header has no 'vote' column")
    vote_at = header.index("vote")
    with_points = vote_type in POINT_TYPES
    if with_points and "points" not in header:
        raise PabulibError(header_line, f"VOTES header has no 'points' column, needed for {vote_type} votes")
    points_at = header.index("points") if with_points else -1
    extra = [(i, h) for i, h in enumerate(header) if i not in (0, vote_at, points_at)]
    ballots: list[Ballot] = []
    lines: list[int] = []
    # Real elections repeat the same vote and the same voter columns a lot: parse each distinct text once.
    votes: dict[str, tuple[str, ...]] = {}
    metadatas: dict[tuple[str, ...], Mapping[str, str]] = {(): {}}
    names = tuple(h for _, h in extra)
    no_points: tuple[int, ...] = ()
    for line, row in data:
        vote = row[vote_at]
        choices = votes.get(vote)
        if choices is None:
            choices = votes[vote] = _choices(vote, ids, line)
        points = _points(row[points_at], len(choices), line) if with_points else no_points
        values = tuple([row[i] for i, _ in extra])
        metadata = metadatas.get(values)
        if metadata is None:
            metadata = metadatas[values] = MappingProxyType(dict(zip(names, values, strict=True)))
        ballots.append(Ballot(choices, points, row[0], metadata))
        lines.append(line)
    _check_voters_unique(ballots, lines)
    return tuple(ballots)


def _choices(vote: str, ids: dict[str, str], line: int) -> tuple[str, ...]:
    """The project ids of one vote, sharing the project's id string (less memory, fast comparisons)."""
    vote = vote.strip()
    try:
        choices = tuple([ids[c.strip()] for c in vote.split(",")]) if vote else ()
    except KeyError as error:
        raise PabulibError(line, f"vote names unknown project {error.args[0]!r}") from None
    if len(set(choices)) != len(choices):
        raise PabulibError(line, f"vote names a project twice: {vote!r}")
    return choices


def _check_voters_unique(ballots: list[Ballot], lines: list[int]) -> None:
    if len({b.voter_id for b in ballots}) == len(ballots):
        return
    seen: set[str] = set()
    for line, ballot in zip(lines, ballots, strict=True):
        if ballot.voter_id in seen:
            raise PabulibError(line, f"voter {ballot.voter_id!r} votes twice")
        seen.add(ballot.voter_id)


def _points(text: str, count: int, line: int) -> tuple[int, ...]:
    text = text.strip()
    try:
        points = tuple([int(p) for p in text.split(",")]) if text else ()
    except ValueError:
        raise PabulibError(line, f"points are not whole numbers: {text!r}") from None
    if len(points) != count:
        raise PabulibError(line, f"{len(points)} points for {count} projects")
    return points
