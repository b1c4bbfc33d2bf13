"""Pure HTML rendering for the chat UI: answers with linked [n] markers, source cards, messages.

Every piece of text that comes from an article, a question, a file name or an error is passed through
`esc` (html.escape) before it is placed in markup: an article holding `<script>` shows it as text.
Nothing here imports gradio, so all of it is testable as plain strings.
"""

from __future__ import annotations

import html
import re
from typing import Iterable, Mapping

from rag.cite.markers import markers_in, sub_markers
from rag.schema import Answer, Article, Citation
from rag.text.dates import display_date

from .i18n import t

# A sentence ends at . ! ? or … (after any closing quote or marker) followed by whitespace.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[ \t]+(?=\S)")
CONTEXT_CHARS = 700  # a longer paragraph is cut around the quote


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


# ---------------------------------------------------------------- answers


def split_answer(text: str) -> list[str]:
    """The sentences of one line of an answer; markers stay with the sentence they close, and a split
    inside an open quotation (“…. …”) or right before a marker is undone."""
    sentences: list[str] = []
    for piece in _SENTENCE_END.split(text.strip()):
        previous = sentences[-1] if sentences else ""
        if previous and (previous.count("“") > previous.count("”") or previous.count('"') % 2 or piece.startswith("[")):
            sentences[-1] = f"{previous} {piece}"
        elif piece:
            sentences.append(piece)
    return sentences


def sentence_verdict(sentence: str, by_marker: Mapping[int, Citation], has_citations: bool) -> str:
    """'ok', 'bad' (every cited passage failed the check), 'uncited' (a claim with no marker in an
    answer that cites elsewhere) or 'plain' (not checked, or nothing to check)."""
    markers = markers_in(sentence)
    cited = [by_marker[m] for m in markers if m in by_marker]
    if not markers:
        return "uncited" if has_citations and len(sentence) > 40 else "plain"
    if cited and all(c.supported is False for c in cited):
        return "bad"
    if any(c.supported for c in cited):
        return "ok"
    return "plain"


def _link_markers(escaped: str, by_marker: Mapping[int, Citation], turn: int) -> str:
    def one(n: int) -> str:
        citation = by_marker.get(n)
        if citation is None:
            return f"[{n}]"
        tip = f"{citation.title} — “{citation.quote}”"
        bad = " cite-bad" if citation.supported is False else ""
        return f'<a class="cite{bad}" href="#src-{turn}-{n}" title="{esc(tip)}">[{n}]</a>'

    return sub_markers(escaped, lambda numbers: "".join(one(n) for n in numbers))


def _sentence_html(sentence: str, answer: Answer, by_marker: Mapping[int, Citation], lang: str, turn: int) -> str:
    body = _link_markers(esc(sentence), by_marker, turn)
    verdict = sentence_verdict(sentence, by_marker, bool(by_marker)) if answer.answerable else "plain"
    if verdict == "bad":
        return (f'<span class="sent-bad" title="{esc(t(lang, "unsupported_sentence"))}">'
                f'<span class="flag" aria-hidden="true">⚠</span> {body}</span>')
    if verdict == "uncited":
        return f'<span class="sent-uncited" title="{esc(t(lang, "uncited_sentence"))}">{body}</span>'
    return body


def _lines_html(answer: Answer, by_marker: Mapping[int, Citation], lang: str, turn: int) -> str:
    """Lines of the answer; a run of "- " lines (the bullets of a multi-point answer) becomes a list."""
    out: list[str] = []
    items: list[str] = []
    for line in answer.text.strip().split("\n") + [""]:
        sentences = lambda text: " ".join(_sentence_html(s, answer, by_marker, lang, turn) for s in split_answer(text))
        if line.startswith("- "):
            items.append(f"<li>{sentences(line[2:])}</li>")
            continue
        if items:
            out.append(f'<ul class="points">{"".join(items)}</ul>')
            items = []
        if line.strip().endswith(":") and not markers_in(line):  # a lead line or a heading: not a claim
            out.append(f'<span class="points-head">{esc(line.strip())}</span>')
        elif line.strip():
            out.append(sentences(line))
    return "<br>".join(out).replace("<br><ul", "<ul").replace("</ul><br>", "</ul>")


