"""Every output shown in the docs is what the code prints: the one checker of README.md and docs/**.md.

Run it as a script to see every difference (``PYTHONPATH=src python tests/docs/checker.py [PAGE ...]``);
``tests/docs/test_docs_outputs.py`` runs it for every page. The convention, in the page source:

**Output blocks.** A fenced ``text`` or ``console`` block is an output. It is checked in one of two ways:

* *a transcript*: lines starting with ``$ `` are commands, the lines after one (up to the next ``$``) are
  what it prints. ``werkmap ...`` runs :func:`werkmap.cli.main` in this process, ``python FILE ...`` runs
  the file with this Python. A relative path argument that is not in the page's directory but is in the
  repository (``src/werkmap/...``, ``examples/...``) is taken from the repository root.
  What a command prints is its standard output followed by its standard error. A command followed
  directly by another ``$`` line runs but its output is not compared. A long command may continue on the
  next line after ``\\``; ``# ...`` after a command is a comment. A block of commands with no output
  shown is not run.
* *the output of the code before it*: the ``python`` block just before the output block (visible, or
  hidden in a ``<!-- docs-check: python ... -->`` comment) is run, and what it prints is compared.

A ``python`` block with ``>>>`` prompts is run with :mod:`doctest` (``ELLIPSIS``). A result written as a
comment after code (``x.rule_id  # 'R-ROUTE-06'``, ``# prints: ok``) is refused: write it as a ``>>>``
example, or mark the block.

**Directives** are HTML comments (invisible on the site) just before the block they are about:

* ``<!-- docs-check: python`` (then code lines, then ``-->``): hidden code, run in the page's session (the
  set-up of the visible examples, or the producer of the output block after it);
* ``<!-- docs-check: run -->``: run the next visible ``python`` block although no output follows it (its
  names are used later); ``<!-- docs-check: run-all -->`` anywhere on a page runs every ``python`` block;
* ``<!-- docs-check: file NAME -->``: write the next block's text to ``NAME`` in the page's directory;
* ``<!-- docs-check: not-output REASON -->``: the next ``text`` block is not an output (an input, a formula);
* ``<!-- docs-check: skip REASON -->``: the next block shows an output that is **not** checked, for the
  reason given (it needs a network, a tool werkmap does not install, an hour of computing);
* ``<!-- docs-check: elsewhere TEST_FILE -->``: the next block is checked by that test, which names the page.

**Normalisation.** Trailing spaces of every line and blank lines at the start and end are ignored; ``...``
in a shown output stands for any text (doctest's ``ELLIPSIS``, also across lines); the page's working
directory (and the repository root) is removed from what is printed, so a path in it prints as a
relative one. Nothing else: dates,
figures and column widths must be exactly what the code prints (a command is given ``--date`` where it
would read the clock; timings are shown as ``...``).

**The session.** Each page runs in its own empty directory, with one namespace for its Python code and
one small demo store, made once per test session by the command in :data:`DEMO_COMMAND`: a page with a
transcript gets copies of it under the names the docs use (``demo.db``, ``werkmap.db``, ``werkmap-demo.db``),
and hidden code can call ``demo_store()`` for its path (copy it before changing it).
"""

from __future__ import annotations

import contextlib
import difflib
import doctest
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
DEMO_COMMAND = "werkmap demo --jobseekers 100 --months 2 --db demo.db --language en"
STORE_NAMES = ("demo.db", "werkmap.db", "werkmap-demo.db")
OUTPUT_LANGS = ("text", "console")
KEYWORDS = ("python", "run", "run-all", "file", "not-output", "skip", "elsewhere")
HOW_TO_SEE = "see every difference with: PYTHONPATH=src python tests/docs/checker.py"
_FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
_DIRECTIVE = re.compile(r"^\s*<!--\s*docs-check:\s*(\S+)\s*(.*?)\s*$")
# a result written as a comment: `expr  # 'value'`, `# 28`, `# {...}`, `# True`, `# prints: ...`, `# -> ...`
_RESULT_COMMENT = re.compile(
    r"""\S.*?\s#\s*(prints\b|->|→|=>|'|"|\{\s*['"\d}]|\[\s*['"\d\]]|-?\d+(\.\d+)?\s*$|True\b|False\b|None\b)"""
)


