"""`rag check`: audit an answer written elsewhere against its sources (ARCHITECTURE §4.4), and score the
checker on labelled (sentence, passage, supported) pairs with `--pairs`."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from rag.cite.slots import Passage, prepare_passage
from rag.cite.support import SupportChecker, cross_encoder_entailment
from rag.cite.checker import check_answer, chunk_passage
from rag.cli.common import add_common, config_from_args, eprint
from rag.errors import InputError
from rag.schema import source_line
from rag.ingest.files import read_json
from rag.ingest.jsonl import read_jsonl


def _read_one(path: Path) -> dict:
    row = read_json(path, fix_invalid="; for one object per line use --batch")
    if not isinstance(row, dict):
        raise InputError(f"{path}: expected one JSON object with \"answer\" and \"sources\"")
    return row


class _SourceResolver:
    """Sources by text, article id or chunk id; the index is loaded only when an id is used."""

    def __init__(self, index_path: Path) -> None:
        self.index_path = index_path
        self._index = None
        self._by_id: dict | None = None
        self._by_ordinal: dict = {}

    def _load(self):
        if self._index is None:
            from rag.index.store import load_index

            self._index = load_index(self.index_path)
        return self._index

    def _chunk_by_id(self):
        if self._by_id is None:  # made once: it maps every chunk id of the index
            self._by_id = self._load().chunk_by_id
        return self._by_id

    def neighbours(self, source: dict) -> list[Passage]:
        """A source named by chunk id, read together with the chunk before it and with the one after it in
        its article (§4.4): a sentence whose evidence runs over a chunk boundary."""
        if source.get("text") or not source.get("chunk_id"):
            return []
        index = self._load()
        chunk = self._chunk_by_id().get(str(source["chunk_id"]))
        if chunk is None:
            return []
        if chunk.article_id not in self._by_ordinal:  # the article's chunks only: the others stay unread
            rows = [r for r, a in enumerate(index.chunk_article_ids) if a == chunk.article_id]
            self._by_ordinal[chunk.article_id] = {index.chunks[r].ordinal: index.chunks[r] for r in rows}
        by_ordinal = self._by_ordinal[chunk.article_id]
        out = []
        for other in (by_ordinal.get(chunk.ordinal + d) for d in (-1, 1)):
            if other is not None:
                first, second = sorted((chunk, other), key=lambda c: c.ordinal)
                out.append(prepare_passage(joined_chunks(first, second), chunk.header(), tuple(chunk.years)))
        return out

    def passage(self, source: dict, where: str) -> Passage:
        if source.get("text"):
            # the context a source carries beside its text (§4.4): title, date, place
            header = " · ".join(str(source[k]) for k in ("title", "date", "place") if source.get(k))
            return prepare_passage(str(source["text"]), header)
        if source.get("chunk_id"):
            chunk = self._chunk_by_id().get(str(source["chunk_id"]))
            if chunk is None:
                raise InputError(f"{where}: chunk '{source['chunk_id']}' is not in the index {self.index_path}")
            return chunk_passage(chunk)
        if source.get("article_id"):
            article = self._load().articles.get(str(source["article_id"]))
            if article is None:
                raise InputError(f"{where}: article '{source['article_id']}' is not in the index {self.index_path}")
            header = source_line(article.title, article.date, article.place.label())
            return prepare_passage(article.text, header, tuple(article.years))
        raise InputError(f"{where}: a source needs \"text\", \"article_id\" or \"chunk_id\"")


def _check_row(row: dict, where: str, resolver: _SourceResolver, checker: SupportChecker) -> dict:
    if not isinstance(row.get("answer"), str):
        raise InputError(f"{where}: needs an \"answer\" string")
    sources = row.get("sources") or []
    if not isinstance(sources, list):
        raise InputError(f"{where}: \"sources\" must be a list")
    passages: dict[int, Passage] = {}
    wider: dict[int, list[Passage]] = {}
    for i, source in enumerate(sources, start=1):
        if not isinstance(source, dict):
            raise InputError(f"{where}: source {i} must be an object")
        marker = int(source.get("marker", i))
        passages[marker] = resolver.passage(source, f"{where}, source [{marker}]")
        wider[marker] = resolver.neighbours(source)
    return check_answer(row["answer"], passages, checker, wider).to_dict(row.get("id"))


def joined_chunks(first, second) -> str:
    """Two neighbouring chunks of an article as one text, the sentences they share (their overlap) once."""
    shared = set(first.sentences)
    return " ".join([first.text] + [s for s in second.sentences if s not in shared])


def _print_result(result: dict, question: str | None) -> None:
    if result.get("id") or question:
        print(f"# {result.get('id') or ''} {question or ''}".rstrip())
    for s in result["sentences"]:
        mark = {True: "supported  ", False: "UNSUPPORTED", None: "(no claim) "}[s["supported"]]
        print(f"{mark} {s['text']}")
        for reason in s.get("reasons", []):
            print(f"            - {reason}")
    cited = ", ".join(f"[{c['marker']}] {'ok' if c['supported'] else 'does not support'}" for c in result["citations"])
    print(f"citations: {cited or 'none'}")
    fmt = lambda v: "n/a" if v is None else f"{v:.2f}"  # noqa: E731
    print(f"citation recall {fmt(result['citation_recall'])}, precision {fmt(result['citation_precision'])}\n")


def _article_headers(index_path: Path) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Article id -> (title · date · place, years) from the index, so a pair's passage is read with its
    article's metadata as the pipeline reads a chunk; empty when there is no index."""
    import sys

    from rag.errors import RagError

    try:
        from rag.index.store import load_index

        articles = load_index(index_path).articles
    except RagError as exc:
        print(f"note: {exc}; passages are checked without their article's title, date and place", file=sys.stderr)
        return {}
    return {a.id: (source_line(a.title, a.date, a.place.label()), tuple(a.years))
            for a in articles.values()}


