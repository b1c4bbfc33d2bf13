"""Decoding article bytes: UTF-8, UTF-16 and the legacy Vietnamese encodings (Windows-1258, TCVN3, VNI).

Old Vietnamese documents were written in 8-bit font encodings: TCVN3/ABC (one byte per letter, .VnTime
fonts), VNI-Windows (a base letter followed by an accent character, VNI-Times fonts) and Windows-1258
(base letters followed by combining tone marks). All three are converted to NFC Unicode here. The
encoding is decided by decoding with each candidate and counting words that are valid Vietnamese
spelling; text that fits none of them is rejected with a message naming the file and the fix.

TCVN3 has no capital letters with tone marks (documents used the separate .VnTimeH font for capitals,
which draws the same bytes as capitals), so such words come out in lower case.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rag.errors import InputError

# ---------------------------------------------------------------- TCVN3 (ABC)

# Each letter, then the byte TCVN3 gives it (as the character Windows-1252 shows for that byte).
_TCVN3_LETTERS = (
    "à\xb5 á\xb8 ả\xb6 ã\xb7 ạ\xb9 "
    "ă\xa8 ằ\xbb ắ\xbe ẳ\xbc ẵ\xbd ặ\xc6 "
    "â\xa9 ầ\xc7 ấ\xca ẩ\xc8 ẫ\xc9 ậ\xcb "
    "đ\xae "
    "è\xcc é\xd0 ẻ\xce ẽ\xcf ẹ\xd1 "
    "ê\xaa ề\xd2 ế\xd5 ể\xd3 ễ\xd4 ệ\xd6 "
    "ì\xd7 í\xdd ỉ\xd8 ĩ\xdc ị\xde "
    "ò\xdf ó\xe3 ỏ\xe1 õ\xe2 ọ\xe4 "
    "ô\xab ồ\xe5 ố\xe8 ổ\xe6 ỗ\xe7 ộ\xe9 "
    "ơ\xac ờ\xea ớ\xed ở\xeb ỡ\xec ợ\xee "
    "ù\xef ú\xf3 ủ\xf1 ũ\xf2 ụ\xf4 "
    "ư\xad ừ\xf5 ứ\xf8 ử\xf6 ữ\xf7 ự\xf9 "
    "ỳ\xfa ý\xfd ỷ\xfb ỹ\xfc ỵ\xfe "
    "Ă\xa1 Â\xa2 Ê\xa3 Ô\xa4 Ơ\xa5 Ư\xa6 Đ\xa7"
)
TCVN3_TO_UNICODE: dict[int, str] = {ord(pair[1]): pair[0] for pair in _TCVN3_LETTERS.split()}


def tcvn3_to_unicode(raw: bytes) -> str:
    """TCVN3 bytes -> NFC text. Bytes that are not letters keep their Windows-1252 meaning (quotes, dashes)."""
    out = []
    for byte in raw:
        letter = TCVN3_TO_UNICODE.get(byte)
        out.append(letter if letter is not None else bytes([byte]).decode("cp1252", errors="replace"))
    return unicodedata.normalize("NFC", "".join(out))


# ---------------------------------------------------------------- VNI-Windows

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"

# The accent characters VNI puts after a vowel (lower-case forms; capitals use the upper-case character).
_VNI_TONES = {"ø": _GRAVE, "ù": _ACUTE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRCUMFLEX = {"â": "", "à": _GRAVE, "á": _ACUTE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}  # after a, e, o
_VNI_BREVE = {"ê": "", "è": _GRAVE, "é": _ACUTE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}  # after a
# Letters VNI writes as one character of their own.
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}

_VNI_MARKS = "".join(set(_VNI_TONES) | set(_VNI_CIRCUMFLEX) | set(_VNI_BREVE))
_VNI_PAIR = re.compile(f"([aeouyôöAEOUYÔÖ])([{_VNI_MARKS}{_VNI_MARKS.upper()}])")
_VNI_ALONE = re.compile(f"[{''.join(_VNI_SINGLE)}{''.join(_VNI_SINGLE).upper()}]")


def _vni_pair(match: re.Match) -> str:
    base, mark = match.group(1), match.group(2).lower()
    low = base.lower()
    if low in "ôö":  # ơ / ư take a tone only
        letter = _VNI_SINGLE[low]
        letter = letter.upper() if base.isupper() else letter
        return unicodedata.normalize("NFC", letter + _VNI_TONES[mark]) if mark in _VNI_TONES else match.group(0)
    if mark in _VNI_TONES:
        return unicodedata.normalize("NFC", base + _VNI_TONES[mark])
    if mark in _VNI_CIRCUMFLEX and low in "aeo":
        return unicodedata.normalize("NFC", base + _CIRCUMFLEX + _VNI_CIRCUMFLEX[mark])
    if mark in _VNI_BREVE and low == "a":
        return unicodedata.normalize("NFC", base + _BREVE + _VNI_BREVE[mark])
    return match.group(0)  # not a VNI combination: leave both characters alone


def _vni_alone(match: re.Match) -> str:
    char = match.group(0)
    letter = _VNI_SINGLE[char.lower()]
    return letter.upper() if char.isupper() else letter


def vni_to_unicode(raw: bytes) -> str:
    """VNI-Windows bytes -> NFC text: 'Thaùp Möôøi' -> 'Tháp Mười'."""
    text = raw.decode("cp1252", errors="replace")
    # One pass over base+accent pairs first, so a converted 'ô' is never read again as VNI's 'ơ'.
    pieces, last = [], 0
    for match in _VNI_PAIR.finditer(text):
        pieces.append(_VNI_ALONE.sub(_vni_alone, text[last:match.start()]))
        pieces.append(_vni_pair(match))
        last = match.end()
    pieces.append(_VNI_ALONE.sub(_vni_alone, text[last:]))
    return unicodedata.normalize("NFC", "".join(pieces))


def cp1258_to_unicode(raw: bytes) -> str:
    """Windows-1258 bytes (base letters + combining tone marks) -> NFC text."""
    return unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace"))


# ---------------------------------------------------------------- encoding (for tests and round trips)

_UNICODE_TO_TCVN3 = {letter: byte for byte, letter in TCVN3_TO_UNICODE.items()}
_TONE_OF_VNI = {mark: char for char, mark in _VNI_TONES.items()}
_CIRCUMFLEX_OF_VNI = {mark: char for char, mark in _VNI_CIRCUMFLEX.items()}
_BREVE_OF_VNI = {mark: char for char, mark in _VNI_BREVE.items()}
_SINGLE_OF_VNI = {letter: char for char, letter in _VNI_SINGLE.items()}


def unicode_to_tcvn3(text: str) -> bytes:
    """NFC text -> TCVN3 bytes (capitals with tone marks become lower case: TCVN3 has none)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in _UNICODE_TO_TCVN3:
            out.append(_UNICODE_TO_TCVN3[ch])
        elif ch.lower() in _UNICODE_TO_TCVN3 and not ch.isascii():
            out.append(_UNICODE_TO_TCVN3[ch.lower()])
        else:
            out += ch.encode("cp1252")
    return bytes(out)


