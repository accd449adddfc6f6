"""What every ``werkmap`` command shares: output formats, the JSON envelope, stores, files, exit codes.

A command module (``werkmap.cli_<name>``) builds its sub-parser with the ``add_*_argument`` helpers and
prints its result with :func:`emit`, so that every command reads the same flags and prints the same shapes:

- ``--format text|json|csv`` (:func:`add_format_argument`; a command may add its own formats, such as
  ``html`` or ``fhir``); JSON is always one object ``{"werkmap": VERSION, "kind": COMMAND, "data": ...}``
  (:func:`envelope`); CSV is one table with a header row.
- ``--language nl|en``, default :data:`DEFAULT_LANGUAGE` (:func:`add_language_argument`).
- ``--db STORE``: a path to a SQLite file or a store URL (``sqlite:///path``, ``memory://``,
  ``postgresql://...``), turned into a URL by :func:`store_url` and opened by :func:`open_service`.
- ``--force``: writing over an existing file (:func:`add_force_argument`, :func:`check_output`).
- ``-v``/``-q``: more or less logging on stderr (:func:`add_verbosity_arguments`, :func:`logging_to_stderr`).

Exit codes are :data:`EXIT_CODES` (documented in ``docs/reference/exit-codes.md``): 0 ok, 1 a check found
problems (or the work was done with failures that need attention), 2 bad input or usage, 70 an internal error
(a bug), 130 interrupted (Ctrl-C). Bad input never shows a traceback: :func:`run_command` turns every
:class:`~werkmap.errors.InvalidInput` into one message on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import json
import logging
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from werkmap._version import __version__
from werkmap.errors import InvalidInput, Problem, WerkmapError

if TYPE_CHECKING:
    from werkmap.clock import Clock
    from werkmap.plan.folder import WorkFolder
    from werkmap.profiler.model import ScoringModel
    from werkmap.service import Actor, Werkmap
    from werkmap.storage.protocol import Store

__all__ = [
    "DEFAULT_LANGUAGE",
    "EXIT_CODES",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "FORMATS",
    "LANGUAGES",
    "TODAY_VARIABLE",
    "ExitCode",
    "add_db_argument",
    "add_force_argument",
    "add_format_argument",
    "add_language_argument",
    "add_verbosity_arguments",
    "check_output",
    "children_ignore_ctrl_c",
    "cli_clock",
    "csv_text",
    "emit",
    "end_progress",
    "envelope",
    "existing_store_url",
    "exit_codes_markdown",
    "logging_to_stderr",
    "note_quarantined",
    "open_cli_store",
    "open_service",
    "progress_bar",
    "read_folders",
    "read_text_file",
    "reference_markdown",
    "run_command",
    "showing_progress",
    "sqlite_path",
    "store_url",
    "unwrap_envelope",
    "write_files",
    "write_reference_pages",
]

FORMATS = ("text", "json", "csv")
"""The output formats every command accepts."""

LANGUAGES = ("nl", "en")
"""The languages of printed texts."""

DEFAULT_LANGUAGE = "nl"
"""The language every command prints in unless ``--language`` says otherwise."""

TODAY_VARIABLE = "WERKMAP_TODAY"
"""An environment variable that, set to ``YYYY-MM-DD``, is "today" for the command line (for tests and for
re-running a day); unset, today is the wall-clock date in Europe/Amsterdam."""


@attrs.frozen(kw_only=True)
class ExitCode:
    """One exit code of the command line and what it means.

    Attributes:
        code: the number.
        name: a short name.
        en: what it means, in English.
        nl: what it means, in Dutch.
    """

    code: int
    name: str
    en: str
    nl: str


EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130

EXIT_CODES: tuple[ExitCode, ...] = (
    ExitCode(
        code=EXIT_OK,
        name="ok",
        en="the command did what was asked; a check found nothing wrong",
        nl="de opdracht is uitgevoerd; een controle vond niets mis",
    ),
    ExitCode(
        code=EXIT_PROBLEMS,
        name="problems",
        en="the command ran, but found or left problems that need attention: replay mismatches, "
        "notifications that failed to deliver, sweep actions a folder refused, a model that cannot be "
        "fitted, a report of another model, a version mismatch, a store that cannot be used",
        nl="de opdracht is uitgevoerd, maar vond of liet problemen die aandacht vragen: verschillen bij "
        "replay, berichten die niet bezorgd konden worden, acties die een map weigerde, een model dat niet "
        "te schatten is, een rapport van een ander model, een versie die niet past, een opslag die niet "
        "bruikbaar is",
    ),
    ExitCode(
        code=EXIT_USAGE,
        name="bad input",
        en="bad input or usage: an unknown flag, a bad value, a file that cannot be read or is not what "
        "was expected, an output file that exists (without --force) or cannot be written; every problem "
        "is on stderr and nothing was changed",
        nl="verkeerde invoer of aanroep: een onbekende optie, een verkeerde waarde, een bestand dat niet te "
        "lezen is of niet is wat verwacht werd, een uitvoerbestand dat al bestaat (zonder --force) of niet "
        "te schrijven is; elk probleem staat op stderr en er is niets veranderd",
    ),
    ExitCode(
        code=EXIT_INTERNAL,
        name="internal error",
        en="a bug in werkmap: the traceback is on stderr; please report it",
        nl="een fout in werkmap zelf: de traceback staat op stderr; meld deze alstublieft",
    ),
    ExitCode(
        code=EXIT_INTERRUPTED,
        name="interrupted",
        en="stopped by Ctrl-C (SIGINT); work that was committed stays, nothing is half-written",
        nl="gestopt met Ctrl-C (SIGINT); wat al vastgelegd was blijft, niets is half geschreven",
    ),
)
"""Every exit code of the command line (the page ``docs/reference/exit-codes.md`` is made from it)."""

_log = logging.getLogger("werkmap.cli")


# ------------------------------------------------------------------------------------- arguments


class _DeprecatedJson(argparse.Action):
    """The old ``--json`` flag: the same as ``--format json``, with a note on stderr."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.pop("nargs", None)
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(
            f"werkmap: {option_string} is deprecated and will be removed in the next release; "
            "use --format json",
            file=sys.stderr,
        )
        setattr(namespace, self.dest, "json")


