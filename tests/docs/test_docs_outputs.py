"""Every printed output shown in README.md and docs/ is what the code prints (the convention is in checker.py).

One test per page; a failure names the page, the line of the block and the difference. To see every
difference at once: ``PYTHONPATH=src python tests/docs/checker.py [PAGE ...]``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .checker import PAGES, ROOT, Block, Session, check_page, parse_page, unchecked

IDS = [str(p.relative_to(ROOT)) for p in PAGES]


@pytest.fixture(scope="session")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    """The one small demo store of the docs, made once."""
    return Session(tmp_path_factory.mktemp("docs-session"))


def check_text(text: str, session: Session, workdir: Path, name: str = "page.md") -> list[str]:
    page = parse_page(text, ROOT / "docs" / name)
    return [str(p) for p in check_page(page, session, workdir)]


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_every_shown_output_is_what_the_code_prints(
    path: Path, session: Session, tmp_path: Path
) -> None:
    page = parse_page(path.read_text(encoding="utf-8"), path)
    problems = check_page(page, session, tmp_path)
    assert not problems, "\n\n".join(str(p) for p in problems)


def test_the_docs_show_outputs_and_check_most_of_them() -> None:
    outputs = [
        (path, block)
        for path in PAGES
        for block in parse_page(path.read_text(encoding="utf-8"), path).blocks
        if block.is_output or block.is_doctest
    ]
    assert len(outputs) >= 40
    skipped = [entry for entry in unchecked() if entry[2].startswith("skip: ")]
    assert all(len(reason) > len("skip: ") + 10 for _, _, reason in skipped), skipped
    assert len(skipped) <= 6, skipped


def test_an_edited_output_fails_and_names_the_page_and_block(
    session: Session, tmp_path: Path
) -> None:
    good = "# A page\n\n```python\nprint(6 * 7)\n```\n\n```text\n42\n```\n"
    assert check_text(good, session, tmp_path) == []
    problems = check_text(good.replace("42", "43"), session, tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith("docs/page.md:7: text block: the shown output differs")
    assert "-43\n+42" in problems[0]


def test_an_output_shown_without_a_check_fails(session: Session, tmp_path: Path) -> None:
    page = "Some prose.\n\n```text\nsweep 2025-04-07: 14 actions in 14 folders\n```\n"
    (problem,) = check_text(page, session, tmp_path)
    assert problem.startswith("docs/page.md:3: text block: an output shown with no check")
    marked = "<!-- docs-check: skip it needs a network connection -->\n" + page
    assert check_text(marked, session, tmp_path) == []
    unreasoned = "<!-- docs-check: skip -->\n" + page
    assert "without a reason" in check_text(unreasoned, session, tmp_path)[0]


def test_a_result_in_a_comment_fails_and_a_doctest_is_run(session: Session, tmp_path: Path) -> None:
    commented = "```python\nx = 6 * 7\nx          # 42\n```\n"
    (problem,) = check_text(commented, session, tmp_path)
    assert "a result shown in a comment" in problem
    assert check_text("```python\n>>> 6 * 7\n42\n```\n", session, tmp_path) == []
    (failure,) = check_text("```python\n>>> 6 * 7\n43\n```\n", session, tmp_path)
    assert "a >>> example fails" in failure


def test_a_transcript_runs_werkmap_and_python(session: Session, tmp_path: Path) -> None:
    script = tmp_path / "hello.py"
    script.write_text("import sys\nprint('hello', sys.argv[1])\n", encoding="utf-8")
    page = (
        "```console\n$ python hello.py world\nhello world\n"
        "$ werkmap bands --jobseekers 200 --seed 3 \\\n    --format json   # a comment\n"
        '{"data": ..."werkmap": ...}\n```\n'
    )
    assert check_text(page, session, tmp_path) == []
    (problem,) = check_text(page.replace("hello world", "hello there"), session, tmp_path)
    assert "$ python hello.py world: the shown output differs" in problem


def test_hidden_code_and_files(session: Session, tmp_path: Path) -> None:
    page = (
        "<!-- docs-check: file data/n.txt -->\n```text\n7\n```\n\n"
        "<!-- docs-check: python\nfrom pathlib import Path\nn = int(Path('data/n.txt').read_text())\nprint(n * 6)\n-->\n"
        "```text\n42\n```\n"
    )
    (problem,) = check_text(page, session, tmp_path)
    assert "docs/page.md:2: text block: an output shown with no check" in problem
    page = page.replace(
        "file data/n.txt -->", "file data/n.txt -->\n<!-- docs-check: not-output an input -->"
    )
    assert check_text(page, session, tmp_path) == []


def test_the_paths_of_the_working_directory_print_as_relative_ones(
    session: Session, tmp_path: Path
) -> None:
    page = "```python\nimport os\nprint(os.path.join(os.getcwd(), 'demo.db'))\n```\n\n```text\ndemo.db\n```\n"
    assert check_text(page, session, tmp_path) == []


def test_blocks_are_parsed_with_their_marks() -> None:
    page = parse_page(
        "<!-- docs-check: skip a reason -->\n  ```text\n  out\n  ```\n", ROOT / "docs" / "x.md"
    )
    assert page.blocks == [Block(2, "text", "out\n", False, {"skip": "a reason"})]
