"""``python -m werkmap``: the command line."""

from werkmap.cli import main

raise SystemExit(main())