def add_format_argument(
    parser: argparse.ArgumentParser,
    *,
    extra: Sequence[str] = (),
    legacy_json: bool = False,
    help_text: str = "",
) -> None:
    """Add ``--format text|json|csv`` (and the ``extra`` formats) to a command; the value is ``args.format``.

    Args:
        parser: the command's parser.
        extra: formats this command prints besides text, JSON and CSV (``"html"``, ``"fhir"``).
        legacy_json: also accept the old ``--json`` flag (hidden, deprecated: a note on stderr).
        help_text: what the formats print, appended to the help.
    """
    choices = (*FORMATS, *extra)
    parser.add_argument(
        "--format",
        choices=choices,
        default="text",
        help=f"default: text{'; ' + help_text if help_text else ''}",
    )
    if legacy_json:
        parser.add_argument("--json", dest="format", action=_DeprecatedJson, help=argparse.SUPPRESS)


def add_language_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--language nl|en`` (default :data:`DEFAULT_LANGUAGE`); the value is ``args.language``."""
    parser.add_argument(
        "--language", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="default: nl"
    )


def add_db_argument(
    parser: argparse.ArgumentParser, *, required: bool = True, default: str | None = None
) -> None:
    """Add ``--db STORE``: a SQLite file path or a store URL; ``args.db`` is the text as given.

    Open it with :func:`open_service` (or turn it into a URL with :func:`store_url`).
    """
    parser.add_argument(
        "--db",
        required=required and default is None,
        default=default,
        metavar="STORE",
        help="the store: a SQLite file path or a URL (sqlite:///PATH, memory://, postgresql://...)"
        + (f" (default: {default})" if default else ""),
    )


def add_force_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--force``: write over output files that exist (without it they are refused, exit 2)."""
    parser.add_argument(
        "--force", action="store_true", help="write over output files that already exist"
    )


