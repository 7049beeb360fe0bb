"""YAML loading keeps positions, refuses duplicate keys and reads only true/false as booleans."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from screening_api.engine.source import load_document


def test_positions_and_values(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb:\n  - no\n  - when: 2026-01-01\nc: true\n", encoding="utf-8")
    document, findings = load_document(path, "rules/x.yaml")
    assert findings == []
    assert document is not None
    assert document.data == {"a": 1, "b": ["no", {"when": date(2026, 1, 1)}], "c": True}
    assert document.position(("b", 1, "when")) == (4, 5)
    assert document.position(("b", 0)) == (3, 5)
    # a path that does not exist falls back to its nearest parent
    assert document.position(("b", 1, "missing")) == (4, 5)


def test_duplicate_keys_are_findings(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb: 2\na: 3\n", encoding="utf-8")
    document, findings = load_document(path, "rules/x.yaml")
    assert document is not None
    assert document.data == {"a": 1, "b": 2}
    assert [str(f) for f in findings] == [
        "rules/x.yaml:3:1: error E102: duplicate key 'a' (first written on line 1)\n"
        "    hint: a key may appear once per mapping; remove or rename one of them"
    ]


def test_syntax_errors_are_located(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: [1, 2\nb: 3\n", encoding="utf-8")
    document, findings = load_document(path, "rules/x.yaml")
    assert document is None
    assert [f.location for f in findings] == ["rules/x.yaml:2:2"]
    assert findings[0].code == "E101"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: \xff\xfe\n")
    document, findings = load_document(path, "rules/x.yaml")
    assert document is None
    assert findings[0].message == "file is not UTF-8 text (invalid start byte)"


def test_impossible_dates(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("when: 2026-02-30\n", encoding="utf-8")
    document, findings = load_document(path, "rules/x.yaml")
    assert document is None
    assert findings[0].message == "YAML value error: day is out of range for month"
