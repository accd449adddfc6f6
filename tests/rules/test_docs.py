"""The rule pages in docs/rules/ are generated from the policy files and must be current."""

from __future__ import annotations

from pathlib import Path

from werkmap.rules import default_routing_table, load_policy
from werkmap.rules.docs import rule_pages
from werkmap.rules.due import RULE_IDS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"
REGENERATE = (
    'regenerate with: python -c "from werkmap.rules.docs import write_rule_pages; '
    "write_rule_pages('docs/rules')\""
)


def test_the_rule_pages_are_current():
    pages = rule_pages()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert sorted(on_disk) == sorted(pages), REGENERATE
    for name, text in pages.items():
        assert on_disk[name] == text, f"docs/rules/{name} is stale; {REGENERATE}"


def test_every_rule_and_every_parameter_value_is_on_a_page():
    pages = rule_pages()
    ids = [r.id for r in default_routing_table().rules] + list(RULE_IDS.values())
    for rule_id in ids:
        assert f"{rule_id}.md" in pages
    text = "\n".join(pages.values())
    for name, parameter in load_policy().parameters.items():
        assert f"`{name}`" in text, name
        for period in parameter.values:
            assert f"| {period.valid_from.isoformat()} |" in text
    assert "| 2018-05-01 | - | 12 | `2018-05-01-pension-exemption.toml` |" in text
