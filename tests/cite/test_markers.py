"""One [n] marker grammar: the checker, the metrics, the LLM answerer and the UI read markers alike."""

from __future__ import annotations

import pytest

from rag.cite import markers
from rag.cite.support import claim_text
from rag.evaluate import metrics
from ui import render

FORMS = [("A [1].", [1]), ("A [1-3].", [1, 2, 3]), ("A [1–2; 4].", [1, 2, 4]), ("A [1, 3][5].", [1, 3, 5]),
         ("A [2 và 3].", [2, 3]), ("A [ 7 ].", [7])]


@pytest.mark.parametrize("text, expected", FORMS)
def test_every_reader_parses_every_form(text, expected):
    assert markers.markers_in(text) == expected
    assert render.markers_in(text) == expected
    assert metrics.markers(text) == expected
    assert claim_text(text) == "A." and metrics.strip_markers(text).strip(" .") == "A"


def test_ui_links_every_number_of_a_range():
    html = render._link_markers("A [1-2].", {}, 0)
    assert html == "A [1][2]."


def test_no_other_marker_regex_in_the_code():
    """Grammar drift starts with a second regex: only rag/cite/markers.py may spell one."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\\\[\\?s?\*?\(?\\d")  # a regex literal opening with "\[" then digits
    offenders = [str(p.relative_to(root)) for folder in ("rag", "ui") for p in (root / folder).rglob("*.py")
                 if p.name != "markers.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
