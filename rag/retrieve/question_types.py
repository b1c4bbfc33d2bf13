"""What kind of answer a question wants: one fact, or several points (a report, plans, a list, a
comparison, a digest of several articles), or facts about the collection itself.

The cue words below are ordinary Vietnamese and English question vocabulary, written accent-folded
(so "kết quả", "ket qua" and "KẾT QUẢ" read the same); none comes from a particular question or article.
Each group names the grammatical device it covers:

- collection: a question about the articles themselves: counting them ("bao nhiêu bài", "how many
  articles"), choosing among them ("những bài nào", "which articles"), their authors ("ai viết",
  "who wrote", "tác giả") and publication ("đăng khi nào", "published"), or the places they cover
  ("những huyện nào được nhắc tới", "which districts are covered").
- comparison: the verbs and phrases of comparing ("so sánh", "khác nhau", "compare", "difference").
- plan: forward-looking nouns and verbs ("nhiệm vụ", "phương hướng", "kế hoạch", "mục tiêu",
  "plans", "priorities", "tasks", "goals", "will").
- digest: asking what happened, with no topic ("có gì mới", "có những hoạt động gì", "what happened
  in", "what's new", "news").
- list of people: a plural "who" or a people noun with "which" ("những ai", "ai dự", "which leaders",
  "who attended", "liệt kê", "list").
- report: asking for results or content ("kết quả gì", "đưa tin gì", "nói gì", "tình hình … thế
  nào", "what did … report/say/decide", "results", "summary", "which figures / cases"), and a verb of
  reporting or recording ("báo cáo", "ghi nhận", "đánh giá") whose object is the question word ("đã báo cáo
  những số liệu nào", "ghi nhận … những gì"): what was put on record. Alone the verb is no cue: "được ghi
  nhận sớm nhất vào năm nào" asks for one year.
- list of things: a plural noun with "nào" ("những vụ án nào", "các đơn vị nào"), after report, so a
  reporting verb decides between the two ("đạt những kết quả gì, với những vụ án nào" is a report).
- several points, otherwise: a plural question word ("những gì", "những việc gì", "các … gì") asks for
  several things; with nothing else to go on it is read as a report.

A plural question word also outranks the planner's answer type: "những số liệu nào" asks for several
figures, not the one number "bao nhiêu" asks for (`MULTI_POINT`). "sẽ …" with a plural question word
("sẽ ưu tiên làm những việc gì") is a plan, as is the plural noun "những ưu tiên" (priorities).

Everything else is a factoid question, answered by the one-fact extractive path as before.
"""

from __future__ import annotations

import re

from rag.text.vietnamese import fold

QUESTION_TYPES = ("factoid", "report", "plan", "list", "comparison", "digest", "collection")