def _score_pairs(path: Path, checker: SupportChecker, as_json: bool, index_path: Path | None,
                 gate_args: argparse.Namespace | None = None) -> int:
    rows = read_jsonl(path)
    headers = _article_headers(index_path) if index_path and any("article_id" in r for r in rows) else {}
    right, by_kind, wrong = 0, Counter(), []
    totals = Counter()
    for number, row in enumerate(rows, start=1):
        if not {"sentence", "passage", "supported"} <= row.keys():
            raise InputError(f"{path}:{number}: a pair needs \"sentence\", \"passage\" and \"supported\"")
        header, years = headers.get(str(row.get("article_id")), ("", ()))
        verdict = checker.check(str(row["sentence"]), [prepare_passage(str(row["passage"]), header, years)])
        kind = str(row.get("kind", "all"))
        totals[kind] += 1
        if verdict.supported == bool(row["supported"]):
            right += 1
            by_kind[kind] += 1
        else:
            wrong.append({"id": row.get("id", number), "kind": kind, "expected": bool(row["supported"]),
                          "reasons": list(verdict.reasons)})
    accuracy = right / len(rows) if rows else 0.0
    report = {"file": str(path), "pairs": len(rows), "correct": right, "accuracy": round(accuracy, 4),
              "by_kind": {k: f"{by_kind[k]}/{n}" for k, n in sorted(totals.items())}, "errors": wrong}
    wrong_ids = {str(e["id"]) for e in wrong}
    ids = [str(row.get("id", number)) for number, row in enumerate(rows, start=1)]
    gate = pairs_gate(report, path, ids, wrong_ids, gate_args) if gate_args else 0
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(f"{path}: {right}/{len(rows)} pairs judged right, accuracy {accuracy:.1%}")
        for kind, text in report["by_kind"].items():
            print(f"  {kind:<18} {text}")
        for e in wrong:
            print(f"  wrong: {e['id']} ({e['kind']}, labelled {'supported' if e['expected'] else 'unsupported'})"
                  + (f": {'; '.join(e['reasons'])}" if e["reasons"] else ""))
    return gate


def pairs_gate(report: dict, path: Path, ids: list[str], wrong_ids: set[str], args: argparse.Namespace) -> int:
    """The CI gate for labelled pairs, with the same baseline rules as `rag eval` (rag/evaluate/summary.py):
    a pair judged right in the baseline and wrong now fails it (exit 3), whatever else improved."""
    import time

    from rag.ingest.files import file_sha256
    from rag.evaluate.summary import compare, load_summary, record_baseline_change

    summary = {"format": "rag-eval-summary", "label": "checker-pairs", "source": "rag check --pairs",
               "created_utc": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
               "questions": {"path": str(path), "sha256": file_sha256(path), "count": len(ids)},
               "metrics": {}, "failed": sorted(wrong_ids),
               "per_question": {i: {"passed": i not in wrong_ids} for i in ids}, **report}
    code = 0
    if args.compare:
        comparison = compare(summary, load_summary(Path(args.compare)))
        report["comparison"] = {"baseline": args.compare, **comparison.to_dict()}
        for pair in comparison.broken:
            eprint(f"regression: pair {pair} was judged right in the baseline and is judged wrong now")
        if comparison.broken:
            eprint(f"to accept this, update the baseline in the same commit with a reason: rag check --pairs "
                   f"{path} --save-summary {args.compare} --reason \"why\"")
            code = 3
    if args.save_summary:
        target = Path(args.save_summary)
        previous = load_summary(target) if target.exists() else None
        summary["changes"] = record_baseline_change(previous, summary, args.reason, 0.0)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return code