def add_verbosity_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``-v``/``--verbose`` and ``-q``/``--quiet`` to the top-level parser (counts, default 0)."""
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log what happens on stderr (-vv: more)"
    )
    parser.add_argument(
        "-q", "--quiet", action="count", default=0, help="only errors on stderr (no progress)"
    )


@contextlib.contextmanager
def children_ignore_ctrl_c() -> Iterator[None]:
    """While the block starts child processes, ignore Ctrl-C here, so that the children ignore it too.

    An ignored signal stays ignored in a spawned interpreter: the parent alone answers Ctrl-C (one line,
    exit code 130, no traceback from a child) and stops or leaves its children as it sees fit. The
    parent's own handling is back when the block ends.
    """
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def logging_to_stderr(verbose: int = 0, quiet: int = 0) -> Iterator[None]:
    """While the block runs, send the ``werkmap`` loggers to stderr, then put them back as they were.

    WARNING and above by default, INFO with ``-v``, DEBUG with ``-vv``, errors only with ``-q``. Only the
    command line does this: the library itself adds no handler (just a ``NullHandler``).
    """
    level = logging.WARNING
    if quiet:
        level = logging.ERROR
    elif verbose == 1:
        level = logging.INFO
    elif verbose >= 2:
        level = logging.DEBUG
    logger = logging.getLogger("werkmap")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("werkmap: %(levelname)s %(name)s: %(message)s"))
    before = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)


# ------------------------------------------------------------------------------------- output


def envelope(kind: str, data: object) -> dict[str, object]:
    """Return the JSON object every command prints: ``{"werkmap": VERSION, "kind": kind, "data": data}``.

    Examples:
        >>> sorted(envelope("sweep", {"on": "2025-03-03"}))
        ['data', 'kind', 'werkmap']
    """
    return {"werkmap": __version__, "kind": kind, "data": data}


def unwrap_envelope(text: str) -> str:
    """Return the ``data`` of a command-line JSON envelope as JSON text, or ``text`` when it is not one.

    So a questionnaire or a model printed with ``--format json`` can be read back as a file.

    Examples:
        >>> unwrap_envelope('{"werkmap": "1", "kind": "x", "data": {"a": 1}}')
        '{"a": 1}'
        >>> unwrap_envelope("[1]")
        '[1]'
    """
    if not text.lstrip().startswith("{"):
        return text
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        return text
    if isinstance(doc, dict) and set(doc) == {"werkmap", "kind", "data"}:
        return json.dumps(doc["data"], ensure_ascii=False)
    return text


def csv_text(rows: Sequence[Mapping[str, object]], columns: Sequence[str] | None = None) -> str:
    r"""Return ``rows`` as CSV text with a header row (the keys of the first row, or ``columns``).

    ``None`` is an empty cell; booleans are ``true``/``false``; sequences are joined with ``;``.

    Examples:
        >>> csv_text([{"a": 1, "b": None}, {"a": 2, "b": True}])
        'a,b\r\n1,\r\n2,true\r\n'
    """
    header = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in header])
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def emit(
    args: argparse.Namespace,
    kind: str,
    data: object | Callable[[], object],
    *,
    text: str | Callable[[], str],
    rows: Sequence[Mapping[str, object]]
    | Callable[[], Sequence[Mapping[str, object]]]
    | None = None,
    csv: str | Callable[[], str] | None = None,
    columns: Sequence[str] | None = None,
) -> None:
    """Print a command's result on stdout in ``args.format``.

    Args:
        args: the parsed arguments (``args.format``: ``text``, ``json`` or ``csv``).
        kind: the ``kind`` of the JSON envelope: the command's full name, such as ``"sweep"`` or
            ``"catalogue lint"``.
        data: what ``--format json`` puts in the envelope's ``data`` (JSON-ready values), or a function
            returning it (called only for JSON).
        text: what ``--format text`` prints (or a function returning it).
        rows: the rows ``--format csv`` prints (or a function returning them).
        csv: CSV text to print as it is instead of ``rows``.
        columns: the CSV columns (default: the keys of the first row).

    Raises:
        InvalidInput: ``--format csv`` for a command that has no table.
    """
    fmt = getattr(args, "format", "text")
    if fmt == "json":
        value = data() if callable(data) else data
        print(json.dumps(envelope(kind, value), ensure_ascii=False, sort_keys=True))
    elif fmt == "csv":
        if csv is not None:
            sys.stdout.write(csv() if callable(csv) else csv)
        elif rows is not None:
            sys.stdout.write(csv_text(rows() if callable(rows) else rows, columns))
        else:
            raise InvalidInput([Problem(path="--format", message=f"{kind} has no CSV table")])
    else:
        body = text() if callable(text) else text
        sys.stdout.write(body if body.endswith("\n") or not body else body + "\n")


def progress_bar(label: str = "", *, quiet: bool = False) -> Callable[[int, int], None] | None:
    """Return a progress callback ``(done, total)`` drawing a bar on stderr, or ``None``.

    ``None`` when stderr is not a terminal or ``quiet`` is set, so logs and pipes never get it. Call
    :func:`end_progress` after the last step (it ends the line).
    """
    if quiet or not sys.stderr.isatty():
        return None
    from werkmap.progress import progress

    return progress(0, sys.stderr, unit=label)


def end_progress(bar: Callable[[int, int], None] | None) -> None:
    """End the line of a progress bar from :func:`progress_bar` (nothing when there is none)."""
    close = getattr(bar, "close", None)
    if close is not None:
        close()


@contextlib.contextmanager
def showing_progress(
    args: argparse.Namespace, label: str
) -> Iterator[Callable[[int, int], None] | None]:
    """A :func:`progress_bar` for a command's long work (none with ``-q`` or off a terminal), ended after."""
    bar = progress_bar(label, quiet=bool(getattr(args, "quiet", 0)))
    try:
        yield bar
    finally:
        end_progress(bar)


