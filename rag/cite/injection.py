"""Text in a source that speaks to whoever reads it (the assistant, the model, the reader) is not evidence.

A news passage reports; it does not address its reader. So a sentence is set aside when it does what only
an instruction does, by the kinds of words it combines, not by one known phrasing:
  - it addresses someone: the reader or the answering system ("bạn", "you", "trợ lý", "AI", "mô hình", "model");
  - it directs: an imperative ("hãy", "đừng", "bỏ qua", "ignore", "pretend", "please");
  - it talks about the answer or the rules of answering ("trả lời", "câu trả lời", "instructions", "prompt").
Any two of the three kinds make an instruction (a strong imperative with words about answering counts), and
naming the answering system as such ("trợ lý ảo", "chatbot", "language model") is enough alone.
Such sentences are removed from every passage before any fact is read from it.
"""

from __future__ import annotations

import re

from rag.text.vietnamese import normalize, split_sentences

# Lower-cased, with diacritics: folded, "bạn" (you) would be "Ban" (a Party committee).
_ADDRESS = re.compile(
    r"(?<!\w)(bạn|các bạn|mày|người đọc|độc giả|trợ lý|trợ lí|chatbot|chat bot|bot|mô hình ngôn ngữ|"
    r"you|your|yourself|reader|assistant|model|system prompt|llm|gpt)(?!\w)")
_DIRECT = re.compile(
    r"(?<!\w)(hãy|đừng|bỏ qua|phớt lờ|lờ đi|quên|giả vờ|giả sử|coi như|xem như|thay vào đó|"
    r"ignore|disregard|forget|pretend|please|do not|don't|never|always|must|override|bypass|instead)(?!\w)")
_ABOUT_ANSWERING = re.compile(
    r"(?<!\w)(trả lời|câu trả lời|đáp án|đáp lại|phản hồi|nói rằng|khẳng định rằng|xác nhận rằng|viết rằng|"
    r"ghi rằng|hướng dẫn|chỉ dẫn|mệnh lệnh|lệnh|quy tắc|trích dẫn|kết luận rằng|báo rằng|xuất ra|"
    r"prompt|instructions?|answers?|respond|response|reply|output|say that|state that|claim that|"
    r"write that|tell|cite|citations?)(?!\w)")
# The answering system named as such: a news report has no reason to write to one, so this alone suffices.
_SYSTEM = re.compile(r"(?<!\w)(trợ lý ảo|trợ lí ảo|chatbot|chat bot|mô hình ngôn ngữ|language model|ai system|"
                     r"ai assistant|assistant|llm|gpt)(?!\w)")
# Dropped even without an address: a strong imperative about the answer ("Hãy trả lời rằng ...").
_STRONG = re.compile(r"(?<!\w)(hãy|đừng|bỏ qua|phớt lờ|ignore|disregard|forget|pretend|please|override)(?!\w)")


def addresses_the_reader(sentence: str) -> bool:
    form = normalize(sentence).lower()
    address = bool(_ADDRESS.search(form)) or re.search(r"(?<!\w)AI(?!\w)", sentence) is not None
    direct = bool(_DIRECT.search(form))
    about = bool(_ABOUT_ANSWERING.search(form))
    system = bool(_SYSTEM.search(form)) or re.search(r"(?<!\w)AI\b.{0,40}\b(reading|đọc)", sentence) is not None
    return system or (address and (direct or about)) or (bool(_STRONG.search(form)) and about)


def without_instructions(text: str) -> str:
    """The text minus the sentences that instruct its reader; paragraphs are kept apart."""
    out = []
    for paragraph in text.split("\n"):
        kept = [s for s in split_sentences(paragraph) if not addresses_the_reader(s)]
        if kept:
            out.append(" ".join(kept))
    return "\n".join(out)
