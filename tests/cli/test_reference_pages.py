"""The command-line reference and the exit-code page are made from the parsers and checked in current."""

from __future__ import annotations

from pathlib import Path

import yaml

from werkmap.cli import build_parser
from werkmap.cli_common import EXIT_CODES, exit_codes_markdown, reference_markdown

ROOT = Path(__file__).resolve().parents[2]
FIX = (
    'run: python -c "from werkmap.cli import build_parser; from werkmap.cli_common import '
    'write_reference_pages; write_reference_pages(build_parser())"'
)


def test_the_cli_reference_page_is_current():
    page = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    assert page == reference_markdown(build_parser()), FIX


def test_the_exit_code_page_is_current():
    page = (ROOT / "docs" / "reference" / "exit-codes.md").read_text(encoding="utf-8")
    assert page == exit_codes_markdown(), FIX


def test_the_reference_names_every_command_and_flag():
    page = reference_markdown(build_parser())
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        assert f"## werkmap {name}" in page
        for action in command._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help", "--json"):
                    assert f"`{flag}`" in page, (name, flag)
    assert [c.code for c in EXIT_CODES] == sorted(c.code for c in EXIT_CODES)


def test_the_navigation_starts_with_the_tutorial_and_lists_every_page():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = config["nav"]
    sections = [next(iter(entry)) for entry in nav]
    assert sections == ["Home", "Tutorial", "Concepts", "Guides", "Rules", "Reference", "Glossary"]

    def pages(entry):
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict):
            for value in entry.values():
                yield from pages(value)
        else:
            for item in entry:
                yield from pages(item)

    listed = set(pages(nav))
    on_disk = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")}
    assert on_disk - listed == set()