@dataclass
class Block:
    """A fenced block of a page, or a hidden ``docs-check: python`` block."""

    line: int  # 1-based line of the opening fence (or directive)
    lang: str
    body: str
    hidden: bool = False
    marks: dict[str, str] = field(default_factory=dict)  # directive keyword -> its argument

    @property
    def is_output(self) -> bool:
        """Whether the block shows an output."""
        return self.lang in OUTPUT_LANGS and "not-output" not in self.marks

    @property
    def is_transcript(self) -> bool:
        """Whether the block is a transcript of commands (``$ ...`` lines)."""
        return any(line.startswith("$ ") for line in self.body.splitlines())

    @property
    def is_doctest(self) -> bool:
        """Whether the block is a ``>>>`` example."""
        return self.lang in ("python", "pycon") and any(
            line.lstrip().startswith(">>> ") for line in self.body.splitlines()
        )


@dataclass
class Page:
    """The blocks of one page and its page-level directives."""

    path: Path
    blocks: list[Block]
    run_all: bool

    @property
    def name(self) -> str:
        """The page's path from the repository root."""
        return (
            str(self.path.relative_to(ROOT)) if self.path.is_relative_to(ROOT) else str(self.path)
        )


@dataclass
class Problem:
    """One block whose shown output is not what the code prints (or that is shown without a check)."""

    page: str
    block: Block
    message: str
    shown: str = ""
    printed: str = ""

    def __str__(self) -> str:
        head = f"{self.page}:{self.block.line}: {self.block.lang} block: {self.message}"
        if not (self.shown or self.printed):
            return head
        diff = difflib.unified_diff(
            self.shown.splitlines(),
            self.printed.splitlines(),
            "shown in the page",
            "printed by the code",
            lineterm="",
        )
        return head + "\n" + "\n".join(diff)


def parse_page(text: str, path: Path) -> Page:
    """Split a markdown page into its blocks, with the directives that precede each."""
    lines = text.splitlines()
    blocks: list[Block] = []
    pending: dict[str, str] = {}
    run_all = False
    i = 0
    while i < len(lines):
        line = lines[i]
        directive = _DIRECTIVE.match(line)
        if directive:
            keyword, rest = directive.group(1), directive.group(2)
            if keyword not in KEYWORDS:
                raise ValueError(f"{path}:{i + 1}: unknown docs-check directive {keyword!r}")
            if keyword == "python":
                start, code = i + 1, []
                i += 1
                while i < len(lines) and lines[i].strip() != "-->":
                    code.append(lines[i])
                    i += 1
                blocks.append(Block(start, "python", "\n".join(code) + "\n", True, pending))
                pending = {}
            else:
                rest = rest.removesuffix("-->").strip()
                if keyword == "run-all":
                    run_all = True
                else:
                    pending[keyword] = rest
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence:
            indent, lang = fence.group(1), fence.group(2)
            start, body = i + 1, []
            i += 1
            while i < len(lines) and not re.match(rf"^{indent}```\s*$", lines[i]):
                body.append(lines[i].removeprefix(indent))
                i += 1
            blocks.append(Block(start, lang or "-", "\n".join(body) + "\n", False, pending))
            pending = {}
        i += 1
    return Page(path, blocks, run_all)


def normalise(text: str, workdir: Path | None = None) -> str:
    """Trailing spaces and outer blank lines dropped; the working directory removed from paths."""
    if workdir is not None:
        for form in {str(workdir), str(workdir.resolve())}:
            text = text.replace(form + os.sep, "").replace(form, ".")
        text = text.replace(str(ROOT) + os.sep, "")
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines()).strip("\n")


def matches(shown: str, printed: str) -> bool:
    """Whether ``printed`` is what ``shown`` shows (``...`` stands for any text)."""
    checker = doctest.OutputChecker()
    return checker.check_output(shown + "\n", printed + "\n", doctest.ELLIPSIS)