def answer_html(answer: Answer, lang: str, turn: int = 0) -> str:
    """The answer as one HTML block (no blank line inside, so the chat's Markdown leaves it alone):
    markers link to source cards `src-<turn>-<n>` and carry the title and quote as a tooltip; sentences
    the checker could not support get a red wavy underline, a ⚠ and a tooltip saying so."""
    by_marker = {c.marker: c for c in answer.citations}
    classes = "answer" if answer.answerable else "answer declined"
    notice = f'<div class="notice">{esc(answer.notice)}</div>' if answer.notice else ""
    total = answer.timings_ms.get("total")
    timing = f'<div class="timing">{esc(t(lang, "timing", ms=total))}</div>' if total is not None else ""
    return f'<div class="{classes}">{_lines_html(answer, by_marker, lang, turn)}{notice}{timing}</div>'


def streaming_html(text: str) -> str:
    """Partial answer text while it streams in (markers are linked once the checked answer arrives)."""
    return f'<div class="answer streaming">{esc(text).replace(chr(10), "<br>")}<span class="cursor">▍</span></div>'


def thinking_html(lang: str) -> str:
    return f'<div class="answer streaming">{esc(t(lang, "thinking"))}<span class="cursor">▍</span></div>'


def error_html(lang: str, message: str | None = None) -> str:
    """A friendly error in the chat: the library's own message when there is one, never a traceback."""
    detail = esc(message) if message else esc(t(lang, "error_generic"))
    return f'<div class="answer error"><strong>{esc(t(lang, "error"))}:</strong> {detail}</div>'


def user_html(question: str) -> str:
    return f'<div class="question">{esc(question)}</div>'


# ---------------------------------------------------------------- sources


