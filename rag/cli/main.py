"""The `rag` command: builds the parser from one module per command and turns library errors into messages.

Only the CLI (and the UI) turns library errors into messages for people: `error: ...` on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from rag.cli import ask, calibrate, check, evaluate, index
from rag.cli.common import eprint
from rag.config import set_library_defaults
from rag.errors import RagError
from ui import serve  # imports gradio only when `rag serve` runs

# Tests and users run offline: never let a library try the model hub.
set_library_defaults(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Cited answers over Vietnamese local news, offline.")
    commands = parser.add_subparsers(dest="command", required=True)
    for command in (index, ask, check, evaluate, calibrate, serve):
        command.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    import signal

    # Past a file-size limit the kernel kills the process by default; ignored, the write fails with an
    # error we can report (and the previous index stays, since saving is atomic).
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RagError as exc:
        eprint(f"error: {exc}")
        return 1
    except OSError as exc:  # disk full, size limit, permissions: say what and where, not a traceback
        where = f" ({exc.filename})" if exc.filename else ""
        eprint(f"error: {exc.strerror or exc}{where}; check free disk space, file-size limits and permissions")
        return 1
    except KeyboardInterrupt:
        eprint("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