class Session:
    """Shared by all pages of a run: the small demo store, made once."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._demo: tuple[Path, str] | None = None

    def demo(self) -> tuple[Path, str]:
        """The demo store of :data:`DEMO_COMMAND` and what the command printed."""
        if self._demo is None:
            where = self.base / "demo-store"
            where.mkdir(parents=True, exist_ok=True)
            printed = run_command(DEMO_COMMAND, where)
            self._demo = (where / "demo.db", printed)
        return self._demo

    def prepare(self, workdir: Path) -> None:
        """Put copies of the demo store in ``workdir`` under the names the docs use."""
        store, _ = self.demo()
        for name in STORE_NAMES:
            shutil.copyfile(store, workdir / name)


@contextlib.contextmanager
def _in_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_command(command: str, workdir: Path, session: Session | None = None) -> str:
    """Run one transcript command in ``workdir``; return its stdout followed by its stderr."""
    argv = [_repository_path(a, workdir) for a in shlex.split(command, comments=True)]
    if argv and argv[0] == "werkmap":
        if session is not None and command.strip() == DEMO_COMMAND:
            store, printed = session.demo()
            shutil.copyfile(store, workdir / "demo.db")
            return printed
        from werkmap.cli import main

        out, err = io.StringIO(), io.StringIO()
        with (
            _in_directory(workdir),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            contextlib.suppress(SystemExit),  # argparse refusing arguments
        ):
            main(argv[1:])
        return out.getvalue() + err.getvalue()
    if argv and argv[0] == "python":
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        )
        done = subprocess.run(
            [sys.executable, *argv[1:]],
            cwd=workdir,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        return done.stdout + done.stderr
    raise ValueError(f"no way to run {command!r}: only werkmap and python commands are run")


def _repository_path(argument: str, workdir: Path) -> str:
    """A relative path that is not in the page's directory but is in the repository, made absolute."""
    if argument.startswith("-") or os.path.isabs(argument) or "/" not in argument:
        return argument
    if not (workdir / argument).exists() and (ROOT / argument).exists():
        return str(ROOT / argument)
    return argument


def transcript(body: str) -> list[tuple[str, str | None]]:
    """The ``(command, shown output or None)`` pairs of a transcript block."""
    pairs: list[tuple[str, list[str] | None]] = []
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            pairs.append((command, None))
        elif pairs:
            command, shown = pairs[-1]
            pairs[-1] = (command, [*(shown or []), line])
        i += 1
    return [(c, None if s is None else "\n".join(s)) for c, s in pairs]


def _exec(code: str, name: str, namespace: dict[str, object]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, name, "exec"), namespace)
    return out.getvalue()


def _doctest(block: Block, page: Page, namespace: dict[str, object]) -> str:
    """Run a ``>>>`` block in the page's namespace; return the failure report ('' when all pass)."""
    name = f"{page.name}:{block.line}"
    test = doctest.DocTestParser().get_doctest(block.body, namespace, name, page.name, block.line)
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=report.write, clear_globs=False)
    namespace.update(test.globs)  # the names it defined are there for the blocks after it
    return report.getvalue() if runner.failures else ""


def unmarked_result_comments(block: Block) -> list[str]:
    """Lines of a code block that show a result in a comment (``x  # 28``) rather than as an output."""
    if (
        block.is_output
        or block.is_doctest
        or block.lang in ("toml", "ini", "cron", "mermaid", "sql")
    ):
        return []
    return [line for line in block.body.splitlines() if _RESULT_COMMENT.search(line)]


