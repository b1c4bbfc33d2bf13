"""The one [n] marker grammar: [1], [1, 3], [1-3], [1–3], [1 and 2], [1 và 2], [1][2].

Every module that reads, strips, links or renumbers citation markers calls this one (the checker, the
evaluation metrics, the LLM answerer, the UI). A leaf module: it imports nothing from the project, so any
layer may use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*(?:[-–,;]|and|và)\s*\d{1,3})*)\s*\]")
_MAX_RANGE = 20  # "[1-300]" is a typo, not three hundred citations
# A prefix of a marker still being streamed ("[1, "): held back until it closes or cannot be one.
_OPEN_MARKER = re.compile(r"\[[\d\s,;–\-andvà]*")


def parse_marker(body: str) -> list[int]:
    """'1, 3' -> [1, 3]; '1-3' -> [1, 2, 3]; order kept, repeats dropped."""
    numbers: list[int] = []
    for part in re.split(r"\s*(?:[,;]|and|và)\s*", body.strip()):
        bounds = [int(x) for x in re.split(r"\s*[-–]\s*", part) if x.strip().isdigit()]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] < _MAX_RANGE:
            numbers.extend(range(bounds[0], bounds[1] + 1))
        else:
            numbers.extend(bounds)
    return list(dict.fromkeys(numbers))


def markers_in(text: str) -> list[int]:
    """Every source number the text cites, in order of first use."""
    return list(dict.fromkeys(n for m in MARKER.finditer(text) for n in parse_marker(m.group(1))))


def strip_markers(text: str, replacement: str = "") -> str:
    """The text without its markers (and the space before each when `replacement` is empty)."""
    if replacement:
        return MARKER.sub(replacement, text)
    return re.sub(r"\s*" + MARKER.pattern, "", text).strip()


def sub_markers(text: str, render: Callable[[list[int]], str]) -> str:
    """Replace each marker by `render(numbers)`, e.g. links in the UI."""
    return MARKER.sub(lambda m: render(parse_marker(m.group(1))), text)


def move_markers_before_stop(text: str) -> str:
    """'... mới. [1] Huyện ...' -> '... mới [1]. Huyện ...': a marker after the full stop belongs to the
    sentence before it."""
    group = r"((?:" + MARKER.pattern + r"\s*)+)"
    return re.sub(r"([.!?…])(\s*)" + group, lambda m: f" {m.group(3).strip()}{m.group(1)} ", text)


@dataclass(frozen=True)
class Renumbered:
    """Text with markers renumbered 1, 2, ... in order of first use; `mapping` is old -> new."""

    text: str
    mapping: dict[int, int]
    removed: tuple[int, ...]  # markers naming no source, taken out of the text


def _rewrite(body: str, n_sources: int, mapping: dict[int, int], removed: list[int]) -> str:
    kept = []
    for n in parse_marker(body):
        if 1 <= n <= n_sources:
            mapping.setdefault(n, len(mapping) + 1)
            kept.append(mapping[n])
        elif n not in removed:
            removed.append(n)
    return "".join(f"[{k}]" for k in dict.fromkeys(kept))


def renumber(text: str, n_sources: int) -> Renumbered:
    """Renumber markers in order of first use, drop those outside 1..n_sources, write groups as [1][2]."""
    mapping: dict[int, int] = {}
    removed: list[int] = []
    out = MARKER.sub(lambda m: _rewrite(m.group(1), n_sources, mapping, removed), text)
    out = re.sub(r"[ \t]+([.,;:!?])", r"\1", out)  # the space left before punctuation by a removed marker
    out = re.sub(r"[ \t]{2,}", " ", out).strip()
    return Renumbered(out, mapping, tuple(removed))


class MarkerRewriter:
    """`renumber` for streamed text: pieces go in, text with markers already renumbered comes out, the
    same numbering `renumber` gives the whole text. A piece ending inside "[1, " is held back until the
    marker closes."""

    def __init__(self, n_sources: int) -> None:
        self.n_sources = n_sources
        self.mapping: dict[int, int] = {}
        self.removed: list[int] = []
        self._pending = ""

    def feed(self, piece: str) -> str:
        text, out = self._pending + piece, []
        self._pending = ""
        while text:
            i = text.find("[")
            if i < 0:
                out.append(text)
                break
            out.append(text[:i])
            text = text[i:]
            m = MARKER.match(text)
            if m:
                out.append(_rewrite(m.group(1), self.n_sources, self.mapping, self.removed))
                text = text[m.end():]
            elif len(text) < 40 and _OPEN_MARKER.fullmatch(text):
                self._pending = text  # maybe the start of a marker
                break
            else:
                out.append("[")
                text = text[1:]
        return "".join(out)

    def flush(self) -> str:
        rest, self._pending = self._pending, ""
        return rest
