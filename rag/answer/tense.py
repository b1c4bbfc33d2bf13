"""Which way a passage of an article looks: back at what was done, or ahead at what is to be done.

News of a Party or government meeting reads in sections: the results of the year ("đã lãnh đạo …",
"được củng cố …", "kết nạp 51 đảng viên") and then the tasks for the next ("Năm 2022, huyện tập trung …",
"Nâng cao …", "Đổi mới …"). A task sentence often has no forward word of its own ("Đổi mới, nâng cao chất
lượng công tác tuyên giáo" has one, "Chấp hành nguyên tắc, chế độ sinh hoạt đảng" none), but its
neighbours do. The tense of a sentence's section is the balance of forward and past words over the
sentence and its neighbours in the same paragraph (a window of `reach` sentences each side, stated).

FORWARD and PAST are general vocabulary of Vietnamese news reporting (lowercase, with diacritics):
future and intention markers and the verbs of directives; the past marker, attainment and completion.
"""

from __future__ import annotations

import re

from rag.text.vietnamese import split_sentences

# Words of Vietnamese news reporting (lowercase, with diacritics), not of any article.
FORWARD = re.compile(r"(?<!\w)(sẽ|tiếp tục|phấn đấu|tập trung|đề nghị|yêu cầu|cần|phải|kế hoạch|mục tiêu|"
                      r"phương hướng|dự kiến|định hướng|trước mắt|thời gian tới|sắp tới|quyết tâm|đẩy mạnh|"
                      r"nâng cao|chuẩn bị|đề ra|phát huy|thực hiện tốt|thực hiện nghiêm|quan tâm|chú trọng|tăng cường)(?!\w)")
PAST = re.compile(r"(?<!\w)(đã|đạt|được|kết quả|hoàn thành|vượt|qua)(?!\w)")


def section_tenses(article_text: str, reach: int = 2) -> list[tuple[str, float]]:
    """Each sentence with its section's tense in [-1, 1]: (forward - past) / (forward + past) over the
    sentence and `reach` neighbours each side within its paragraph; 0 when there are no such words."""
    out: list[tuple[str, float]] = []
    for paragraph in re.split(r"\n\s*\n", article_text):
        sentences = split_sentences(paragraph)
        counts = [(len(FORWARD.findall(x.lower())), len(PAST.findall(x.lower()))) for x in sentences]
        for i, sentence in enumerate(sentences):
            window = counts[max(0, i - reach): i + reach + 1]
            ahead, back = sum(a for a, _ in window), sum(b for _, b in window)
            out.append((sentence, (ahead - back) / (ahead + back) if ahead + back else 0.0))
    return out