def index_places(index_path: Path | None) -> tuple[str, ...]:
    """District and province names of the index's articles (the corpus gazetteer), for reading a bare
    source's place names; empty when there is no index."""
    from rag.errors import RagError

    if index_path is None:
        return ()
    try:
        from rag.index.store import load_index

        articles = load_index(index_path).articles.values()
    except RagError:
        return ()
    return tuple(sorted({n for a in articles for n in (a.place.district, a.place.province) if n}))


def _make_checker(args: argparse.Namespace, index_path: Path | None = None) -> SupportChecker:
    embedder = None
    if not args.lexical_only:
        from rag.embed.registry import DEFAULT_EMBEDDER, make_embedder

        embedder = make_embedder(args.embedder or DEFAULT_EMBEDDER)
    entailment = cross_encoder_entailment(args.entailment) if args.entailment else None
    return SupportChecker(embedder, entailment, places=index_places(index_path))


def cmd_check(args: argparse.Namespace) -> int:
    given = [x for x in (args.file, args.batch, args.pairs) if x]
    if len(given) != 1:
        raise InputError("give one of: FILE.json, --batch FILE.jsonl, --pairs FILE.jsonl")
    index_path = config_from_args(args).index
    checker = _make_checker(args, None if args.pairs and args.no_metadata else index_path)
    if args.pairs:
        return _score_pairs(Path(args.pairs), checker, args.json, None if args.no_metadata else index_path, args)
    resolver = _SourceResolver(index_path)
    if args.file:
        rows = [(_read_one(Path(args.file)), str(args.file))]
    else:
        rows = [(row, f"{args.batch}:{i}") for i, row in enumerate(read_jsonl(Path(args.batch)), start=1)]
    failures = 0
    for row, where in rows:
        try:
            result = _check_row(row, where, resolver, checker)
        except InputError as exc:
            if not args.batch:
                raise
            failures += 1
            result = {"id": row.get("id"), "error": str(exc)}
        if args.json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        elif "error" in result:
            print(f"# {result.get('id') or ''}\nerror: {result['error']}\n")
        else:
            _print_result(result, row.get("question"))
    return 1 if failures else 0


def register(commands) -> None:
    """Add `rag check` to the CLI's subcommands (called by rag.cli.main)."""
    check = commands.add_parser("check", help="check an answer's citations against its sources")
    check.add_argument("file", nargs="?", help="one JSON object: {id, question, answer, sources}")
    check.add_argument("--batch", help="JSONL, one object per line; prints one result per line")
    check.add_argument("--pairs", help="labelled (sentence, passage, supported) pairs: print the checker's accuracy")
    check.add_argument("--compare", metavar="BASELINE",
                       help="with --pairs: exit 3 when a pair judged right in this baseline is judged wrong now")
    check.add_argument("--save-summary", dest="save_summary", metavar="PATH",
                       help="with --pairs: write the verdicts as a baseline (e.g. eval/baselines/checker_pairs_heldout.json)")
    check.add_argument("--reason", help="with --save-summary over a baseline: why pairs it breaks are accepted")
    check.add_argument("--json", action="store_true", help="print JSON instead of text")
    check.add_argument("--no-metadata", dest="no_metadata", action="store_true",
                       help="with --pairs: ignore the index; read each passage without its article's title, date, place")
    check.add_argument("--embedder", help="embedder for e5 similarity (default e5-small)")
    check.add_argument("--lexical-only", dest="lexical_only", action="store_true", help="no embedder: facts and words only")
    check.add_argument("--entailment", help="a sentence-transformers CrossEncoder NLI model (path) to confirm support")
    add_common(check)
    check.set_defaults(func=cmd_check)
