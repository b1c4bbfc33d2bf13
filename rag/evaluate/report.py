"""The run report: Markdown and a self-contained HTML page from the same blocks, with matplotlib plots
(metrics with bootstrap intervals, latency histogram) and the failed questions with what was retrieved."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from rag.evaluate.metrics import METRICS, Evaluation, ranked_articles

# A block is ("h1"|"h2"|"h3"|"p"|"pre", text) | ("table", headers, rows) | ("img", file name, alt text).
Block = tuple

_INSTALL_HINT = "plots need matplotlib: pip install 'vn-news-rag[eval]'"


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def plot_metrics(summary: dict, path: Path) -> None:
    """Horizontal bars of every measured metric with its 95% bootstrap interval."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [(name, m) for name, m in summary["metrics"].items() if m["value"] is not None][::-1]
    fig, ax = plt.subplots(figsize=(7, 0.32 * len(rows) + 1.2))
    values = [m["value"] for _, m in rows]
    low = [m["value"] - (m["ci95"] or [m["value"]] * 2)[0] for _, m in rows]
    high = [(m["ci95"] or [m["value"]] * 2)[1] - m["value"] for _, m in rows]
    ax.barh([n for n, _ in rows], values, xerr=[low, high], color="#4c72b0", ecolor="#333", capsize=3)
    ax.set_xlim(0, 1.05)
    ax.set_xlabel("value (error bars: 95% bootstrap interval)")
    ax.set_title(f"{summary['label']} — {summary['questions']['count']} questions")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_latency(evaluation: Evaluation, path: Path) -> None:
    """Histogram of total latency, with the retrieve and generate stages beside it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import numpy as np

    fig, ax = plt.subplots(figsize=(7, 3.6))
    series = {stage: [o["timings_ms"][stage] for o in evaluation.outputs if stage in (o.get("timings_ms") or {})]
              for stage in ("total", "retrieve", "generate")}
    everything = [v for values in series.values() for v in values]
    bins = np.linspace(0, max(everything) * 1.02 or 1.0, 31)  # shared bins so the stages compare bar by bar
    for stage, values in series.items():
        if values:
            ax.hist(values, bins=bins, alpha=0.55, label=stage)
    total = evaluation.latency_ms.get("total")
    if total:
        for name in ("p50", "p95"):
            ax.axvline(total[name], color="#333", linestyle="--" if name == "p50" else ":", label=f"total {name}")
    ax.set_xlabel("milliseconds")
    ax.set_ylabel("questions")
    ax.legend()
    ax.set_title("latency per question")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _failed_blocks(evaluation: Evaluation, limit: int) -> list[Block]:
    failed = [i for i, ok in enumerate(evaluation.passed) if not ok]
    blocks: list[Block] = [("h2", f"Failed questions ({len(failed)})"),
                           ("p", "Passed means: an answerable question answered, with a gold article in the top 5 "
                                 "and every answer fact met; an unanswerable one declined.")]
    for i in failed[:limit]:
        q, o = evaluation.questions[i], evaluation.outputs[i]
        blocks.append(("h3", f"{q.id}: {q.question}"))
        expected = "unanswerable (should decline)" if not q.answerable else (
            f"gold {', '.join(q.gold_articles) or '—'}; facts "
            f"{'; '.join(' | '.join(f) for f in q.answer_facts) or '—'}")
        said = o.get("error") or o.get("answer") or ""
        status = "declined" if not o.get("answerable") else "answered"
        retrieved = [f"{a}{' ✓' if a in q.gold_articles else ''}" for a in ranked_articles(o)[:5]]
        blocks.append(("pre", f"expected: {expected}\n{status}: {said[:400]}\nretrieved (top 5 articles): "
                              f"{', '.join(retrieved) or '—'}"))
    if len(failed) > limit:
        blocks.append(("p", f"… and {len(failed) - limit} more in records.jsonl."))
    return blocks


def report_blocks(summary: dict, evaluation: Evaluation, plots: dict[str, str], failed_limit: int = 60) -> list[Block]:
    info, index = summary["questions"], summary.get("index") or {}
    config = summary.get("config") or {}
    blocks: list[Block] = [("h1", f"Evaluation: {summary['label']}")]
    setup = (f"{info['count']} questions from {info['path']} ({info['answerable']} answerable, "
             f"{info['unanswerable']} unanswerable); run {summary['created_utc']}; {summary['source']}.")
    if config:
        setup += f" Retriever {config.get('retriever')}, generator {config.get('llm')}, top-k {config.get('top_k')}."
    if index:
        setup += (f" Index: embedder {index.get('embedder', {}).get('spec')}, "
                  f"{index.get('counts', {}).get('articles')} articles, corpus {str(index.get('corpus_hash'))[:12]}.")
    blocks.append(("p", setup))
    blocks.append(("h2", "Metrics"))
    descriptions = {m.name: m.description for m in METRICS}
    rows = [[name, _fmt(m["value"]), "—" if not m["ci95"] else f"{m['ci95'][0]:.3f}–{m['ci95'][1]:.3f}",
             f"{m['n']:g}", descriptions[name]] for name, m in summary["metrics"].items()]
    blocks.append(("table", ["metric", "value", "95% CI", "n", "meaning"], rows))
    if "metrics" in plots:
        blocks.append(("img", plots["metrics"], "metrics with 95% bootstrap intervals"))
    for key, heading in (("by_lang", "By question language"), ("by_type", "By question type")):
        if summary.get(key):
            groups = sorted(summary[key])
            blocks.append(("h2", heading))
            blocks.append(("table", ["metric", *groups], [[name, *(_fmt(summary[key][g][name]) for g in groups)]
                                                          for name in summary["metrics"]]))
    blocks.append(("h2", "Latency (ms)"))
    blocks.append(("table", ["stage", "p50", "p95", "n"],
                   [[s, _fmt(v["p50"], 1), _fmt(v["p95"], 1), str(v["n"])] for s, v in summary["latency_ms"].items()]))
    if "latency" in plots:
        blocks.append(("img", plots["latency"], "latency histogram"))
    comparison = summary.get("comparison")
    if comparison:
        blocks.append(("h2", f"Against the baseline (tolerance {comparison['tolerance']})"))
        blocks.append(("table", ["metric", "baseline", "now", "delta", ""],
                       [[n, _fmt(d["baseline"]), _fmt(d["current"]), _fmt(d["delta"]), "REGRESSED" if d["regressed"] else ""]
                        for n, d in comparison["deltas"].items()]))
        blocks.append(("p", f"Fixed: {', '.join(comparison['fixed']) or 'none'}. "
                            f"Broken: {', '.join(comparison['broken']) or 'none'}."))
        for warning in comparison["warnings"]:
            blocks.append(("p", f"Warning: {warning}"))
    return blocks + _failed_blocks(evaluation, failed_limit)


def to_markdown(blocks: list[Block]) -> str:
    out = []
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            out.append(f"{'#' * int(kind[1])} {block[1]}")
        elif kind == "p":
            out.append(block[1])
        elif kind == "pre":
            out.append("```\n" + block[1] + "\n```")
        elif kind == "table":
            cell = lambda v: str(v).replace("|", "\\|")  # noqa: E731
            lines = ["| " + " | ".join(block[1]) + " |", "|" + "---|" * len(block[1])]
            lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in block[2]]
            out.append("\n".join(lines))
        elif kind == "img":
            out.append(f"![{block[2]}]({block[1]})")
    return "\n\n".join(out) + "\n"


def to_html(blocks: list[Block], folder: Path) -> str:
    """One page with the plots inlined, so it can be mailed or attached to CI as a single file."""
    parts = []
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3", "p"):
            parts.append(f"<{kind}>{html.escape(block[1])}</{kind}>")
        elif kind == "pre":
            parts.append(f"<pre>{html.escape(block[1])}</pre>")
        elif kind == "table":
            head = "".join(f"<th>{html.escape(h)}</th>" for h in block[1])
            body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in block[2])
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif kind == "img":
            data = base64.b64encode((folder / block[1]).read_bytes()).decode()
            parts.append(f'<img alt="{html.escape(block[2])}" src="data:image/png;base64,{data}">')
    style = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
             "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
             "text-align:left}pre{background:#f6f6f6;padding:.5rem;white-space:pre-wrap}img{max-width:100%}")
    title = html.escape(blocks[0][1]) if blocks else "Evaluation"
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>\n")


def write_report(folder: Path, summary: dict, evaluation: Evaluation) -> list[str]:
    """Write report.md, report.html and the plots into `folder`; returns warnings (e.g. no matplotlib)."""
    warnings, plots = [], {}
    try:
        plot_metrics(summary, folder / "metrics.png")
        plots["metrics"] = "metrics.png"
        if evaluation.latency_ms:
            plot_latency(evaluation, folder / "latency.png")
            plots["latency"] = "latency.png"
    except ImportError:
        warnings.append(_INSTALL_HINT + " (the report has no plots)")
    blocks = report_blocks(summary, evaluation, plots)
    (folder / "report.md").write_text(to_markdown(blocks), encoding="utf-8")
    (folder / "report.html").write_text(to_html(blocks, folder), encoding="utf-8")
    return warnings