def read_folders(wm: Werkmap, actor: Actor, args: argparse.Namespace) -> list[WorkFolder]:
    """Every readable folder ``actor`` may read, for a command that shows figures only.

    The folders are not audited one by one (no personal data is shown; see :meth:`Werkmap.all_folders`);
    a progress bar is shown on a terminal; the folders that cannot be read are named on stderr.
    """
    from werkmap.progress import tracked

    folders = wm._folders(actor, audited=False)
    with showing_progress(args, "folders") as bar:
        total = len(wm.store.index_columns().folder_id) if bar is not None else 0
        out = list(tracked(folders, bar, total))
    note_quarantined(folders.quarantined, getattr(args, "language", DEFAULT_LANGUAGE))
    return out


# ------------------------------------------------------------------------------------- files


def read_text_file(path: str, *, flag: str = "", envelope_ok: bool = False) -> str:
    """Read a UTF-8 text file named on the command line; anything else is bad input naming the file.

    A missing or unreadable file, a directory, a binary file, a UTF-16 or UTF-32 file and bytes that are not
    UTF-8 are each refused with one problem that says what the file is and what to do. A UTF-8 byte-order
    mark is dropped. With ``envelope_ok``, a command-line JSON envelope is unwrapped (:func:`unwrap_envelope`).

    Raises:
        InvalidInput: the file cannot be used as text.
    """
    where = f"{flag} {path}".strip() if flag else path

    def refuse(message: str) -> InvalidInput:
        return InvalidInput([Problem(path=where, message=message)])

    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise refuse("is a directory, not a file") from None
    except OSError as exc:
        raise refuse(f"cannot read the file: {exc.strerror or exc}") from None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (
        b"\x00\x00\xfe\xff",
        b"\xff\xfe\x00\x00",
    ):
        raise refuse("is UTF-16 or UTF-32 encoded; save it as UTF-8 and try again")
    if b"\x00" in data[:8192]:
        raise refuse("is a binary file, not UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise refuse(
            f"is not UTF-8 text (byte {exc.start + 1}, line {line}); save it as UTF-8 and try again"
        ) from None
    return unwrap_envelope(text) if envelope_ok else text


