"""`rag index build | remove | verify | info`: make, shrink, check and describe an index folder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.cli.common import add_common, config_from_args, eprint
from rag.embed.pooled import BUILD_DEFAULT


def cmd_index_build(args: argparse.Namespace) -> int:
    from rag.ingest.articles import load_articles
    from rag.embed.registry import default_build_embedder, make_embedder
    from rag.index.store import build_index, remove_stale_builds, save_index
    from rag.index.locking import index_write_lock

    config = config_from_args(args)
    source = Path(args.source)
    report = load_articles(source)
    for warning in report.warnings:
        eprint(f"warning: {warning}")
    eprint(f"read {len(report.articles)} articles from {source}")
    spec = config.embedder or default_build_embedder()
    eprint(f"loading embedder {spec} ...")
    embedder = make_embedder(spec, cache_dir=config.cache_dir)
    from rag.embed.cache import EmbeddingCache

    cache = None if args.no_cache else EmbeddingCache(config.cache_dir / "embeddings.sqlite")
    try:
        with index_write_lock(config.index, wait_seconds=args.wait):
            for folder in remove_stale_builds(config.index):
                eprint(f"removed {folder.name}, left by an interrupted build")
            index = build_index(report.articles, embedder, config.index, progress=not args.quiet, cache=cache,
                                late_chunking=args.late_chunking, pooled_chunks=args.chunk_vectors == "pooled")
            save_index(index, config.index)
    finally:
        if cache is not None:
            cache.close()
            if cache.problem:  # said even when the index write fails after it
                eprint(f"warning: {cache.problem}")
    if cache is not None:
        eprint(f"embedded {cache.misses} passages, reused {cache.hits} from the cache ({config.cache_dir})")
    counts = index.manifest["counts"]
    eprint(f"indexed {counts['articles']} articles as {counts['chunks']} chunks into {config.index}")
    return 0


def cmd_index_remove(args: argparse.Namespace) -> int:
    from rag.index.update import remove_articles

    config = config_from_args(args)
    index = remove_articles(config.index, args.ids)
    counts = index.manifest["counts"]
    eprint(f"removed {len(args.ids)} article(s) from {config.index}: {counts['articles']} articles, "
            f"{counts['chunks']} chunks left")
    return 0


def cmd_index_verify(args: argparse.Namespace) -> int:
    from rag.index.store import verify_index

    config = config_from_args(args)
    manifest = verify_index(config.index)
    print(f"{config.index}: ok ({manifest['counts']['articles']} articles, {manifest['counts']['chunks']} chunks, "
          f"embedder {manifest['embedder']['spec']})")
    return 0


def cmd_index_info(args: argparse.Namespace) -> int:
    from rag.index.store import read_manifest

    print(json.dumps(read_manifest(config_from_args(args).index), ensure_ascii=False, indent=2))
    return 0


def register(commands) -> None:
    """Add `rag index ...` to the CLI's subcommands."""
    index = commands.add_parser("index", help="build, verify or describe an index")
    index_commands = index.add_subparsers(dest="index_command", required=True)
    build = index_commands.add_parser("build", help="index a folder of .txt/.md/.html/.jsonl articles")
    build.add_argument("--source", default="seeds", help="folder of articles (default seeds)")
    add_common(build)
    build.add_argument("--embedder", help="e5-small-openvino (default when OpenVINO and torch are installed), "
                       "e5-small-torch (default when only torch is), e5-small (else; all three the same vectors), "
                       "or sentence-transformers:<name or path>")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.add_argument("--late-chunking", dest="late_chunking", action="store_true",
                       help="sentence vectors from their chunk's pass (e5-small-torch): ~1.5-2x faster builds, "
                            "XQuAD hit@1 1-2.5 points lower (eval/BENCHMARKS.md)")
    build.add_argument("--chunk-vectors", dest="chunk_vectors", choices=("whole", "pooled"), default=BUILD_DEFAULT,
                       help=f"how chunk vectors are made (default {BUILD_DEFAULT}). whole: a pass per chunk besides its "
                            "sentences' passes; pooled: a "
                            "chunk's vector pooled from its header's and sentences' own passes, no chunk pass "
                            "(e5-small-torch): ~1.3-3x faster builds, XQuAD vi hit@1 1.3 points lower, en 1.3 "
                            "higher (eval/BENCHMARKS.md §5). Embedders without token states embed chunks whole")
    build.add_argument("--no-cache", dest="no_cache", action="store_true",
                       help="embed everything again instead of reusing cached embeddings (RAG_CACHE_DIR)")
    build.add_argument("--wait", type=float, default=0.0, help="seconds to wait if another process is writing the index")
    build.set_defaults(func=cmd_index_build)
    remove = index_commands.add_parser("remove", help="remove articles by id (no re-embedding)")
    remove.add_argument("ids", nargs="+", help="article ids (file stems)")
    add_common(remove)
    remove.set_defaults(func=cmd_index_remove)
    verify = index_commands.add_parser("verify", help="check an index's files against its manifest, no models")
    add_common(verify)
    verify.set_defaults(func=cmd_index_verify)
    info = index_commands.add_parser("info", help="print an index's manifest")
    add_common(info)
    info.set_defaults(func=cmd_index_info)
