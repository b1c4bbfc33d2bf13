"""What a quotable piece of an article holds, as the synthesiser scores it: decisions, named documents,
roles and people, figures and names, the years it speaks about, and the names a question asks about.

The word lists are general vocabulary of Vietnamese news reporting (lowercase, with diacritics), not taken
from any article or question.
"""

from __future__ import annotations

import re

from rag.text.dates import years_mentioned
from rag.text.vietnamese import fold, folded_syllables, split_sentences

# Words of Vietnamese news reporting (lowercase, with diacritics), not of any article.
DECISION = re.compile(r"(?<!\w)(kết nạp|kỷ luật|khen thưởng|biểu dương|bầu|trúng cử|tái đắc cử|ban hành|quyết định|"
                       r"phê duyệt|khai trừ|cảnh cáo|khiển trách|cách chức|thu hồi|bắt|khởi tố|truy tố|xử phạt|"
                       r"miễn nhiệm|bổ nhiệm|điều động|tổ chức thành công|cưỡng chế|kiểm điểm)(?!\w)")
NAMED_THING = re.compile(r"[“\"][^”\"]{3,}[”\"]|(?<!\w)(Nghị quyết|Chỉ thị|Kết luận|Kế hoạch|Quyết định|Chương trình|"
                          r"Quy định|Thông báo|Điều) (số )?\d+")
ROLE = re.compile(r"(?<!\w)(chủ tịch|phó|bí thư|giám đốc|trưởng|chánh|ủy viên|uỷ viên|đại biểu|thứ trưởng|"
                   r"bộ trưởng|cục trưởng|chủ nhiệm|tổng thanh tra|cán bộ|chuyên viên|hạt trưởng)(?!\w)")
TITLED = re.compile(r"(?<!\w)(?:đ/c|ông|bà|đồng chí)\s+[A-ZĐÀ-Ỹ]")
# A list question about people ("những ai", "cán bộ nào", "which leaders"), accent-folded; other list
# questions ("chức vụ nào", "đơn vị nào", "which positions") ask for roles and bodies.
PEOPLE_QUESTION = re.compile(r"\b(ai|nguoi|can bo|lanh dao|dong chi|dai bieu|who|whom|people|persons|leaders|"
                              r"officials|members|attended)\b")
# Reported speech: the verbs of saying of Vietnamese news (verba dicendi: "nói", "cho biết", "khẳng định",
# "phủ nhận", …), the attribution "theo ông/bà X", and a direct quotation of five words or more. A question
# about what someone said or thinks (SPEECH_QUESTION, accent-folded, both languages) wants those pieces.
SPEECH = re.compile(r"(?<!\w)(nói|cho biết|khẳng định|phủ nhận|cho rằng|nhấn mạnh|trả lời|giải thích|thừa nhận|"
                     r"chia sẻ|phát biểu|bày tỏ|lý giải|nêu rõ|lưu ý|lên tiếng|thông tin thêm|phân tích|"
                     r"theo (?:ông|bà|anh|chị)|[“\"][^”\"]*?(?:\s[^”\"\s]+){4,}[”\"])(?!\w)", re.I)
SPEECH_QUESTION = re.compile(r"\b(noi gi|noi the nao|phat bieu gi|cho biet gi|y kien|quan diem|say|said|says|"
                              r"tell|told|think|thinks|view|views|opinion|opinions|comment|comments)\b")
# A clause that ends on its verb of saying ("…, ông Trà Văn Bắc – Phó bí thư … cho biết") only announces the
# speech, which is in the next clause: quoted alone it says nothing.
SPEECH_FRAME = re.compile(r"(?<!\w)(nói|cho biết|khẳng định|cho rằng|nhấn mạnh|thông tin|trao đổi với [^,.;:]{0,30})\W*$", re.I)
# Photo and video credits close captions ("… - Ảnh: TỰ TRUNG"): a caption is not a point of the article.
CREDIT = re.compile(r"(?<!\w)(Ảnh|Video|Clip|Đồ họa|Đồ hoạ|Infographic)\s*:")