def check_output(path: str, *, flag: str, force: bool = False) -> Path:
    """Check that ``path`` can be written, before anything is written; return it as a :class:`Path`.

    Refused: a directory, a file in a folder that does not exist or is not a folder, an existing file
    without ``force``, and the standard streams' names. Call it for every output of a command before the
    command writes the first one, so that a refusal leaves nothing half-written.

    Raises:
        InvalidInput: the path cannot be written (naming ``flag`` and the path).
    """
    target = Path(path)
    where = f"{flag} {path}"

    def refuse(message: str) -> InvalidInput:
        return InvalidInput([Problem(path=where, message=message)])

    if path in ("", "-"):
        raise refuse("expected a file name")
    if target.is_dir():
        raise refuse("is a directory; give a file name")
    parent = target.parent
    if not parent.exists():
        raise refuse(f"the folder {parent} does not exist")
    if not parent.is_dir():
        raise refuse(f"{parent} is not a folder")
    if not os.access(parent, os.W_OK):
        raise refuse(f"the folder {parent} is not writable")
    if target.exists() and not force:
        raise refuse("exists; use --force to write over it")
    return target


def write_files(files: Sequence[tuple[Path, str]]) -> None:
    """Write each ``(path, text)`` (UTF-8), all or nothing.

    Every text goes to a temporary file beside its path first, then each is renamed into place.

    A failure while writing (a full disk) or Ctrl-C leaves the old files (or none), never half of one and
    never one output without the others. Check the paths first with :func:`check_output`.
    """
    temps: list[tuple[str, Path]] = []
    try:
        for path, text in files:
            handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, path in temps:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


# ------------------------------------------------------------------------------------- stores and time


def store_url(text: str) -> str:
    """Return the store URL for a ``--db`` value: a URL as it is, a file path as ``sqlite:///ABSOLUTE``.

    Examples:
        >>> store_url("memory://")
        'memory://'
        >>> store_url("postgresql://app@db/werkmap")
        'postgresql://app@db/werkmap'
        >>> store_url("/tmp/w.db")
        'sqlite:////tmp/w.db'
    """
    from werkmap.storage.url import scheme_of

    if scheme_of(text):
        return text
    return f"sqlite:///{Path(text).resolve()}"


def sqlite_path(url: str, *, flag: str = "--db") -> Path | None:
    """Return the file of a ``sqlite://`` store URL (``None`` for another scheme or an in-memory SQLite).

    Raises:
        InvalidInput: a ``sqlite://`` URL that names no file.
    """
    from werkmap.errors import StorageError
    from werkmap.storage.sqlite import path_of_url
    from werkmap.storage.url import scheme_of

    if scheme_of(url) != "sqlite":
        return None
    try:
        path = path_of_url(url)
    except StorageError as exc:
        raise InvalidInput([Problem(path=flag, message=str(exc))]) from None
    return None if path == ":memory:" else Path(path)


def cli_clock(args: argparse.Namespace | None = None) -> Clock:
    """Return the clock the command line runs on.

    The clock given to :func:`werkmap.cli.main` (``args.clock``) if any; else a fixed clock at the date in
    :data:`TODAY_VARIABLE` if it is set; else :class:`~werkmap.clock.SystemClock` (Europe/Amsterdam).

    Raises:
        InvalidInput: :data:`TODAY_VARIABLE` is set to something that is not a date.
    """
    from werkmap.clock import FixedClock, SystemClock

    given = getattr(args, "clock", None) if args is not None else None
    if given is not None:
        return given  # type: ignore[no-any-return]
    today = os.environ.get(TODAY_VARIABLE, "").strip()
    if today:
        try:
            return FixedClock(dt.date.fromisoformat(today))
        except ValueError:
            raise InvalidInput(
                [Problem(path=TODAY_VARIABLE, message=f"expected a date YYYY-MM-DD, got {today!r}")]
            ) from None
    return SystemClock()


