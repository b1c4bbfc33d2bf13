"""Vietnamese text handling: NFC + one tone-mark convention, accent folding, sentence split, tokens.

Everything here is pure and cheap except `segment_words`, which loads pyvi lazily on first use.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_WORD = re.compile(r"\w+", re.UNICODE)

# Words that only frame a question; dropping them keeps BM25 on the content words.
QUESTION_WORDS_FOLDED = frozenset(
    """bao nhieu may ai gi nao khi nao o dau the nao sao vi sao tai sao nhu the nao co phai khong
    la gi cai gi nhung gi hay cho biet xin hoi thi con duoc da dang se cua va cac nhung la co
    trong cho voi ve tai tu den mot nay do thi ma nen vao ra len boi""".split()
)
ENGLISH_STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or is are was were be been did do does what which who
    whom whose when where why how many much did report reported about into over under this that these those
    it its their there they he she his her as than then so such can could would should will shall may might
    has have had not no yes please tell me give list""".split()
)

# Letters that exist in Vietnamese but not in English: their presence decides the language outright.
_VI_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


def has_vietnamese_letter(word: str) -> bool:
    return any(ch in _VI_LETTERS for ch in word.lower())


# Unaccented Vietnamese still gives itself away through common syllables that English never uses.
_VI_HINT_SYLLABLES = frozenset(
    """bao nhieu huyen xa tinh dang vien nam thang ngay ky luat ket nap cua nhung duoc khong
    uy ban hoi nghi cong tac xay dung thi sao con gi nao ai dau nhu the may""".split()
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _retone_syllable(word: str) -> str:
    """Put the tone of open oa/oe/uy syllables on the first vowel ("hoà" -> "hòa", "thuỷ" -> "thủy")."""
    decomposed = unicodedata.normalize("NFD", word)
    tone = next((ch for ch in decomposed if ch in _TONE_MARKS), None)
    if tone is None:
        return word
    bare = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    letters = unicodedata.normalize("NFC", bare)
    low = letters.lower()
    for pair in ("oa", "oe", "uy"):
        if low.endswith(pair) and len(low) >= 2:
            start = len(low) - 2
            if pair == "uy" and start > 0 and low[start - 1] == "q":
                return word  # "quý": u belongs to "qu", the tone stays on y
            target = start
            rebuilt = letters[:target] + letters[target] + tone + letters[target + 1 :]
            return unicodedata.normalize("NFC", rebuilt)
    return word


def normalize(text: str) -> str:
    """NFC, one tone-mark convention, non-breaking spaces as spaces. Length may change only by NFC."""
    text = nfc(text).replace("\u00a0", " ").replace("\ufeff", "")
    return _WORD.sub(lambda m: _retone_syllable(m.group(0)), text)


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


def fold(text: str) -> str:
    """Lowercase, without diacritics, đ -> d: 'Tháp Mười' -> 'thap muoi'."""
    return _WORD.sub(lambda m: _fold_word(m.group(0)), text).lower()


def syllables(text: str) -> list[str]:
    """Lowercased word characters, diacritics kept."""
    return [w.lower() for w in _WORD.findall(normalize(text))]


def folded_syllables(text: str) -> list[str]:
    return [_fold_word(w) for w in _WORD.findall(text)]


# The shape of a written Vietnamese syllable once accents are gone (the orthography's onsets, a vowel nucleus of
# one to three letters, and its codas): "nguyen", "thanh", "minh" have it; most English words do not ("city",
# "people", "committee", "chairman": an onset or coda Vietnamese spelling has no place for). Used to tell the
# Vietnamese part of a capitalised run in an English question ("Committee Chairman Nguyễn Thành Phong").
_SYLLABLE_SHAPE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?")


def has_syllable_shape(word: str) -> bool:
    """Whether a word could be written Vietnamese syllable (accents aside): 'Phong' yes, 'City' no."""
    return bool(_SYLLABLE_SHAPE.fullmatch(fold(word)))


# English words that are not also Vietnamese syllables once accents are gone ("to", "do", "an" are).
_EN_MARKERS = frozenset(
    """what which who whom whose when where why how many much did does is are was were the of and
    for from with about report reported district province party members member people year years
    first last months half during between number their there this that many admitted disciplined
    in by what's who's""".split()
)


def detect_language(text: str) -> str:
    """'vi' or 'en', by counting English marker words against Vietnamese syllables.

    Vietnamese names inside an English question ("What did Tháp Mười report?") must not flip it.
    """
    words = _WORD.findall(nfc(text))
    if not words:
        return "vi"
    en_hits = sum(1 for w in words if w.lower() in _EN_MARKERS)
    # Capitalised words are names ("Huyện ủy Tháp Mười"): they do not tell the question's language.
    vi_hits = sum(
        1 for w in words
        if not w[0].isupper()
        and (has_vietnamese_letter(w) or _fold_word(w) in _VI_HINT_SYLLABLES)
    )
    return "en" if en_hits > vi_hits else "vi"


# Sentence ends: . ! ? … followed by space and a capital, digit or quote. Numbers like 52.342 and
# abbreviations like "TP." followed by a name (or "No." by a number: "Directive No. 05") are the usual
# traps; the capital-letter test handles most.
_SENT_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"”»)]))\s+(?=[\"“«(]?[A-ZĐÀ-Ỹ0-9])")
_ABBREV_END = re.compile(r"(?:\b(?:TP|Tp|TS|ThS|PGS|GS|Ths|St|Mr|Mrs|Dr|No|Nos|đ/c|Đ/c|v\.v)\.)$")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; keeps '52.342', 'TP. Cao Lãnh' and './.' endings intact."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n|\n", text):
        para = para.strip()
        if not para:
            continue
        pieces = _SENT_END.split(para)
        buffer = ""
        for piece in pieces:
            buffer = f"{buffer} {piece}".strip() if buffer else piece.strip()
            if _ABBREV_END.search(buffer):
                continue
            out.append(buffer)
            buffer = ""
        if buffer:
            out.append(buffer)
    return out


