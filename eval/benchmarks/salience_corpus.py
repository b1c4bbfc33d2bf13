"""The training articles of the learned salience scorer (rag/answer/learned_salience.py), and its index.

VietNews Party/government articles (eval/benchmarks/vietnews_party.py's rule) that no evaluation uses, plus (issue
11g) articles of any topic with a pool-length body, and the digest pool's spent positions 1-210 (`pool_rows`):
- not in the digest benchmark's pool (eval/benchmarks/digest.py's rule), except its spent first 210 positions
  when asked for: positions 211-300 are the lead's fresh test range and later ones reserved held-outs;
- not in eval/heldout_used_ids.txt (articles the held-out sets were written on or reserved for);
- not named by any question set eval/*.jsonl (`gold_articles`, `source`, or any "vietnews/NNNNNN" in a row).
The articles are read at run time from ../shared/data/vietnews (never copied into the repository) and indexed
with the product's own `rag index build`, so the trainer sees the same units and vectors the answerer does.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

from eval.benchmarks.digest import PARTY_OR_STATE, listed_ids, select_articles
from eval.benchmarks.vietnews_party import is_party_government

USED_IDS = Path("eval/heldout_used_ids.txt")
SPENT_POOL_POSITIONS = 210  # digest pool positions used as development data (eval/README.md, stop 19)
_VIETNEWS_ID = re.compile(r"vietnews/\d+")


def in_digest_pool(row: dict) -> bool:
    """Whether eval.benchmarks.digest.select_articles can pick this article, at any --skip."""
    return bool(PARTY_OR_STATE.search(row["title"] + " " + row["abstract"])) and 250 <= len(row["body"].split()) <= 700


def excluded_ids(eval_dir: Path = Path("eval"), used_ids: Path = USED_IDS) -> set[str]:
    """Every VietNews id an evaluation set names, plus the held-out writers' used ids."""
    ids: set[str] = set()
    for path in sorted(eval_dir.glob("*.jsonl")):
        ids.update(_VIETNEWS_ID.findall(path.read_text(encoding="utf-8")))
    if not used_ids.exists():  # leaving held-out articles in the training data must not go unnoticed
        raise SystemExit(f"{used_ids} not found; run from the repository root")
    ids.update(listed_ids(used_ids))
    return ids


def training_rows(vietnews: Path, any_topic: int = 0) -> list[dict]:
    """The training articles (id, title, abstract, body), in file order: the Party/government ones outside the
    digest pool, then the first `any_topic` articles of any other topic outside the pool whose body has the
    pool's length (250-700 words), so the scorer also sees articles shaped like the ones it is used on."""
    if not vietnews.exists():
        raise SystemExit(f"{vietnews} not found; pass --vietnews PATH to vietnews-5000.jsonl.gz")
    excluded = excluded_ids()
    with gzip.open(vietnews, "rt", encoding="utf-8") as source:
        rows = [json.loads(line) for line in source]
    usable = [r for r in rows if not in_digest_pool(r) and r["id"] not in excluded]
    party = [r for r in usable if is_party_government(r)]
    others = [r for r in usable if not is_party_government(r) and 250 <= len(r["body"].split()) <= 700]
    return party + others[:any_topic]


def pool_rows(vietnews: Path, positions: int) -> list[dict]:
    """The digest pool's first `positions` articles (spent development data since stop 19). Positions 211-300
    are the lead's fresh test range and later ones reserved held-outs: never training data."""
    if positions > SPENT_POOL_POSITIONS:
        raise SystemExit(f"--pool {positions}: only the digest pool's first {SPENT_POOL_POSITIONS} articles are spent")
    return select_articles(vietnews, positions, 0) if positions else []


def build_index(rows: list[dict], index: Path, work: Path) -> None:
    """Index the training articles with `rag index build` (unless `index` already holds an index)."""
    if (index / "manifest.json").exists():
        return
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    with open(corpus / "articles.jsonl", "w", encoding="utf-8") as out:
        out.writelines(json.dumps({"id": r["id"], "title": r["title"], "text": r["body"]}, ensure_ascii=False) + "\n"
                       for r in rows)
    subprocess.run([sys.executable, "-m", "rag.cli", "index", "build", "--source", str(corpus), "--index", str(index),
                    "--quiet"], check=True)