AUDIT_KEY_VARIABLE = "WERKMAP_AUDIT_KEY"
"""The environment variable holding the host's audit key for the command line (see the durability page)."""


def audit_key_from_environment() -> bytes | None:
    """Return the host's audit key from :data:`AUDIT_KEY_VARIABLE` (its UTF-8 bytes), or ``None``.

    The key is read from the environment only (never from a flag, which would show in the process list
    and the shell's history) and never printed.

    Raises:
        InvalidInput: the variable is set but shorter than 16 bytes.
    """
    text = os.environ.get(AUDIT_KEY_VARIABLE, "")
    if not text:
        return None
    key = text.encode("utf-8", "surrogateescape")
    if len(key) < 16:
        raise InvalidInput(
            [Problem(path=AUDIT_KEY_VARIABLE, message="expected a secret of at least 16 bytes")]
        )
    return key


def existing_store_url(db: str, *, flag: str = "--db") -> str:
    """Return the store URL of a ``--db`` value whose SQLite file must exist already.

    A command never makes an empty store by accident: a path (or ``sqlite:///`` URL) to no file is refused.

    Raises:
        InvalidInput: a SQLite file that does not exist or is a directory.
    """
    url = store_url(db)
    path = sqlite_path(url, flag=flag)
    if path is not None and not path.is_file():
        raise InvalidInput([Problem(path=flag, message=f"no store at {path}")])
    return url


def open_service(
    db: str,
    *,
    clock: Clock,
    flag: str = "--db",
    model: ScoringModel | None = None,
    **options: Any,
) -> Werkmap:
    """Open the :class:`~werkmap.service.Werkmap` service on the store named by a ``--db`` value.

    ``model`` is the live scoring model (default: the service's own, the packaged one); ``options`` go to
    :class:`~werkmap.service.Werkmap` as they are (``experiments=``).

    Raises:
        InvalidInput: a SQLite file that does not exist, is empty, is not a werkmap store, is corrupt or
            is from a newer werkmap (the file is left as it was), or a URL no plugin serves.
    """
    from werkmap.service import Werkmap

    url = existing_store_url(db, flag=flag)
    with _opening(db, url, flag):
        options.setdefault("audit_key", audit_key_from_environment())
        return Werkmap(url, clock=clock, model=model, **options)


def open_cli_store(db: str, *, flag: str = "--db") -> Store:
    """Open the :class:`~werkmap.storage.Store` named by a ``--db`` value (refused as :func:`open_service`).

    Raises:
        InvalidInput: as :func:`open_service`.
    """
    from werkmap.storage import open_store

    url = existing_store_url(db, flag=flag)
    with _opening(db, url, flag):
        return open_store(url)


@contextlib.contextmanager
def _opening(db: str, url: str, flag: str) -> Iterator[None]:
    """Turn a store that cannot be opened as given into :class:`InvalidInput` naming ``flag``."""
    from werkmap.errors import NoStorageProvider, StorageError
    from werkmap.storage.url import redact_url

    try:
        yield
    except NoStorageProvider as exc:
        raise InvalidInput(
            [Problem(path=flag, message=f"cannot open {redact_url(db)}: {exc}")]
        ) from None
    except StorageError as exc:
        if sqlite_path(url, flag=flag) is None:
            raise  # a server store that cannot be used: exit 1
        # a file that is not what was expected: bad input (exit 2), one message, the file unchanged
        raise InvalidInput([Problem(path=flag, message=str(exc))]) from None


# ------------------------------------------------------------------------------------- running


