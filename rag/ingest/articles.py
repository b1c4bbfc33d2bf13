"""Loading articles (.txt, .md, .html, .jsonl), cleaning scraped boilerplate, and reading their metadata."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import InputError, NoArticlesError
from rag.ingest.jsonl import jsonl_values
from rag.text.dates import YEAR
from rag.text.places import districts_in, provinces_in
from rag.schema import Article, Place
from rag.text.vietnamese import normalize

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
MAX_FILE_BYTES = 20 * 1024 * 1024  # one news article is a few KB; larger files are rejected, not truncated
MAX_ARTICLE_CHARS = 1_000_000  # ~150 pages: past this, cleaning and chunking one article takes minutes

_BOILERPLATE_LINES = {
    "xuất bản thông tin",
    "chi tiết bài viết tin tức",
    "< trở về trang trước",
    "trở về trang trước",
    "gửi bình luận của bạn",
    "in bài viết",
    "chia sẻ",
}
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_UPDATED_LINE = re.compile(r"^(?:Cập nhật|Ngày đăng|Đăng ngày)[^:]*:\s*(.+)$", re.I)
_CAPTION_LINE = re.compile(r"\((?:Ảnh|Hình|Photo)\s*:[^)]*\)\s*$", re.I)
_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})\b")
_YEAR_PHRASE = re.compile(rf"\bnăm\s+({YEAR})\b(?!\s*[-–]\s*(?:19|20)?\d{{2}})", re.I)
_YEAR_ANY = re.compile(rf"\b({YEAR})\b")
_SENTENCE_END = re.compile(r"[.!?:;\"”)]$")
_BYLINE_MARKERS = re.compile(r"\b(?:BT|Hình|Ảnh|Tin|Bài|PV|CTV)\s*:", re.I)


@dataclass
class LoadReport:
    """Articles read from a folder, plus one warning per file that was skipped (named, with the reason)."""

    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- reading bytes


def read_text(path: Path) -> str:
    """Decode a file as UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is an InputError."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path.name}: {size:,} bytes is too large for an article (limit {MAX_FILE_BYTES:,}); split it")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(f"{path.name}: the file is empty")
    from rag.ingest.encodings import decode_article_bytes

    return decode_article_bytes(raw, path.name)  # UTF-8/16, or Windows-1258, TCVN3, VNI converted


# ---------------------------------------------------------------- cleaning


def _is_boilerplate(line: str) -> bool:
    low = line.lower().strip()
    return low in _BOILERPLATE_LINES or bool(_URL_LINE.match(line.strip())) or low in {"null", "-", "—"}


def _join_wrapped(lines: list[str]) -> list[str]:
    """Rebuild paragraphs: a line continues the previous one unless that one ended a sentence.

    Blank lines always end a paragraph. This repairs hard-wrapped text (seed 004) and leaves
    one-paragraph-per-line files alone.
    """
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        stripped = re.sub(r"\s+", " ", line).strip()
        if not stripped:
            if current:
                paragraphs.append(current)
                current = ""
            continue
        if current and not _SENTENCE_END.search(current):
            current = f"{current} {stripped}"
        else:
            if current:
                paragraphs.append(current)
            current = stripped
    if current:
        paragraphs.append(current)
    return paragraphs


def _looks_like_byline(paragraph: str) -> bool:
    words = paragraph.split()
    if not words or len(words) > 10 or paragraph.endswith((".", "?", "!")):
        return False
    if _BYLINE_MARKERS.search(paragraph):
        return True
    letters = [w for w in words if w[0].isalpha()]
    return bool(letters) and all(w[0].isupper() for w in letters)


@dataclass
class _Cleaned:
    title: str
    paragraphs: list[str]
    byline: str | None
    printed_date: str | None  # from an "updated" metadata line


def clean_scraped_text(text: str, fallback_title: str = "") -> _Cleaned:
    """Remove boilerplate, find the title (dropping its repeat), repair wrapping, split off the byline."""
    text = normalize(text)
    lines = text.splitlines()
    kept: list[str] = []
    printed_date = None
    for line in lines:
        stripped = line.strip()
        if stripped.lower().startswith("null "):
            stripped = stripped[5:].strip()  # the scraper's "null <title>" line
        if _is_boilerplate(stripped):
            continue
        updated = _UPDATED_LINE.match(stripped)
        # Only a short line that is just a date is page metadata; "Cập nhật kết quả: ..." is body text.
        if updated and len(stripped) <= 60 and _iso_date(updated.group(1)):
            printed_date = printed_date or _iso_date(updated.group(1))
            continue
        if _CAPTION_LINE.search(stripped):
            continue
        kept.append(stripped)
    paragraphs = _join_wrapped(kept)
    paragraphs = [re.sub(r"\s*\./\.$", ".", p) for p in paragraphs]

    title = ""
    # A title is a short first line standing alone (a blank line after it) that does not end a sentence.
    first_nonblank = next((i for i, l in enumerate(kept) if l), None)
    if first_nonblank is not None:
        first = kept[first_nonblank]
        next_line = kept[first_nonblank + 1] if first_nonblank + 1 < len(kept) else ""
        has_body = any(kept[first_nonblank + 1 :])  # a lone line is the text itself, not a title
        if has_body and len(first) <= 250 and not first.endswith(".") and not next_line:
            title = first
    if title:
        paragraphs = [p for i, p in enumerate(paragraphs) if not (p == title and i < 4)]
    byline = None
    if len(paragraphs) > 1 and _looks_like_byline(paragraphs[-1]):
        byline = paragraphs.pop()
    if not title:
        title = fallback_title or _title_from_body(paragraphs)
    return _Cleaned(title=title, paragraphs=paragraphs, byline=byline, printed_date=printed_date)