_ARTICLE = r"(?:bai viet|bai bao|bai|tin bai|article|articles|stories|story|reports|news items)"
# "những gì", "những việc gì", "những nội dung, nhiệm vụ gì", "các vụ án nào" (at most four words between).
# Only across the words of a noun phrase: not across a copula, relative word, preposition or passive ("các nhánh
# là gì" asks what a word means, "sân vận động mà các đội đã chơi là gì" and "các khoản trợ cấp bằng gì" for one
# thing; the plural belongs to another part of the sentence), nor "cái gì" (a singular "what").
_NOT_IN_NOUN_PHRASE = r"(?:la|ma|bang|cua|cho|voi|duoc|bi|cai|o|tai|ve|tu|den|trong|khi)\b"
_PLURAL_WH = rf"(?:nhung|cac) (?:(?!{_NOT_IN_NOUN_PHRASE})\w+,? ){{0,4}}(?:gi|nao)\b"
_PLURAL_WH_ANYWHERE = rf"\b{_PLURAL_WH}"
_FUTURE_PLURAL_WH = rf"(?<!chia )\bse (?:\w+ ){{0,4}}{_PLURAL_WH}"  # "sẽ ưu tiên làm những việc gì"
# "đã báo cáo những số liệu đáng lo nào", "ghi nhận … những gì": a verb of reporting whose object is asked for
_REPORTED_PLURAL_WH = rf"\b(?:bao cao|ghi nhan|danh gia) (?:\w+,? ){{0,12}}?{_PLURAL_WH}"
# In these cues the words between the question words name the topic ("sẽ thực hiện những nội dung, nhiệm vụ gì"
# is about "nội dung", "nhiệm vụ"; "báo cáo những số liệu đáng lo nào" about worrying figures): `without_cues`
# drops only the question words inside the cue (and "sẽ"). The reporting verb stays: articles write it ("đã báo
# cáo"), and dropping it would join the capitalised words around it into one name ("Nguyễn Phú Trọng [ghi nhận]
# Ban chỉ đạo").
# "những cán bộ nào": stripped whole by `without_cues`, as before (keeping "cán bộ" in the topic made the decline
# test fail on a question whose other noun words, "số liệu đáng lo", the article does not write literally).
_PLURAL_NOUN_NAO = r"\b(?:nhung|cac) (?:\w+,? ){1,4}nao\b"
# A future marker with a "how" / "what" question word: "sẽ giải quyết … như thế nào", "sẽ làm gì" ask for what is
# to be done. Not "chia sẻ" (share), which folds to "chia se" too.
# Only "how" and "what to do": "sẽ … gì" / "sẽ … nào" alone ask for one thing ("sẽ thay thế cái gì", "sẽ mất loại
# nhà máy nào": XQuAD factoids).
_HOW_WORDS = r"(?:nhu the nao|the nao|ra sao|lam gi|bao nhieu)"
_FUTURE_HOW = rf"(?<!chia )\bse (?:\w+,? ){{0,8}}?{_HOW_WORDS}\b"
# A change between two moments ("đã thay đổi thế nào giữa lúc … và …", "how did … change between"): a
# comparison of periods, read by `compares_periods`.
_CHANGE_BETWEEN = (r"\b(?:thay doi|bien dong|tang giam|chuyen bien) (?:\w+ ){0,3}?giua\b"
                   r"|\bchanged? (?:\w+ ){0,3}?between\b|\bhow (?:did|has|have|does|do) .{0,80}\bchanged?\b .{0,40}\bsince\b")
# "which Party and state leaders", "which senior provincial officials": up to three modifiers before the noun
# opening the question or a clause of it: not the relative "which" ("the boundaries to which individuals … adhere")
_WHICH_PEOPLE = (r"(?:^|[,;:] ?)which (?:[\w-]+,? (?:and |or )?){0,3}?(?:leaders|officials|people|persons|members|cadres"
                 r"|individuals|officers|ministers|deputies|delegates)")
# "What happened when the Chairman met the delegation?": "when" joins a clause about a meeting, and the question asks
# what the meeting brought (a report), not for a date. Only with a verb of meeting, visiting or receiving (the events
# of official news): "What happened when cyanobacteria was assimilated?" asks for one consequence (XQuAD).
_MEETING_VERBS = (r"(?:met|meets|meet|visited|visits|visit|received|receives|welcomed|hosted|hosts|held talks"
                  r"|gap|gap go|tiep don|tiep doan|tiep xuc|den tham|sang tham|tham hoi|lam viec voi|hoi dam|hoi kien)")
# (not a bare "tiep" or "tham": "tiếp tục", "tham gia", "tham nhũng" fold to them too)
# (the meeting verb is a lookahead: only the opening words are cue words, the rest names the topic)
_HAPPENED_AT_MEETING = (rf"\bwhat (?:happened|took place|went on) (?:when|as|while|after)\b(?=.{{0,120}}?\b{_MEETING_VERBS}\b)"
                        rf"|\b(?:dieu|chuyen|nhung) gi (?:da )?(?:xay ra|dien ra) (?:khi|trong khi|sau khi)\b"
                        rf"(?=.{{0,120}}?\b{_MEETING_VERBS}\b)")