def run_command(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run one command's handler and turn what it raises into an exit code and one message on stderr.

    :class:`~werkmap.errors.InvalidInput` → 2; any other :class:`~werkmap.errors.WerkmapError` → 1;
    Ctrl-C → 130 (``werkmap: interrupted``); a closed stdout (``| head``) → 0; an operating-system error
    (disk full, permission) → 2 naming the file; anything else is a bug: its traceback and 70.
    """
    try:
        return handler(args)
    except InvalidInput as exc:
        print(f"werkmap: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except WerkmapError as exc:
        print(f"werkmap: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("werkmap: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        name = f" {exc.filename}" if exc.filename else ""
        print(f"werkmap:{name}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception:
        traceback.print_exc()
        print("werkmap: internal error (a bug in werkmap); please report it", file=sys.stderr)
        return EXIT_INTERNAL


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


# ------------------------------------------------------------------------------------- reference


def reference_markdown(parser: argparse.ArgumentParser) -> str:
    """Return the command-line reference page (markdown) made from ``parser`` and its sub-parsers.

    ``docs/reference/cli.md`` is this text (written by :func:`write_reference_pages`); a test checks that
    the checked-in page is current. The page is built from the parsers' actions, not from argparse's help
    text, so it is the same on every Python version.
    """
    lines = [
        "# Command-line reference",
        "",
        "<!-- Made from the argument parsers by werkmap.cli_common.write_reference_pages; "
        "do not edit by hand. -->",
        "",
        "Every command accepts `--format text|json|csv`; JSON is one object "
        '`{"werkmap": VERSION, "kind": COMMAND, "data": ...}` (a werkmap value that has a file form, such as a '
        'questionnaire or a profile, is in `data` in that form, `{"schema", "schema_version", '
        '"data"}`, so it can be read back), CSV one table with a header row. Commands '
        "that print texts print Dutch unless `--language en`. `--db STORE` takes a SQLite file path or a "
        "store URL (`sqlite:///relative.db`, `sqlite:////absolute.db`, `memory://`, `postgresql://...`). "
        "A command that writes a file refuses an existing one unless `--force`. `-v` (INFO) or `-vv` "
        "(DEBUG) logs what happens on stderr, `-q` only errors; they may come before or after the "
        "command. The exit codes are on [Exit codes](exit-codes.md).",
        "",
        "| command | what it does |",
        "|---|---|",
    ]
    subs = _leaf_commands(parser)
    lines += [
        f"| [`{name}`](#werkmap-{name.replace(' ', '-')}) | {_md(help_)} |"
        for name, _, help_ in subs
    ]
    lines.append("")
    for name, sub, _ in subs:
        check = "<!-- docs-check: elsewhere tests/cli/test_reference_pages.py -->"
        lines += [
            f"## werkmap {name}",
            "",
            check,
            "```text",
            _usage(f"werkmap {name}", sub),
            "```",
            "",
        ]
        if sub.description:
            lines += [sub.description, ""]
        lines += ["| argument | meaning |", "|---|---|"]
        for action in sub._actions:
            if action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
                continue
            lines.append(f"| {_md(_flag_text(action))} | {_md(_action_help(action))} |")
        lines.append("")
    lines += [
        "## For command authors: `werkmap.cli_common`",
        "",
        "A command module `werkmap.cli_<name>` builds its parser with these helpers and prints with "
        "`emit`, so it takes the same flags and prints the same shapes as every other command.",
        "",
        "::: werkmap.cli_common",
        "",
    ]
    return "\n".join(lines)


def exit_codes_markdown() -> str:
    """Return the page ``docs/reference/exit-codes.md``, made from :data:`EXIT_CODES`."""
    lines = [
        "# Exit codes",
        "",
        "<!-- Made from werkmap.cli_common.EXIT_CODES by werkmap.cli_common.write_reference_pages; "
        "do not edit by hand. -->",
        "",
        "Every `werkmap` command ends with one of these exit codes, so a scheduler or a monitoring check "
        "can act on it (see the [operations guide](../guides/operations.md)). Errors are one message "
        "on stderr (`werkmap: ...`), never a traceback, except for exit code 70.",
        "",
        "| code | name | meaning | betekenis |",
        "|---|---|---|---|",
    ]
    lines += [f"| {c.code} | {c.name} | {_md(c.en)} | {_md(c.nl)} |" for c in EXIT_CODES]
    lines += [
        "",
        "Which commands exit with 1:",
        "",
        "- `replay`: a stored decision is not re-derived the same (one line per mismatch).",
        "- `sweep`: a folder refused an action; the next sweep offers it again; or a due folder "
        "could not be read and was skipped (its id is on stderr), the others were swept.",
        "- `dispatch`: a notification could not be delivered in this run (it is retried later), or was "
        "dead-lettered after its last attempt.",
        "- `fit`: the data do not identify the model (perfect separation, rank deficiency, no "
        "convergence); `model-card`: the report evaluates another model; `score`: the answers are to "
        "another questionnaire version; any command: a store that cannot be used (a storage error).",
        "",
    ]
    return "\n".join(lines)


def write_reference_pages(parser: argparse.ArgumentParser, docs: str | Path = "docs") -> None:
    """Write ``reference/cli.md`` and ``reference/exit-codes.md`` under ``docs`` from the parsers.

    Run ``python -c "from werkmap.cli import build_parser; from werkmap.cli_common import
    write_reference_pages; write_reference_pages(build_parser())"`` in the repository after changing a
    command.
    """
    root = Path(docs) / "reference"
    (root / "cli.md").write_text(reference_markdown(parser), encoding="utf-8")
    (root / "exit-codes.md").write_text(exit_codes_markdown(), encoding="utf-8")


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _flag_text(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"`{action.metavar or action.dest}`"
    flags = ", ".join(f"`{o}`" for o in action.option_strings)
    if action.nargs == 0:
        return flags
    if action.choices is not None and action.metavar is None:
        return f"{flags} `{'|'.join(str(c) for c in action.choices)}`"
    return f"{flags} `{action.metavar or action.dest.upper()}`"


def _action_help(action: argparse.Action) -> str:
    text = str(action.help or "")
    if action.required and action.option_strings:
        text = f"required; {text}" if text else "required"
    if isinstance(action, argparse._AppendAction):
        text += " (repeatable)" if "repeatable" not in text else ""
    return text


def _usage(prog: str, parser: argparse.ArgumentParser) -> str:
    parts = [prog]
    for action in parser._actions:
        if action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:
            name = str(action.metavar or action.dest)
            parts.append(f"[{name}]" if action.nargs == "?" else name)
            continue
        flag = action.option_strings[-1]
        if action.nargs != 0:
            if action.choices is not None and action.metavar is None:
                flag += " {" + ",".join(str(c) for c in action.choices) + "}"
            else:
                flag += f" {action.metavar or action.dest.upper()}"
        parts.append(flag if action.required else f"[{flag}]")
    lines: list[str] = []
    current = ""
    for part in parts:
        if current and len(current) + 1 + len(part) > 96:
            lines.append(current)
            current = "    " + part
        else:
            current = f"{current} {part}" if current else part
    lines.append(current)
    return "\n".join(lines)


def note_quarantined(quarantined: Sequence[str], language: str = DEFAULT_LANGUAGE) -> None:
    """Print on stderr which folders a command over many folders left out because they cannot be read.

    Nothing when there are none. The output on stdout stays what the command shows of the rest.
    """
    if not quarantined:
        return
    ids = ", ".join(quarantined)
    if language == "nl":
        text = (
            f"let op: {len(quarantined)} map(pen) kon(den) niet gelezen worden en zijn overgeslagen: "
            f"{ids} (werkmap verify noemt ze)"
        )
    else:
        text = (
            f"note: {len(quarantined)} folder(s) could not be read and were left out: {ids} "
            "(werkmap verify lists them)"
        )
    print(text, file=sys.stderr)


def _leaf_commands(
    parser: argparse.ArgumentParser, prefix: str = ""
) -> list[tuple[str, argparse.ArgumentParser, str]]:
    """Return every command that runs, by its full name (``"catalogue lint"``), with its help."""
    found: list[tuple[str, argparse.ArgumentParser, str]] = []
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: str(choice.help or "") for choice in action._choices_actions}
        seen: set[int] = set()
        for name, sub in action.choices.items():
            if id(sub) in seen:
                continue
            seen.add(id(sub))
            full = f"{prefix} {name}".strip()
            if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
                found += _leaf_commands(sub, full)
            else:
                found.append((full, sub, helps.get(name, "")))
    return found