def unicode_to_vni(text: str) -> bytes:
    """NFC text -> VNI-Windows bytes."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            out.append(ch)
            continue
        upper = ch.isupper()
        parts = unicodedata.normalize("NFD", ch.lower())
        base, marks = parts[0], set(parts[1:])
        tone = next((m for m in parts[1:] if m in _TONES), "")
        if base == "đ" or ch.lower() == "đ":
            piece = "ñ"
        elif _HORN in marks:
            piece = _SINGLE_OF_VNI["ơ" if base == "o" else "ư"] + (_TONE_OF_VNI[tone] if tone else "")
        elif base == "i" and tone:
            piece = {_GRAVE: "ì", _ACUTE: "í", _HOOK: "æ", _TILDE: "ó", _DOT: "ò"}[tone]
        elif base == "y" and tone == _DOT:
            piece = "î"
        elif _CIRCUMFLEX in marks:
            piece = base + _CIRCUMFLEX_OF_VNI[tone]
        elif _BREVE in marks:
            piece = base + _BREVE_OF_VNI[tone]
        elif tone:
            piece = base + _TONE_OF_VNI[tone]
        else:
            out.append(ch)
            continue
        out.append(piece.upper() if upper else piece)
    return "".join(out).encode("cp1252")


def unicode_to_cp1258(text: str) -> bytes:
    """NFC text -> Windows-1258 bytes: letters with circumflex, breve or horn precomposed, tones combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts[1:] if m in _TONES)
        letter = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONES)) if tones else ch
        out.append(letter + tones)
    return "".join(out).encode("cp1258")


# ---------------------------------------------------------------- detection