_QUESTION_WORDS_ONLY = (_PLURAL_WH_ANYWHERE, _FUTURE_PLURAL_WH, _REPORTED_PLURAL_WH, _FUTURE_HOW)


def _question_words(match: re.Match) -> list[tuple[int, int]]:
    """The spans of a cue's question words: "sẽ" opening it, and the first and last word of its closing plural
    question ("những … gì"); not a "nhũng" of "tham nhũng" earlier in the span (it folds to "nhung" too)."""
    text, base = match.group(), match.start()
    spans = [(base, base + 2)] if text.startswith("se ") else []
    last = None
    for last in re.finditer(_PLURAL_WH, text):
        pass
    if last is not None:
        words = list(re.finditer(r"\w+", last.group()))
        spans += [(base + last.start() + w.start(), base + last.start() + w.end()) for w in (words[0], words[-1])]
    else:  # "sẽ giải quyết … như thế nào": the closing "how" / "what" words (`_FUTURE_HOW`)
        closing = re.search(rf"\b{_HOW_WORDS}$", text)
        if closing:
            spans.append((base + closing.start(), base + closing.end()))
    return spans


_PLACE_NOUN = r"(?:huyen|tinh|xa|quan|thanh pho|dia phuong|dia danh|noi|places|districts|provinces|localities|towns)"

_CUES: tuple[tuple[str, str], ...] = (
    ("collection", "|".join((
        rf"\bbao nhieu {_ARTICLE}\b", rf"\bhow many {_ARTICLE}\b", rf"\bso {_ARTICLE}\b",
        rf"\b(?:nhung|cac) {_ARTICLE} nao\b", rf"\b{_ARTICLE} nao\b", rf"\bwhich {_ARTICLE}\b",
        rf"\bwhat {_ARTICLE} (?:are|do|does|did|is)\b",
        r"\bai viet\b", r"\bwho wrote\b", r"\bwho (?:is|are) the authors?\b", r"\btac gia\b", r"\bauthors?\b",
        r"\bdang (?:khi nao|ngay nao|luc nao|vao)\b", r"\bxuat ban\b", r"\bpublished\b",
        rf"\b(?:nhung|cac) {_PLACE_NOUN} nao (?:duoc|co trong|co mat)\b",
        rf"\bwhich {_PLACE_NOUN} (?:are|were|does|do)\b", rf"\bwhat {_PLACE_NOUN} (?:are|were|does|do)\b",
    ))),
    ("comparison", _CHANGE_BETWEEN),
    ("report", _HAPPENED_AT_MEETING),
    ("comparison", r"\b(?:so sanh|doi chieu|khac nhau|khac gi|giong nhau|khac biet|hon hay kem"
                   r"|compare|compared|comparison|differ|difference|differences|versus|vs)\b"),
    ("plan", r"\b(?:nhiem vu|phuong huong|ke hoach|muc tieu|chi tieu|du kien|dinh huong|trong tam|giai phap"
             r"|se lam|se thuc hien|chuong trinh hanh dong|(?:nhung|cac) uu tien|thoi gian toi|thoi gian sap toi"
             r"|plan|plans|planned|priorities|priority|tasks|task|goals|goal|targets|direction|will"
             r"|in the coming|going forward)\b"),
    ("plan", _FUTURE_PLURAL_WH),
    ("plan", _FUTURE_HOW),
    ("digest", r"\b(?:co gi moi|co gi|co nhung (?:tin|hoat dong|su kien|viec) gi|nhung tin gi|(?<!dua )tin gi|hoat dong gi"
               r"|dien ra nhung gi|xay ra nhung gi|cac bai viet ve|nhung bai viet ve"
               r"|what happened in|what happened at|what is new|what's new|whats new|news about|news from"
               r"|what went on|the articles about)\b"),
    ("list", rf"{_WHICH_PEOPLE}\b"),
    ("list", r"\b(?:nhung ai|nhung nguoi nao|ai du|ai tham du|ai tham gia|ai duoc|liet ke"
             r"|which (?:leaders|officials|people|persons|units|agencies|organisations|organizations|positions|posts"
             r"|members|offices|departments)|who attended|who were|who are|list)\b"),
    ("report", r"\b(?:ket qua|dat duoc|dat nhung|dua tin gi|dua tin|noi gi|neu gi|neu nhung|ket luan gi|bao cao gi"
               r"|tinh hinh|the nao|ra sao|tom tat|noi dung|nhung diem|quyet dinh gi"
               r"|ghi nhan gi"
               r"|report|reported|reports|result|results|achieve|achieved|achievements|summary|summarise|summarize"
               r"|what did|what does|what was said|what happened to|how did|overview|outcome|outcomes"
               r"|(?:which|what) (?:figures|numbers|statistics|cases|measures|steps))\b"),
    ("report", _REPORTED_PLURAL_WH),
    ("list", _PLURAL_NOUN_NAO),
    ("report", _PLURAL_WH_ANYWHERE),
)

