"""`rag serve`: the chat UI in a browser, over the default index with the embedded defaults.

Registered by rag.cli.main, which imports this module (cheap: gradio and ui.app are imported only when
the command runs). The `rag` library itself never imports the UI.
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

from rag.cli.common import add_common, add_generation, config_from_args
from rag.errors import ConfigError

AUTH_ENV = "RAG_AUTH"  # user:password, read by rag.config into Config.auth
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """'user:password' -> (user, password); None or '' -> None. The password may contain ':'."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ConfigError("--auth / RAG_AUTH must look like user:password (both parts non-empty)")
    return user, password


def _auth_setting(args: argparse.Namespace, config) -> tuple[str, str] | None:
    if args.auth:
        return parse_auth(args.auth)
    return parse_auth(config.auth) if config.auth else None


def _check_port(host: str, port: int) -> None:
    """Fail with a plain message before loading models when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from exc


def cmd_serve(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    if not 0 < args.port < 65536:
        raise ConfigError(f"--port must be between 1 and 65535, got {args.port}")
    if not 1 <= args.concurrency <= 64:
        raise ConfigError(f"--concurrency must be between 1 and 64, got {args.concurrency}")
    auth = _auth_setting(args, config)
    _check_port(args.host, args.port)
    if args.host not in LOOPBACK and auth is None:
        print(f"warning: serving on {args.host} without --auth: anyone who can reach this machine can use "
              "the app and add articles. Set --auth user:password or RAG_AUTH.", file=sys.stderr, flush=True)
    from rag.pipeline import build_pipeline

    print(f"loading index {config.index} ...", file=sys.stderr, flush=True)
    pipeline = build_pipeline(config)
    feedback = Path(args.feedback_log) if args.feedback_log else config.cache_dir / "feedback.jsonl"
    from ui.app import serve  # gradio is a dependency: a failing import is a broken install, not a user error
    print(f"feedback is appended to {feedback}", file=sys.stderr, flush=True)
    print(f"open http://{'[' + args.host + ']' if ':' in args.host else args.host}:{args.port} in a browser "
          "(Ctrl+C stops)", file=sys.stderr, flush=True)
    serve(pipeline, host=args.host, port=args.port, auth=auth, feedback_log=feedback, lang=args.lang,
          concurrency=args.concurrency)
    return 0


def register(commands) -> None:
    """Add `rag serve` to the CLI's subcommands."""
    serve = commands.add_parser("serve", help="open the chat UI in a browser (Gradio)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    serve.add_argument("--auth", help=f"user:password to require a login (or set {AUTH_ENV})")
    serve.add_argument("--lang", choices=["vi", "en"], default="vi", help="interface language (default vi)")
    serve.add_argument("--feedback-log", dest="feedback_log",
                       help="JSONL file for 👍/👎 feedback (default ~/.cache/vn-news-rag/feedback.jsonl)")
    serve.add_argument("--concurrency", type=int, default=4, help="questions answered at once (default 4)")
    add_common(serve)
    add_generation(serve)
    serve.set_defaults(func=cmd_serve)
