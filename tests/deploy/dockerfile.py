"""A reading of deploy/Dockerfile: its stages and their instructions, continuation lines joined."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, instruction: str) -> list[str]:
        return [arguments for name, arguments in self.instructions if name == instruction]

    def last(self, instruction: str) -> str:
        found = self.all(instruction)
        assert found, f"stage {self.name or self.base} has no {instruction}"
        return found[-1]


def logical_lines(text: str) -> list[str]:
    """The Dockerfile's instructions, one a line: comments dropped, backslash continuations joined."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    return lines


def stages(path: Path) -> list[Stage]:
    found: list[Stage] = []
    for line in logical_lines(path.read_text()):
        instruction, _, arguments = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            match = re.fullmatch(r"(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", arguments.strip(), re.IGNORECASE)
            assert match, f"cannot read FROM {arguments}"
            found.append(Stage(base=match[1], name=match[2]))
        elif found:
            found[-1].instructions.append((instruction, arguments.strip()))
    return found


def global_args(path: Path) -> dict[str, str]:
    """The ARG defaults declared before the first FROM (the ones a FROM line may use)."""
    defaults: dict[str, str] = {}
    for line in logical_lines(path.read_text()):
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            break
        if instruction.upper() == "ARG" and "=" in arguments:
            name, _, value = arguments.strip().partition("=")
            defaults[name] = value
    return defaults