def context_years(article_text: str) -> list[tuple[str, tuple[int, ...]]]:
    """Each sentence of an article with the years it speaks about: those it names, else the last year
    written before it ("Năm 2022, huyện tập trung …. Nâng cao …" is about 2022); a paragraph that names
    no year goes on with the one before it."""
    out: list[tuple[str, tuple[int, ...]]] = []
    current: tuple[int, ...] = ()
    for paragraph in re.split(r"\n\s*\n", article_text):
        for sentence in split_sentences(paragraph):
            named = years_mentioned(sentence)
            out.append((sentence, named or current))
            if named:
                # the last year written, or the last range whole ("nhiệm kỳ 2021-2026" is about 2021 too)
                last = list(re.finditer(r"(?<!\d)(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?(?!\d)", sentence))
                current = (years_mentioned(last[-1].group(0)) or named) if last else named
    return out


def capitalised_names(text: str) -> list[str]:
    """Runs of two or more capitalised words, not counting a sentence's first word: names of people,
    bodies and places ("Đinh La Thăng", "UBND TP Đà Nẵng")."""
    names: list[str] = []
    run: list[str] = []
    sentence_start = True
    for token in re.findall(r"[\w/%-]+(?:\.(?=\w))?[\w/%-]*|[^\w\s]", text):
        capital = token[:1].isalpha() and token[:1].isupper() and not sentence_start
        if capital:
            run.append(token)
        if not capital or token in ".!?":
            if len(run) >= 2:
                names.append(" ".join(run))
            run = []
        sentence_start = token in (".", "!", "?", "…")
    if len(run) >= 2:
        names.append(" ".join(run))
    return names


def specifics(text: str) -> set[str]:
    """The figures and names of a piece (accent-folded), what a reader checks a summary against."""
    counts = {n for n in re.findall(r"(?<![\w/-])\d+(?:[.,/]\d+)*%?", text) if not re.fullmatch(r"(19|20)\d{2}", n)}
    return {fold(x) for x in counts | set(capitalised_names(text))}


# Capitalised at the start of a name but not part of it: administrative and courtesy words, "Năm" (year).
NAME_PREFIXES = frozenset("huyen tinh xa quan thanh pho tp thi tran nam ong ba dong chi bai".split())


def question_names(question: str) -> list[str]:
    """Runs of two or more capitalised words in a question ("Gia Lâm", "Sóc Trăng"), accent-folded,
    without a leading administrative or courtesy word ("Huyện Gia Lâm" gives "gia lam"). Punctuation ends a
    run: "Thái Nguyên, Thanh tra Chính phủ" names Thái Nguyên, not "thai nguyen thanh"."""
    runs, run = [], []
    for word in re.findall(r"\w+|[^\w\s]", question) + [""]:
        if word[:1].isupper():
            run.append(fold(word))
            continue
        while run and run[0] in NAME_PREFIXES:
            run.pop(0)
        if len(run) >= 2:
            runs.append(" ".join(run))
        run = []
    return runs


def shared_words(a: str, b: str) -> float:
    """Share of the shorter text's syllables that the other one also has."""
    x, y = set(folded_syllables(a)), set(folded_syllables(b))
    return len(x & y) / max(1, min(len(x), len(y)))


# A date ("12/01/2021", "12-01-2021", "21-10"): when the piece happened, which a dateline gives, not what
# happened. A two-part "6/18" is left alone: with a slash it is a share ("6/18 xã"), not a date.
_DATE = re.compile(r"\b\d{1,2}[/-]\d{1,2}[/-](?:19|20)\d{2}\b|\b\d{1,2}-\d{1,2}\b")


def beyond_title(text: str, title: set[str]) -> set[str]:
    """The figures and names of a piece (rag.answer.salience.specifics) that the title does not give,
    leaving out dates: "Sáng ngày 12/01/2021, Huyện ủy … tổ chức Hội nghị …" only restates the title."""
    return {x for x in specifics(_DATE.sub(" ", text)) if not set(folded_syllables(x)) <= title}


def restates_title(text: str, title: set[str], spare_new: bool = True) -> bool:
    """Whether a piece only says again what the title says: most of the title's syllables are in it and
    (with `spare_new`) it gives no figure or name the title does not. The lede that says who did it and how
    much ("Sáng 21-10, Phó thủ tướng Vương Đình Huệ … nhấn nút vận hành cầu cảng Vissai …") is news beyond
    the title, and what a summary most often holds."""
    if not title or len(title & set(folded_syllables(text))) / len(title) < 0.6:
        return False
    return not (spare_new and beyond_title(text, title))