def _title_from_body(paragraphs: list[str]) -> str:
    """No headline (seed 004): use the first sentence, cut at a word boundary."""
    if not paragraphs:
        return ""
    first = re.split(r"(?<=[.!?])\s", paragraphs[0], maxsplit=1)[0]
    if len(first) > 160:
        first = first[:160].rsplit(" ", 1)[0] + "…"
    return first


# ---------------------------------------------------------------- metadata


def _iso_date(text: str) -> str | None:
    match = _DATE.search(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _given_date(value) -> str | None:
    """A date from metadata: 'YYYY-MM-DD', an ISO date-time ('2023-05-10T08:00:00+07:00') or 'd/m/yyyy'."""
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?:[T ]|\s*$)", value)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None
    return _iso_date(value)


def find_date(paragraphs: list[str]) -> str | None:
    """The first printed date in the opening paragraphs ('Sáng ngày 12/01/2021', 'Ngày 19/8/2022')."""
    for paragraph in paragraphs[:2]:
        date = _iso_date(paragraph[:200])
        if date:
            return date
    return None


def find_place(title: str, paragraphs: list[str]) -> Place:
    """The district named most often (title counts triple), and a province named in the text, if any."""
    body = "\n".join(paragraphs)
    counts: Counter[str] = Counter()
    for name in districts_in(title):
        counts[name] += 3
    for name in districts_in(body):
        counts[name] += 1
    district = counts.most_common(1)[0][0] if counts else None
    provinces = provinces_in(f"{title}\n{body}", capitalised=True)  # edited text: names have capitals
    return Place(district=district, province=provinces[0] if provinces else None)


def reported_years(title: str, paragraphs: list[str], date: str | None) -> tuple[int, ...]:
    """Years the article reports on: title years, the publication year, and 'năm YYYY' up to it.

    Plans for later years ('phương hướng năm 2022') and terms ('nhiệm kỳ 2020 - 2025') are mentions, not
    reports; without a publication date, every 'năm YYYY' counts.
    """
    pub_year = int(date[:4]) if date else None
    years: set[int] = {int(y) for y in _YEAR_ANY.findall(title)}
    if pub_year:
        years.add(pub_year)
    for paragraph in paragraphs:
        for y in _YEAR_PHRASE.findall(paragraph):
            if pub_year is None or int(y) <= pub_year:
                years.add(int(y))
    return tuple(sorted(years))


def build_article(
    article_id: str,
    raw_text: str,
    *,
    source: str,
    title: str = "",
    date: str | None = None,
    url: str | None = None,
    district: str | None = None,
    province: str | None = None,
    byline: str | None = None,
) -> Article:
    """Clean raw text and derive the metadata the text does not already give."""
    if len(raw_text) > MAX_ARTICLE_CHARS:
        raise InputError(f"{source}: {len(raw_text):,} characters is too long for one article (limit "
                         f"{MAX_ARTICLE_CHARS:,}); split it into articles")
    title = " ".join(str(title).split())  # a title is one line: a line break in it could forge prompt structure
    cleaned = clean_scraped_text(raw_text, fallback_title=normalize(title))
    paragraphs = cleaned.paragraphs
    final_title = normalize(title) if title else " ".join(cleaned.title.split())
    if not paragraphs:
        raise InputError(f"{source}: no article text left after removing boilerplate")
    iso = _given_date(date) or find_date(paragraphs) or cleaned.printed_date
    place = find_place(final_title, paragraphs)
    if district or province:
        place = Place(district=normalize(district) if district else place.district,
                      province=normalize(province) if province else place.province)
    return Article(
        id=article_id,
        title=final_title,
        text="\n\n".join(paragraphs),
        date=iso,
        place=place,
        years=reported_years(final_title, paragraphs, iso),
        byline=cleaned.byline or (" ".join(byline.split()) if byline else None),
        source=source,
        url=url,
    )


# ---------------------------------------------------------------- formats


