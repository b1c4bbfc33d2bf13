"""The shape of a multi-point answer: a lead line naming the sources, then bullets, each a quoted
sentence or clause with its own [n], grouped under one heading per article (or per side of a
comparison). Shared by the synthesis and collection answerers so both read the same."""

from __future__ import annotations

from dataclasses import dataclass

from rag.text.dates import display_date as format_date
from rag.schema import Citation, Hit

# What the lead line says the bullets are, per question type, in the question's language.
_WHAT = {
    "vi": {"report": "các nội dung chính", "plan": "các nhiệm vụ, phương hướng được nêu",
           "list": "những người, đơn vị được nêu", "digest": "các tin chính", "comparison": "so sánh",
           "collection": "các bài viết"},
    "en": {"report": "the main points", "plan": "the tasks and directions it sets",
           "list": "the people and bodies it names", "digest": "the main news", "comparison": "side by side",
           "collection": "the articles"},
}


@dataclass(frozen=True)
class Bullet:
    """One quoted piece: `text` is verbatim from the chunk of `hit`."""

    text: str
    hit: Hit
    label: str = ""  # written before the quote, e.g. the article's title when the bullet stands for an article


@dataclass(frozen=True)
class Section:
    """A heading (an article, or one side of a comparison) and its bullets, in reading order."""

    heading: str
    bullets: tuple[Bullet, ...]


def source_label(hit: Hit, language: str) -> str:
    """“Title” (date, place), the way every lead line and heading names an article."""
    chunk = hit.chunk
    meta = ", ".join(p for p in (format_date(chunk.date, language), chunk.place.label()) if p)
    return f"“{chunk.title}”" + (f" ({meta})" if meta else "")


# The terse lead line of a pure summary of the article the question names: the question already says what the bullets
# are ("… đưa tin gì?"), so the line only says where they come from, in as few words as a reader needs.
_TERSE = {"vi": "Bài này{meta} đưa tin:", "en": "This article{meta} reports:"}


def lead_line(kind: str, language: str, sources: list[Hit], frame: str = "", title_asked: bool = False,
              terse: bool = False) -> str:
    """One line: which article(s) the bullets come from, framed in the question's language. When the question
    itself quotes the one source's title (`title_asked`), the line names it as "this article" with its date and
    place: the reader has just typed the title, and every bullet's citation names it again. `terse` (with
    `title_asked`): "Bài này (date, place) đưa tin:", every word of a summary's budget being one a point could use."""
    what = _WHAT[language].get(kind, _WHAT[language]["report"])
    if len(sources) == 1:
        label = source_label(sources[0], language)
        if title_asked:
            meta = label[label.index("”") + 1:]
            if terse:
                return _TERSE[language].format(meta=meta)
            label = ("này" if language == "vi" else "this article") + meta
        return f"Theo bài {label}, {what}:" if language == "vi" else f"From {label}, {what}:"
    n = len(sources)
    where = f" {frame}" if frame else ""
    if language == "vi":
        return f"Tổng hợp từ {n} bài viết{where}, {what}:"
    return f"From {n} articles{where}, {what}:"


def render(lead: str, sections: list[Section], language: str) -> tuple[str, tuple[Citation, ...]]:
    """The answer text and one citation per bullet, numbered in reading order."""
    lines = [lead]
    citations: list[Citation] = []
    for section in sections:
        if section.heading:
            lines.append(section.heading)
        for bullet in section.bullets:
            marker = len(citations) + 1
            chunk = bullet.hit.chunk
            citations.append(Citation(marker=marker, article_id=chunk.article_id, chunk_id=chunk.id,
                                      title=chunk.title, date=chunk.date, place=chunk.place.label(),
                                      quote=bullet.text, supported=None))
            quote = bullet.text.strip().rstrip(" .;:,")
            body = f"“{quote}”" if language == "en" else quote
            lines.append(f"- {bullet.label}{body} [{marker}].")
    return "\n".join(lines), tuple(citations)
