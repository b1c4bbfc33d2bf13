"""Saved web pages to article text: trafilatura (main text, title, date, author) when it is installed,
else a small html.parser reader. The result goes through the same cleaning and metadata rules as a .txt.

trafilatura drops what surrounds the article on real news pages (menus, breadcrumbs, related-article
lists, most-read boxes, comments, scripts, footers). The page's own lead (the 'sapo', printed above the
body and repeated in <meta name="description">) is often outside the node it keeps: it is put back when
the page shows it (tests/data/html has pages of that shape).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

MIN_LEAD_CHARS = 40  # shorter descriptions are site slogans, not a lead paragraph
# A table cell longer than this holds paragraphs: the table lays out the page (menus, side columns,
# footer around the article, as on district portals), so tables are left out and the text read again.
LAYOUT_CELL_CHARS = 300


@dataclass(frozen=True)
class HtmlPage:
    text: str  # paragraphs separated by blank lines
    title: str
    date: str | None
    author: str | None
    url: str | None
    reader: str  # "trafilatura" or "html.parser"


class _HtmlText(HTMLParser):
    """Collects visible text by block; drops scripts, styles and page furniture."""

    _SKIP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg"}
    _BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "li", "tr", "section", "article", "figcaption"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.title = ""
        self.h1 = ""
        self._in: str | None = None
        self.meta: dict[str, str] = {}
        self._content_depth = 0  # inside <article> or <main>
        self._skipping: list[bool] = []  # per open _SKIP tag: was it skipped?

    def handle_starttag(self, tag, attrs):
        if tag in ("article", "main"):
            self._content_depth += 1
        if tag in self._SKIP:
            # An article's own <header> holds its headline; only the page's header is furniture.
            skip = not (tag == "header" and self._content_depth)
            self._skipping.append(skip)
            self.skip_depth += skip
        if tag in self._BLOCK:
            self.parts.append("\n\n")
        if tag in ("title", "h1"):
            self._in = tag
        if tag == "meta":
            a = dict(attrs)
            key = (a.get("property") or a.get("name") or "").lower()
            if key and a.get("content"):
                self.meta[key] = a["content"]

    def handle_endtag(self, tag):
        if tag in ("article", "main") and self._content_depth:
            self._content_depth -= 1
        if tag in self._SKIP and self._skipping:
            self.skip_depth -= self._skipping.pop()
        if tag in self._BLOCK:
            self.parts.append("\n\n")
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self.skip_depth:
            return
        if self._in == "title":
            self.title += data
            return
        if self._in == "h1":
            self.h1 += data
        self.parts.append(data)


def _parsed(html: str) -> _HtmlText:
    parser = _HtmlText()
    parser.feed(html)
    return parser


def read_html_fallback(html: str) -> HtmlPage:
    """Without trafilatura: visible text minus scripts, styles, nav, header, footer, aside and forms."""
    parser = _parsed(html)
    text = "".join(parser.parts)
    title = (parser.h1 or parser.meta.get("og:title") or parser.title).strip()
    if title and parser.h1:
        text = text.replace(parser.h1, "", 1)
    date = parser.meta.get("article:published_time", "")[:10] or None
    return HtmlPage(text=text, title=title, date=date, author=parser.meta.get("author"),
                    url=parser.meta.get("og:url"), reader="html.parser")


def _squeeze(text: str) -> str:
    return " ".join(text.split())


# Elements whose text a reader never sees (code, fallbacks for other media, inert templates); trafilatura
# keeps the text of some of them (<noscript>, an <iframe>'s fallback, <template>), so they go first.
_HIDDEN = ("script", "style", "noscript", "iframe", "template", "svg", "object", "embed", "canvas")
_CDATA = re.compile(r"<!\[CDATA\[.*?(?:\]\]>|$)", re.S)


def _without_hidden(html: str):
    """The page as an lxml tree without `_HIDDEN` elements (their tail text, which is visible, stays)."""
    from lxml import html as lxml_html

    html = _CDATA.sub("", html)  # lxml reads it as a bogus comment ending at its first '>' and shows the rest
    try:
        tree = lxml_html.document_fromstring(html)
    except ValueError:  # a string with an XML encoding declaration: lxml wants bytes
        tree = lxml_html.document_fromstring(html.encode("utf-8"))
    for element in tree.xpath(" | ".join(f"//{tag}" for tag in _HIDDEN)):
        element.drop_tree()
    return tree


def read_html(html: str) -> HtmlPage:
    """The article in a saved page: trafilatura's main text and metadata; the fallback reader when
    trafilatura is not installed or finds no main text (a bare page with only a few paragraphs)."""
    try:
        import trafilatura
    except ImportError:
        return read_html_fallback(html)
    def extract(tables: bool) -> dict:
        doc = trafilatura.bare_extraction(_without_hidden(html), with_metadata=True, include_comments=False,
                                          include_tables=tables, include_images=False, include_links=False,
                                          deduplicate=False)
        return (doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)) if doc is not None else {}

    page = _parsed(html)
    if not _squeeze("".join(page.parts)):  # only menus, headers, footers and scripts: no article here
        return read_html_fallback(html)  # (trafilatura would hand back the menu's link text)
    data = extract(tables=True)
    body = (data.get("text") or "").strip()
    if any(len(cell.strip()) > LAYOUT_CELL_CHARS for line in body.splitlines() if line.startswith("|")
           for cell in line.split("|")):
        data = extract(tables=False)
        body = (data.get("text") or "").strip()
    if not body:
        return read_html_fallback(html)
    paragraphs = [line.strip() for line in body.splitlines() if line.strip()]  # one line per block element
    # The headline is the title, not body text (as in the fallback reader): trafilatura may keep the <h1>'s
    # lines at the top of the text, where a crafted multi-line headline would read as body lines.
    headline = [_squeeze(line) for line in page.h1.splitlines() if line.strip()]
    for i in range(len(paragraphs) - len(headline) + 1 if headline else 0):
        if [_squeeze(p) for p in paragraphs[i : i + len(headline)]] == headline:
            del paragraphs[i : i + len(headline)]
            break
    lead = _squeeze(data.get("description") or "")
    if len(lead) >= MIN_LEAD_CHARS and lead not in _squeeze(body):
        if lead in _squeeze(" ".join(page.parts)):  # printed on the page (the sapo), not only a search-engine blurb
            paragraphs.insert(0, lead)
    author = data.get("author")
    # The headline as the fallback reader takes it (<h1>, else og:title); without either, the <title> is
    # usually the site's name ("Cổng thông tin điện tử huyện ..."), so the text's own rules pick the title.
    meta_title = page.meta.get("og:title") or page.meta.get("twitter:title")
    title = _squeeze(page.h1) or (_squeeze(data.get("title") or meta_title) if meta_title else "")
    return HtmlPage(text="\n\n".join(paragraphs), title=title, date=data.get("date"),
                    author=_squeeze(author) if author else None, url=data.get("url"), reader="trafilatura")