_VIETNAMESE_MARKS = {_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT, _CIRCUMFLEX, _BREVE, _HORN}
_TONES = {_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT}
_WORD = re.compile(r"[^\W\d_]+")
_BASE_LETTERS = set("abcdefghijklmnopqrstuvwxyzđ")
LEGACY_NAMES = {"cp1258": "Windows-1258", "tcvn3": "TCVN3 (ABC)", "vni": "VNI-Windows"}
_CONVERTERS = {"cp1258": cp1258_to_unicode, "tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}
_ICONV = {"cp1258": "iconv -f CP1258 -t UTF-8 {name} > {stem}.utf8.txt",
          "tcvn3": "iconv -f TCVN5712-1 -t UTF-8 {name} > {stem}.utf8.txt",
          "vni": "UniKey's converter (Công cụ chuyển mã, VNI Windows -> Unicode); iconv has no VNI table"}


def _word_ok(word: str) -> bool:
    """Spelled with Vietnamese letters and at most one tone mark (English words pass too)."""
    letters = unicodedata.normalize("NFD", word.lower())
    tones = 0
    for ch in letters:
        if ch in _TONES:
            tones += 1
        elif ch not in _BASE_LETTERS and ch not in _VIETNAMESE_MARKS:
            return False
    return tones <= 1


@dataclass(frozen=True)
class Fit:
    """How well a decoding reads as Vietnamese: words with accents that are well spelled, and words
    that cannot be Vietnamese at all (stray symbols inside letters, two tones, foreign letters)."""

    accented_ok: int
    bad: int
    replaced: int  # bytes the encoding could not decode

    @property
    def score(self) -> float:
        return self.accented_ok - 3 * self.bad - 3 * self.replaced


def fit(text: str) -> Fit:
    ok = bad = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if _word_ok(word):
            ok += 1
        else:
            bad += 1
    # Letters written next to symbols that TCVN3/VNI bytes turn into in the wrong decoding (µ¸¶·¹ ...).
    bad += len(re.findall(r"(?<=[^\W\d_])[\xa1-\xbf\xd7\xf7](?=[^\W\d_])", text))
    return Fit(ok, bad, text.count("\ufffd"))


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # utf-8, utf-16, cp1258, tcvn3 or vni

    @property
    def converted(self) -> bool:
        """True when the file was in a legacy 8-bit encoding."""
        return self.encoding in LEGACY_NAMES


def _latin_text(text: str) -> bool:
    """Printable text in the Latin and Vietnamese ranges (what an article in UTF-16 decodes to; binary data
    read as UTF-16 gives control characters and random CJK instead)."""
    if not text:
        return False
    usual = sum(1 for ch in text if (ch.isprintable() or ch in "\r\n\t")
                and (ord(ch) < 0x250 or 0x1E00 <= ord(ch) < 0x1F00 or 0x2000 <= ord(ch) < 0x2070))
    return usual / len(text) >= 0.95


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is mostly NUL and the text reads as Latin script
    (text written by Windows tools without a byte-order mark)."""
    sample = raw[:4096]
    if len(sample) < 16 or len(raw) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    for codec, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
        if zeros.count(0) / len(zeros) > 0.3:
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError:
                continue
            if _latin_text(text[:2048]):
                return codec
    return None


def guess_legacy(raw: bytes, sample: int = 64 * 1024) -> tuple[str | None, dict[str, Fit]]:
    """The legacy encoding that reads best as Vietnamese, or None when none reads as Vietnamese.
    Judged on the first `sample` bytes (cut at a line break), so a large file costs no more."""
    if len(raw) > sample:
        cut = raw.rfind(b"\n", 0, sample)
        raw = raw[: cut if cut > 0 else sample]
    fits = {name: fit(convert(raw)) for name, convert in _CONVERTERS.items()}
    best = max(fits, key=lambda n: fits[n].score)
    chosen = fits[best]
    if chosen.accented_ok == 0 or chosen.bad + chosen.replaced > max(2, chosen.accented_ok // 10):
        return None, fits
    return best, fits


def decode(raw: bytes, name: str = "the file", convert_legacy: bool = True) -> Decoded:
    """Decode an article file's bytes. Raises InputError naming the file for binary data, for text in
    no encoding recognised, and (with convert_legacy=False) for legacy encodings, with the fix."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(unicodedata.normalize("NFC", raw.decode("utf-16")), "utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: starts like UTF-16 but is not valid UTF-16 (byte {exc.start})") from exc
    if b"\x00" in raw[:4096]:
        codec = _utf16_without_bom(raw)
        if codec is None:
            raise InputError(f"{name}: looks binary (NUL bytes), not an article")
        return Decoded(unicodedata.normalize("NFC", raw.decode(codec)), "utf-16")
    try:
        return Decoded(unicodedata.normalize("NFC", raw.decode("utf-8")), "utf-8")
    except UnicodeDecodeError as exc:
        bad_byte = exc.start
    legacy, _ = guess_legacy(raw)
    if legacy is None:
        raise InputError(
            f"{name}: not valid UTF-8 (byte {bad_byte}) and not readable as Windows-1258, TCVN3 or VNI "
            f"Vietnamese; save it as UTF-8 (e.g. iconv -f ENCODING -t UTF-8 {name})")
    if not convert_legacy:
        stem = name.rsplit(".", 1)[0]
        raise InputError(f"{name}: encoded in {LEGACY_NAMES[legacy]}, not UTF-8; convert it first: "
                         + _ICONV[legacy].format(name=name, stem=stem))
    return Decoded(_CONVERTERS[legacy](raw), legacy)


def decode_article_bytes(raw: bytes, name: str = "the file") -> str:
    """The text of an article file in any supported encoding (what `rag.ingest.articles.read_text` calls)."""
    return decode(raw, name).text