# A plural question word: the question asks for several things ("những gì", "những việc gì", "những vụ án nào",
# "các nội dung gì"), whatever single answer type its noun suggests.
MULTI_POINT = re.compile(_PLURAL_WH_ANYWHERE)

# A quoted span: the title of the article a question names ("Bài báo “… nhiệm vụ năm 2018” đưa tin gì?"). Its
# words name the article; they are not the question's cue words.
QUOTED = re.compile(r"[“\"«][^”\"»]+[”\"»]")


def outside_quotes(question: str) -> str:
    """The question without its quoted spans: the words that say what is asked."""
    return QUOTED.sub(" ", question)


# Answer types whose question wants one typed fact ("bao nhiêu", "khi nào", "ở đâu").
_FACTOID_ANSWER_TYPES = ("number", "date", "place")


def question_type(question: str, answer_type: str = "other") -> str:
    """One of QUESTION_TYPES. `answer_type` is the planner's (number, person, date, place, other):
    a question asking for a count or a date stays factoid unless it is about the collection or compares."""
    folded = fold(question)
    for name, pattern in _CUES:
        if not re.search(pattern, folded):
            continue
        if name in ("collection", "comparison") or pattern == _HAPPENED_AT_MEETING:
            return name  # (the "when" of "what happened when … met" is no date question)
        if answer_type in _FACTOID_ANSWER_TYPES and not MULTI_POINT.search(folded):
            return "factoid"
        if answer_type == "person" and name != "list" and not MULTI_POINT.search(folded):
            # "ai …" with a report or plan word ("Ai chủ trì hội nghị tổng kết") still asks for a name; with a
            # plural question word too ("có những nội dung nào, và ai ký") it asks for several points
            continue
        return name
    return "factoid"


def without_cues(question: str) -> str:
    """The question minus its type cue words and the words naming articles: what is left names the topic
    ("Tháp Mười 2021" of "What did Tháp Mười report in 2021?"), so "report", "có gì mới" or "the article"
    is not looked for in the text. Matching is accent-folded; the rest keeps its accents and capitals
    (names are found by their capitals)."""
    folded = fold(question)
    if len(folded) != len(question):  # folding is one character for one on normalised text
        return question
    keep = [True] * len(question)
    for pattern in [rf"\b{_ARTICLE}\b"] + [p for _, p in _CUES]:
        for match in re.finditer(pattern, folded):
            spans = _question_words(match) if pattern in _QUESTION_WORDS_ONLY else [match.span()]
            for start, end in spans:
                keep[start:end] = [False] * (end - start)
    text = "".join(c if k else " " for c, k in zip(question, keep))
    return re.sub(r"\s+", " ", text).strip()


def compares_periods(question: str) -> bool:
    """Whether a comparison is of one thing at two moments ("đã thay đổi thế nào giữa lúc … và …"), which one
    article can answer, rather than of two places or articles."""
    return bool(re.search(_CHANGE_BETWEEN, fold(question)))