def check_page(page: Page, session: Session, workdir: Path) -> list[Problem]:
    """Run a page's examples in ``workdir`` and return every block whose output is not what is printed."""
    problems: list[Problem] = []
    blocks = page.blocks
    needs_store = any(
        b.is_output and not b.marks and any(shown is not None for _, shown in transcript(b.body))
        for b in blocks
    )
    if needs_store:
        session.prepare(workdir)
    namespace: dict[str, object] = {"__name__": "__docs__", "demo_store": lambda: session.demo()[0]}
    printed_by: dict[int, str] = {}  # index of an output block -> what its producer printed
    with _in_directory(workdir):
        for index, block in enumerate(blocks):
            nxt = blocks[index + 1] if index + 1 < len(blocks) else None
            if "file" in block.marks:
                target = workdir / block.marks["file"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block.body, encoding="utf-8")
            if "skip" in block.marks or "elsewhere" in block.marks:
                problems += _check_marks(page, block)
                continue
            comments = unmarked_result_comments(block)
            if comments:
                problems.append(
                    Problem(
                        page.name,
                        block,
                        f"a result shown in a comment, not checked: {comments[0]!r}; "
                        "write it as a >>> example (or mark the block docs-check: skip REASON)",
                    )
                )
            if block.lang in ("python", "pycon"):
                produces = (
                    nxt is not None and nxt.is_output and not nxt.is_transcript and not nxt.marks
                )
                if block.is_doctest:
                    failure = _doctest(block, page, namespace)
                    if failure:
                        problems.append(
                            Problem(page.name, block, "a >>> example fails:\n" + failure)
                        )
                    continue
                if not (block.hidden or produces or page.run_all or "run" in block.marks):
                    continue
                try:
                    printed = _exec(block.body, f"{page.name}:{block.line}", namespace)
                except Exception:
                    problems.append(
                        Problem(page.name, block, "the code fails:\n" + traceback.format_exc())
                    )
                    return problems  # what follows depends on it
                if produces:
                    printed_by[index + 1] = printed
                continue
            if not block.is_output:
                continue
            if block.is_transcript:
                pairs = transcript(block.body)
                if all(shown is None for _, shown in pairs):
                    continue  # commands only: nothing shown, nothing to check
                for command, shown in pairs:
                    try:
                        printed = run_command(command, workdir, session)
                    except Exception:
                        problems.append(
                            Problem(
                                page.name, block, f"$ {command} fails:\n" + traceback.format_exc()
                            )
                        )
                        continue
                    if shown is not None:
                        _compare(problems, page, block, shown, printed, workdir, f"$ {command}: ")
                continue
            if index in printed_by:
                _compare(problems, page, block, block.body, printed_by[index], workdir, "")
                continue
            problems.append(
                Problem(
                    page.name,
                    block,
                    "an output shown with no check: put the code that prints it just "
                    "before it (a python block or a hidden docs-check: python block), make it a $ "
                    "transcript, or mark it docs-check: skip/elsewhere/not-output REASON",
                )
            )
    return problems


def _compare(
    problems: list[Problem],
    page: Page,
    block: Block,
    shown: str,
    printed: str,
    workdir: Path,
    what: str,
) -> None:
    shown_n, printed_n = normalise(shown), normalise(printed, workdir)
    if not matches(shown_n, printed_n):
        problems.append(
            Problem(
                page.name,
                block,
                f"{what}the shown output differs from what the code prints "
                f"({HOW_TO_SEE} {page.name})",
                shown_n,
                printed_n,
            )
        )


def _check_marks(page: Page, block: Block) -> list[Problem]:
    """A skip needs a reason; an ``elsewhere`` test must exist and name the page."""
    if "skip" in block.marks and not block.marks["skip"]:
        return [Problem(page.name, block, "docs-check: skip without a reason")]
    if "elsewhere" in block.marks:
        test = ROOT / block.marks["elsewhere"]
        if not test.is_file():
            return [Problem(page.name, block, f"docs-check: elsewhere names no test file: {test}")]
        stem = page.path.name
        if stem not in test.read_text(encoding="utf-8"):
            return [Problem(page.name, block, f"{block.marks['elsewhere']} does not name {stem}")]
    return []


def unchecked(pages: list[Path] = PAGES) -> list[tuple[str, int, str]]:
    """Every block shown without a check here: ``(page, line, reason)`` (``skip`` and ``elsewhere``)."""
    found = []
    for path in pages:
        page = parse_page(path.read_text(encoding="utf-8"), path)
        for block in page.blocks:
            if "skip" in block.marks:
                found.append((page.name, block.line, "skip: " + block.marks["skip"]))
            elif "elsewhere" in block.marks:
                found.append((page.name, block.line, "checked by " + block.marks["elsewhere"]))
    return found


def check_paths(paths: list[Path], base: Path) -> list[Problem]:
    """Check the pages at ``paths`` (a working directory per page under ``base``)."""
    session = Session(base)
    problems: list[Problem] = []
    for n, path in enumerate(paths):
        workdir = base / f"page-{n}"
        workdir.mkdir()
        page = parse_page(path.read_text(encoding="utf-8"), path)
        problems += check_page(page, session, workdir)
    return problems


def main(argv: list[str]) -> int:
    """Check the pages named (default: all) and print every difference; exit 1 when any."""
    paths = [Path(a).resolve() for a in argv] or PAGES
    with tempfile.TemporaryDirectory(prefix="docs-check-") as base:
        problems = check_paths(paths, Path(base))
    for problem in problems:
        print(problem, end="\n\n")
    for page, line, reason in unchecked([p for p in paths if p in PAGES] or paths):
        print(f"not checked here: {page}:{line}: {reason}")
    print(f"{len(problems)} block(s) differ in {len(paths)} page(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main(sys.argv[1:]))
