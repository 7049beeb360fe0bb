"""Safe YAML loading that keeps the line and column of every node and refuses duplicate keys."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from screening_api.errors import Finding, Severity

Path_ = tuple[str | int, ...]


LoaderClass = type[yaml.SafeLoader] | type[yaml.CSafeLoader]


def _yaml12_booleans(loader: LoaderClass) -> None:
    """Only true/false are booleans, so a lexicon term `no` or `yes` stays text."""
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )


class _Loader(yaml.SafeLoader):
    """The pure-Python safe loader: its error messages are the ones findings quote."""


_yaml12_booleans(_Loader)
_FastLoader: LoaderClass | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):
        """libyaml's parser: about ten times faster on a large ruleset, same positions."""

    _yaml12_booleans(_CLoader)
    _FastLoader = _CLoader


@dataclass(frozen=True)
class SourceDocument:
    """One parsed YAML file: plain Python data plus the position of every node in it."""

    path: Path
    display: str
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(repr=False)

    def position(self, where: Path_) -> tuple[int, int]:
        """The 1-based (line, column) of the node at ``where``, or of its nearest parent."""
        probe = where
        while probe not in self.positions and probe:
            probe = probe[:-1]
        return self.positions.get(probe, (1, 1))


class _Builder:
    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader, display: str) -> None:
        self.loader = loader
        self.display = display
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.findings: list[Finding] = []

    def build(self, node: yaml.Node, where: Path_) -> Any:
        self.positions[where] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, where)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*where, index)) for index, child in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, where: Path_) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | bool):
                key = str(key)
            if key in result:
                first_line = self.positions[(*where, key)][0]
                self.findings.append(
                    Finding(
                        code="E102",
                        severity=Severity.ERROR,
                        message=f"duplicate key '{key}' (first written on line {first_line})",
                        file=self.display,
                        line=key_node.start_mark.line + 1,
                        column=key_node.start_mark.column + 1,
                        hint="a key may appear once per mapping; remove or rename one of them",
                    )
                )
                continue
            child = (*where, key)
            self.positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            value = self.build(value_node, child)
            # keep the key's own position: messages about a value point at its key
            self.positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = value
        return result


def load_document(path: Path, display: str) -> tuple[SourceDocument | None, list[Finding]]:
    """Parse one YAML file; a syntax error or duplicate key becomes a finding, never a crash."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return None, [
            Finding(
                "E101",
                Severity.ERROR,
                f"file is not UTF-8 text ({error.reason})",
                display,
                hint="save the file as UTF-8",
            )
        ]
    if _FastLoader is not None:
        try:
            return _compose(_FastLoader, text, path, display)
        except (yaml.YAMLError, ValueError):
            pass  # read it again with the pure-Python parser, whose messages findings quote
    try:
        return _compose(_Loader, text, path, display)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = error.problem or "invalid YAML"
        context = f" {error.context}" if error.context else ""
        return None, [
            Finding(
                "E101",
                Severity.ERROR,
                f"YAML syntax error: {problem}{context}",
                display,
                line,
                column,
                hint="check the indentation and that every ':' and '-' is followed by a space",
            )
        ]
    except yaml.YAMLError as error:  # not marked: e.g. a bad timestamp value
        return None, [Finding("E101", Severity.ERROR, f"YAML error: {error}", display)]
    except ValueError as error:  # e.g. a date like 2026-02-30
        return None, [
            Finding(
                "E101",
                Severity.ERROR,
                f"YAML value error: {error}",
                display,
                hint="dates are written YYYY-MM-DD and must exist",
            )
        ]


def _compose(
    loader_class: LoaderClass, text: str, path: Path, display: str
) -> tuple[SourceDocument | None, list[Finding]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        builder = _Builder(loader, display)
        data = builder.build(node, ()) if node is not None else None
    finally:
        loader.dispose()
    return SourceDocument(path, display, data, builder.positions), builder.findings


def iter_yaml_files(folder: Path) -> Iterator[Path]:
    """The YAML files of a folder, in a stable order."""
    yield from sorted(p for p in folder.glob("*.yaml") if p.is_file())
    yield from sorted(p for p in folder.glob("*.yml") if p.is_file())