def split_clauses(sentence: str) -> list[str]:
    """Split a long sentence at semicolons: the seeds list results as 'A; B; C'."""
    parts = [p.strip(" ;") for p in sentence.split(";")]
    return [p for p in parts if p]


@lru_cache(maxsize=1)
def _pyvi_tokenizer():
    """pyvi's tokenizer, imported on first use (it unpickles a CRF model).

    The pickled model is a sklearn_crfsuite.CRF, whose module imports scikit-learn only for a base class
    (sklearn_crfsuite/compat.py falls back to a plain class when scikit-learn is missing). Importing
    scikit-learn pulls in scipy and pandas: 1.3 s of CPU of a `rag ask` cold start, against 0.2 s
    without (eval/BENCHMARKS.md §5). So the compat module is given its own fallback before pyvi loads,
    unless sklearn_crfsuite is already imported; prediction never uses the base class."""
    import sys
    import types

    if "sklearn_crfsuite" not in sys.modules:
        compat = types.ModuleType("sklearn_crfsuite.compat")
        compat.BaseEstimator = type("BaseEstimator", (), {"__module__": "sklearn_crfsuite.compat"})
        sys.modules["sklearn_crfsuite.compat"] = compat
    from pyvi import ViTokenizer

    return ViTokenizer


def segment_words(text: str) -> list[str]:
    """Vietnamese word segmentation with pyvi: 'Huyện ủy Tháp Mười' -> ['huyện_ủy', 'tháp_mười']."""
    tokenized = _pyvi_tokenizer().tokenize(normalize(text))
    return [t.lower() for t in tokenized.split() if _WORD.search(t)]


def keyword_tokens(text: str) -> list[str]:
    """Tokens for the BM25 index and its queries: lowercase syllables with their diacritics.

    Folding merges different words (ma, mà, má, mả, mã, mạ), and it cost BM25 hit@1: on 2,000 VietNews
    articles (title -> article) 0.869 with folded syllables + pyvi compounds against 0.889 with accented
    syllables; unaccented questions reach this index through `diacritics.AccentRestorer` (see
    eval/benchmarks/segmenters.py for the figures and the command).
    """
    return syllables(text)


def lexical_tokens(text: str, *, segment: bool = True) -> list[str]:
    """Folded syllables plus folded multi-syllable words: the terms the extractive answerer looks for.

    Compound words ('thap_muoi', 'ky_luat') reward phrase matches that plain syllables cannot see.
    """
    tokens = folded_syllables(normalize(text))
    if segment:
        tokens.extend(_fold_word(w) for w in segment_words(text) if "_" in w)
    return tokens


# Discourse connectives that open a Vietnamese news sentence and link it to the one before ("Theo đó, …" = "under
# it, …"), which a bullet no longer follows. Only with their comma: "Đồng thời tổ chức …" starts a clause whose verb
# needs its subject, and "Trước đó, …" / "Sau đó, …" say when, which a reader may need; "Nhân dịp này, …" (on this
# occasion) points back to the event of the sentence before, and names none. Read by rag.answer.compress (a bullet
# drops it) and rag.cite.support (a leading connective states no fact a passage must repeat).
CONNECTIVE = re.compile(r"^(?:theo đó|cụ thể|bên cạnh đó|ngoài ra|đồng thời|trong khi đó|tuy nhiên|do đó|vì vậy|"
                        r"vì thế|do vậy|bởi vậy|như vậy|qua đó|từ đó|nhờ đó|mặt khác|nhìn chung|tóm lại|hơn nữa|"
                        r"thêm vào đó|bên cạnh những kết quả đạt được|với ý nghĩa đó|trên cơ sở đó|"
                        r"nhân dịp này|nhân dịp đó|dịp này),\s+", re.I)