def _load_txt(path: Path) -> list[Article]:
    return [build_article(path.stem, read_text(path), source=str(path))]


def _parse_front_matter(text: str) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end < 0:
        return {}, text
    header, body = text[3:end], text[end + 4 :]
    meta: dict = {}
    for line in header.splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            meta[key.strip().lower()] = value.strip().strip("'\"")
    return meta, body


def _strip_markdown(body: str) -> str:
    body = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", body)  # images
    body = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", body)  # links keep their text
    body = re.sub(r"^#{1,6}\s*", "", body, flags=re.M)
    body = re.sub(r"(\*\*|__|\*|_|`)", "", body)
    return body


def _load_md(path: Path) -> list[Article]:
    meta, body = _parse_front_matter(read_text(path))
    return [
        build_article(
            str(meta.get("id") or path.stem),
            _strip_markdown(body),
            source=str(path),
            title=meta.get("title", ""),
            date=meta.get("date"),
            url=meta.get("url"),
            district=meta.get("district") or meta.get("place"),
            province=meta.get("province"),
        )
    ]


def _load_html(path: Path) -> list[Article]:
    from rag.ingest.html import read_html

    page = read_html(read_text(path))
    return [build_article(path.stem, page.text, source=str(path), title=page.title, date=page.date,
                          url=page.url, byline=page.author)]


def _load_jsonl(path: Path, warnings: list[str]) -> list[Article]:
    articles = []
    for number, record, problem in jsonl_values(read_text(path)):  # split on "\n" only: see rag.ingest.jsonl
        where = f"{path.name}:{number}"
        try:
            if problem:
                raise InputError(problem)
            if not isinstance(record, dict):
                raise InputError(f"{where}: each line must be a JSON object with 'id' and 'text' (or 'body')")
            text = record.get("text") or record.get("body")
            if not record.get("id") or not text:
                raise InputError(f"{where}: needs 'id' and 'text' (or 'body')")
            articles.append(
                build_article(
                    str(record["id"]), str(text), source=where, title=str(record.get("title") or ""),
                    date=record.get("date"), url=record.get("url"),
                    district=record.get("district") or record.get("place"), province=record.get("province"),
                )
            )
        except InputError as exc:
            warnings.append(f"skipped {where}: {exc}")
        except (TypeError, ValueError, AttributeError) as exc:  # a field of the wrong type
            warnings.append(f"skipped {where}: a field has the wrong type ({exc})")
    return articles


def load_file(path: Path, warnings: list[str] | None = None) -> list[Article]:
    """Articles in one file; raises InputError naming the file when it cannot be read."""
    warnings = warnings if warnings is not None else []
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return _load_txt(path)
    if suffix == ".md":
        return _load_md(path)
    if suffix in (".html", ".htm"):
        return _load_html(path)
    if suffix == ".jsonl":
        return _load_jsonl(path, warnings)
    raise InputError(f"{path.name}: unsupported file type '{suffix}'; use one of {', '.join(SUPPORTED_SUFFIXES)}")


def content_hash(article: Article) -> str:
    return hashlib.sha256(f"{article.title}\n{article.text}".encode()).hexdigest()


def load_articles(paths: list[Path] | Path) -> LoadReport:
    """Read every supported file under a folder (or the files given), skipping bad ones with a warning.

    Duplicates (same id, or same cleaned content under another name) keep the first and warn.
    Raises NoArticlesError when nothing readable is left.
    """
    if isinstance(paths, Path):
        if not paths.exists():
            raise InputError(f"source folder {paths} does not exist")
        files = sorted(p for p in paths.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES) \
            if paths.is_dir() else [paths]
        where = str(paths)
    else:
        files, where = list(paths), ", ".join(p.name for p in paths)
    report = LoadReport()
    seen_ids: dict[str, str] = {}
    seen_hashes: dict[str, str] = {}
    for path in files:
        try:
            loaded = load_file(path, report.warnings)
        except InputError as exc:
            report.warnings.append(f"skipped {exc}")
            continue
        except (OSError, ValueError) as exc:
            report.warnings.append(f"skipped {path.name}: {exc}")
            continue
        for article in loaded:
            digest = content_hash(article)
            if article.id in seen_ids:
                report.warnings.append(f"skipped {article.source}: duplicate article id '{article.id}' (first in {seen_ids[article.id]})")
                continue
            if digest in seen_hashes:
                report.warnings.append(f"skipped {article.source}: same text as article '{seen_hashes[digest]}'")
                continue
            seen_ids[article.id] = article.source
            seen_hashes[digest] = article.id
            report.articles.append(article)
    if not report.articles:
        detail = "; ".join(report.warnings[:5]) if report.warnings else f"no {', '.join(SUPPORTED_SUFFIXES)} files"
        raise NoArticlesError(f"no articles could be read from {where} ({detail})")
    return report