def locate_quote(paragraph: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` sits in `paragraph`, allowing for trailing punctuation, spacing and case."""
    quote = quote.strip()
    for candidate in (quote, quote.rstrip(".,;:!?…\"”’ ").strip()):
        if candidate and (at := paragraph.find(candidate)) >= 0:
            return at, at + len(candidate)
    words = re.findall(r"\w+|[^\w\s]", quote.rstrip(".,;:!?…\"”’ "))
    if not words:
        return None
    pattern = r"\s*".join(re.escape(w) for w in words)
    match = re.search(pattern, paragraph, flags=re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def _paragraphs(article: Article) -> list[str]:
    return [p for p in article.text.split("\n\n") if p.strip()]


def _highlight(paragraph: str, spans: list[tuple[int, int, int]], turn: int, anchor: bool) -> str:
    """Escape a paragraph, wrapping each (start, end, marker) span in <mark>."""
    out, at = [], 0
    for start, end, marker in sorted(spans):
        if start < at:
            continue  # overlapping quotes: the first one wins
        out.append(esc(paragraph[at:start]))
        ident = f' id="q-{turn}-{marker}"' if anchor else ""
        out.append(f'<mark{ident} data-marker="{marker}">{esc(paragraph[start:end])}'
                   f'<sup>[{marker}]</sup></mark>')
        at = end
    out.append(esc(paragraph[at:]))
    return "".join(out)


def _context(paragraph: str, spans: list[tuple[int, int, int]], turn: int) -> str:
    """The paragraph around one quote, cut to CONTEXT_CHARS with ellipses."""
    start, end, _ = spans[0]
    lo = max(0, start - (CONTEXT_CHARS - (end - start)) // 2)
    hi = min(len(paragraph), max(end, lo + CONTEXT_CHARS))
    lo = max(0, min(lo, hi - CONTEXT_CHARS))
    if lo > 0:
        lo = paragraph.find(" ", lo) + 1 or lo
    if hi < len(paragraph):
        hi = paragraph.rfind(" ", end, hi) if paragraph.rfind(" ", end, hi) > end else hi
    shifted = [(s - lo, e - lo, m) for s, e, m in spans if s >= lo and e <= hi]
    body = _highlight(paragraph[lo:hi], shifted, turn, anchor=True)
    return ("… " if lo > 0 else "") + body + (" …" if hi < len(paragraph) else "")


def _verdict_badge(citation: Citation, lang: str) -> str:
    if citation.supported is True:
        return f'<span class="verdict ok">✓ {esc(t(lang, "supported"))}</span>'
    if citation.supported is False:
        return f'<span class="verdict bad">✗ {esc(t(lang, "unsupported"))}</span>'
    return f'<span class="verdict unknown">• {esc(t(lang, "unchecked"))}</span>'


def _meta_line(article: Article | None, citation: Citation, lang: str) -> str:
    date = (article.date if article else citation.date) or ""
    place = (article.place.label() if article else citation.place) or ""
    bits = []
    if date:
        bits.append(f'<span class="date">{esc(t(lang, "source_card_date"))}: {esc(display_date(date, lang))}</span>')
    if place:
        bits.append(f'<span class="place">{esc(t(lang, "source_card_place"))}: {esc(place)}</span>')
    bits.append(f'<span class="article-id">{esc(citation.article_id)}</span>')
    return " · ".join(bits)


def source_card(article: Article | None, citations: list[Citation], lang: str, turn: int) -> str:
    """One card for one cited article: title, date, place, each quote highlighted in its paragraph with
    the checker's verdict, and the whole cleaned article behind a disclosure."""
    first = citations[0]
    paragraphs = _paragraphs(article) if article else []
    spans: dict[int, list[tuple[int, int, int]]] = {}
    quotes = []
    for citation in citations:
        where = next(((i, s) for i, p in enumerate(paragraphs) if (s := locate_quote(p, citation.quote))), None)
        if where:
            spans.setdefault(where[0], []).append((where[1][0], where[1][1], citation.marker))
            context = _context(paragraphs[where[0]], [(where[1][0], where[1][1], citation.marker)], turn)
        else:  # the quote is not verbatim in the article text: show it as quoted
            context = f'<mark id="q-{turn}-{citation.marker}">{esc(citation.quote)}</mark>'
        quotes.append(
            f'<div class="quote" id="src-{turn}-{citation.marker}">'
            f'<div class="quote-head"><span class="marker">[{citation.marker}]</span>{_verdict_badge(citation, lang)}</div>'
            f'<blockquote>{context}</blockquote></div>'
        )
    full = ""
    if paragraphs:
        body = "".join(f"<p>{_highlight(p, spans.get(i, []), turn, anchor=False)}</p>" for i, p in enumerate(paragraphs))
        byline = f'<p class="byline">{esc(article.byline)}</p>' if article and article.byline else ""
        full = f'<details class="full-article"><summary>{esc(t(lang, "read_article"))}</summary>{body}{byline}</details>'
    title = article.title if article else first.title
    return (f'<article class="source-card" data-article="{esc(first.article_id)}">'
            f'<h4 class="source-title">{esc(title)}</h4>'
            f'<div class="source-meta">{_meta_line(article, first, lang)}</div>'
            f'{"".join(quotes)}{full}</article>')


def sources_html(answer: Answer | None, articles: Mapping[str, Article], lang: str, turn: int = 0) -> str:
    """The sources panel for one answer: a card per cited article, in order of first citation."""
    if answer is None or not answer.citations:
        key = "no_sources" if answer is None else "declined"
        return f'<div class="sources empty">{esc(t(lang, key))}</div>'
    grouped: dict[str, list[Citation]] = {}
    for citation in sorted(answer.citations, key=lambda c: c.marker):
        grouped.setdefault(citation.article_id, []).append(citation)
    cards = [source_card(articles.get(aid), cites, lang, turn) for aid, cites in grouped.items()]
    return f'<div class="sources">{"".join(cards)}</div>'


def empty_sources_html(lang: str) -> str:
    return f'<div class="sources empty">{esc(t(lang, "no_sources"))}</div>'


# ---------------------------------------------------------------- uploads and status


def upload_report_html(added: Iterable[str], added_files: Iterable[str], rejected: Iterable[tuple[str, str]],
                       warnings: Iterable[str], lang: str) -> str:
    added, added_files, rejected, warnings = list(added), list(added_files), list(rejected), list(warnings)
    parts = []
    if added:
        parts.append(f'<div class="upload ok">✓ {esc(t(lang, "added", n=len(added), files=", ".join(added_files)))}'
                     f'<ul>{"".join(f"<li>{esc(a)}</li>" for a in added)}</ul></div>')
    else:
        parts.append(f'<div class="upload none">{esc(t(lang, "nothing_added"))}</div>')
    if rejected:
        items = "".join(f"<li><strong>{esc(name)}</strong>: {esc(reason)}</li>" for name, reason in rejected)
        parts.append(f'<div class="upload bad">✗ {esc(t(lang, "rejected"))}:<ul>{items}</ul></div>')
    if warnings:
        parts.append(f'<div class="upload warn"><ul>{"".join(f"<li>{esc(w)}</li>" for w in warnings)}</ul></div>')
    return "".join(parts)


def message_html(text: str, kind: str = "info") -> str:
    return f'<div class="upload {esc(kind)}">{esc(text)}</div>'
