"""What a source's context (its "title · date · place" header) may support in a sentence's wording.

The context supports a sentence's place and year and the names its title states, not its other words: a clause
invented from elsewhere in the same article shares the title's topic words ("cán bộ", "đất rừng"), and when they
counted as source words the clause passed as found (issue 12f). So the wording checks read the passage text plus
only the names and places of the title and the header's date and place fields; numbers, dates, years, names and
places are facts, checked against the whole source (passage and context) in rag/cite/support.py.
"""

from __future__ import annotations

from functools import lru_cache

from rag.cite.facts import find_names
from rag.cite.text import match_form
from rag.text.places import admin_names_in, provinces_in


@lru_cache(maxsize=4096)
def text_form(text: str) -> str:
    """The match form of a passage's text alone, without its header."""
    return match_form(text)


@lru_cache(maxsize=4096)
def context_form(header: str) -> str:
    """The match form of the words of a header the wording checks may find: the persons and places its title
    names, and its date and place fields (everything after the title), each apart ("|" between them)."""
    if not header:
        return ""
    title, *fields = header.split(" · ")
    # persons and places only: a title's other capitalised runs are bodies and roles ("Nguyên Bí thư Đảng uỷ
    # Ngoài nước"), topic words a clause invented from the article shares (dev half: persons and places only
    # let one invented clause fewer pass than every capitalised name, and no rewrite more fail)
    names = [n.key for n in find_names(title) if n.is_person] + admin_names_in(title) + provinces_in(title, capitalised=True)
    return " | ".join(match_form(n) for n in [*names, *fields] if n)
