"""Vietnamese place names: provinces, administrative prefixes, and finding place names in text.

Districts are not listed here: the corpus gazetteer is built from the articles' own metadata
(`rag.retrieve.planning.Gazetteer`), so a new district appears as soon as an article from it is indexed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text.vietnamese import fold, has_vietnamese_letter, normalize

# The 63 provinces and cities before the 2025 merger (the 34 after it keep names from this list),
# plus common English spellings users type.
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre",
    "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng",
    "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam",
    "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa",
    "Kiên Giang", "Kon Tum", "Lai Châu", "Lạng Sơn", "Lào Cai", "Lâm Đồng", "Long An", "Nam Định",
    "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam",
    "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình",
    "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Huế", "Thành phố Hồ Chí Minh", "Hồ Chí Minh",
    "Sài Gòn", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)
ENGLISH_ALIASES = {"hanoi": "Hà Nội", "ho chi minh city": "Hồ Chí Minh", "saigon": "Sài Gòn", "danang": "Đà Nẵng",
                   # the city's usual abbreviation ("TP. HCM", "TP.HCM", "TPHCM"): never the person
                   "hcm": "Hồ Chí Minh", "tphcm": "Hồ Chí Minh"}

# "Hồ Chí Minh" is mostly the person in Party news ("tư tưởng Hồ Chí Minh"), not the city.
_AMBIGUOUS_PROVINCES = {"ho chi minh"}

# Candidate names are up to three words after an administrative word; `_capitalised_prefix` keeps the
# leading capitalised ones (a regex class cannot say "uppercase" for all Vietnamese letters).
_NAME = r"\w+(?:[ \t]+\w+){0,2}"
# "Huyện ủy Tháp Mười", "huyện Cao Lãnh", "thị xã Hồng Ngự", "quận Ba Đình"
_DISTRICT_PATTERN = re.compile(
    rf"\b(?:[Hh]uyện\s+(?:[UuỦủ]y\s+)?|[Qq]uận\s+(?:[UuỦủ]y\s+)?|[Tt]hị\s+xã\s+|[Tt]hị\s+[Ủủ]y\s+)({_NAME})"
)
_PROVINCE_PATTERN = re.compile(rf"\b(?:[Tt]ỉnh\s+(?:ủy\s+)?|[Tt]hành\s+phố\s+|TP\.?\s*)({_NAME})")
# English: "Tháp Mười district", "the district of Cao Lãnh", "Nam Dinh province"
_EN_DISTRICT = re.compile(r"((?:\w+[ \t]+){1,3})(?:district|District|town|county)\b")
_EN_PROVINCE = re.compile(r"((?:\w+[ \t]+){1,3})(?:province|Province|city|City)\b")

_PROVINCE_BY_FOLD = {fold(p): p for p in PROVINCES}


def _capitalised_prefix(words: str) -> str | None:
    kept = []
    for word in words.split():
        if not word[0].isupper() or word.isdigit():
            break
        kept.append(word)
    return " ".join(kept) or None


def _capitalised_suffix(words: str) -> str | None:
    kept = []
    for word in reversed(words.split()):
        if not word[0].isupper() or word.lower() in {"the", "of", "in", "what", "did", "how"}:
            break
        kept.append(word)
    return " ".join(reversed(kept)) or None


def province_key(name: str) -> str | None:
    """The folded key of a province name, or None when it is not a province."""
    key = fold(name).strip()
    key = fold(ENGLISH_ALIASES.get(key, name))
    return key if key in _PROVINCE_BY_FOLD else None


# Administrative words that may introduce a place name, accented and not ("quận Cam", "huyen gia lam").
_ADMIN_BEFORE = r"(?i:huyện|quận|thị xã|tỉnh|thành phố|tp|huyen|quan|thi xa|tinh|thanh pho)"


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text))


def _part_of_name(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() and has_vietnamese_letter(word) and not re.fullmatch(
        _ADMIN_BEFORE, word)


def _inside_longer_name(haystack: str, start: int, end: int) -> bool:
    before, after = haystack[:start].split()[-1:], haystack[end:].split()[:1]
    return any(_part_of_name(w) for w in before + after)


class PlaceText:
    """A text prepared once for finding place names in it (normalised, word-joined), then asked about
    many names: every province, or every place of the corpus gazetteer. Like every finder here, it
    takes normalised text (`rag.text.vietnamese.normalize`): questions are normalised at planning,
    articles at ingest, and not again.

    Words typed with diacritics must match them: folded, "cấm" would read as "Cam" and "tự diễn biến" as
    "Điện Biên". Words typed without them match any accents ("Huyện thap muoi kết nạp..." names Tháp
    Mười). With `capitalised`, an accented mention must be written with capitals and must not be part of
    a longer name, i.e. touch another capitalised Vietnamese word: "hòa bình" is peace and "Thái Bình
    Dương" the Pacific, not the provinces (an acronym before the name is fine, "UBND Bình Dương", and
    after an administrative word, "Tỉnh hòa bình", anything goes).
    """

    def __init__(self, text: str, *, capitalised: bool = False) -> None:
        self.haystack = _words(text)
        self.check_capitals = capitalised and fold(text) != text.lower()
        # A name can only match where its first word does (as typed or folded): most of a large
        # gazetteer's names are ruled out here without a regular expression.
        self._folded_words = set(re.findall(r"\w+", fold(self.haystack)))

    def position(self, name: str, *, after_admin_word: bool = False) -> int | None:
        """Where `name` is first mentioned (an offset in the word-joined text), or None. With
        `after_admin_word`, only mentions like "quận Cam", "tỉnh X" count."""
        if _first_word(name) not in self._folded_words:
            return None
        for match in _mention(name, after_admin_word).finditer(self.haystack):
            if self.check_capitals and not self._written_as_a_name(match.start(1), match.end(1)):
                continue
            return match.start(1)
        return None

    def _written_as_a_name(self, start: int, end: int) -> bool:
        if re.search(rf"\b{_ADMIN_BEFORE}\s+$", self.haystack[:start]):
            return True
        capitals = all(word[0].isupper() for word in self.haystack[start:end].split())  # "THÁP MƯỜI" counts
        return capitals and not _inside_longer_name(self.haystack, start, end)


@lru_cache(maxsize=8192)
def _first_word(name: str) -> str:
    words = re.findall(r"\w+", fold(_words(normalize(name))))
    return words[0] if words else ""


@lru_cache(maxsize=8192)
def _mention(name: str, after_admin_word: bool) -> re.Pattern:
    """The pattern of a mention of `name` (compiled once: a 5,000-article gazetteer holds ~600 places,
    more than `re`'s own cache, so every question compiled them all again: 0.45 s)."""
    needle = " ".join(f"(?:{re.escape(w)}|{re.escape(fold(w))})" for w in _words(normalize(name)).split())
    prefix = rf"\b{_ADMIN_BEFORE}\s+" if after_admin_word else r"\b"
    return re.compile(rf"(?i){prefix}({needle})\b")


def provinces_in(text: str, *, capitalised: bool = False) -> list[str]:
    """Province display names mentioned in text, in order of first mention (see `PlaceText`)."""
    found: list[tuple[int, str]] = []
    names = PlaceText(text, capitalised=capitalised)
    aliases = PlaceText(text)  # English spellings ("hanoi") carry no capitals to check
    candidates = [(display, display) for key, display in _PROVINCE_BY_FOLD.items() if key not in _AMBIGUOUS_PROVINCES]
    for name, display in candidates + list(ENGLISH_ALIASES.items()):
        position = (names if name == display else aliases).position(name)
        if position is not None:
            found.append((position, display))
    return [d for _, d in sorted(found)]


def english_aliases_in(text: str) -> list[str]:
    """The display names of the provinces whose English spelling ("Hanoi", "Ho Chi Minh City") the text writes."""
    aliases = PlaceText(text)
    return [display for name, display in ENGLISH_ALIASES.items() if aliases.position(name) is not None]


def districts_in(text: str) -> list[str]:
    """District-level names introduced by 'huyện', 'Huyện ủy', 'quận', 'thị xã' (or 'X district')."""
    names = [_capitalised_prefix(m.group(1)) for m in _DISTRICT_PATTERN.finditer(text)]
    names += [_capitalised_suffix(m.group(1)) for m in _EN_DISTRICT.finditer(text)]
    return [n for n in names if n and province_key(n) is None]


def admin_names_in(text: str) -> list[str]:
    """Every place name introduced by an administrative word, provinces included."""
    names = districts_in(text)
    names += [_capitalised_prefix(m.group(1)) for m in _PROVINCE_PATTERN.finditer(text)]
    names += [_capitalised_suffix(m.group(1)) for m in _EN_PROVINCE.finditer(text)]
    return [n for n in names if n]
