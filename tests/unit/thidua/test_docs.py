"""The documents the code leans on are in the repository, and what cites them resolves."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CITATION = re.compile(r"docs/spec\.md §(\d+)")


def test_every_citation_of_the_spec_names_a_section_it_has() -> None:
    sections = set(re.findall(r"^## §(\d+) ", (ROOT / "docs" / "spec.md").read_text(), re.M))
    cited = {
        (str(path.relative_to(ROOT)), number)
        for folder in ("src", "tests", "bench", "docs")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".md", ".js", ".html"} and "node_modules" not in path.parts
        for number in CITATION.findall(path.read_text(encoding="utf-8", errors="replace"))
    }
    assert cited, "the code cites the spec"
    assert {(where, n) for where, n in cited if n not in sections} == set()


def test_the_readme_starts_with_the_two_commands_and_stays_short() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = readme.splitlines()
    assert len(lines) <= 150
    assert "make run" in "\n".join(lines[:6])
    assert "make test" in "\n".join(lines[:6])
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / link).exists(), link
