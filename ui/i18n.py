"""The UI's words in Vietnamese (default) and English; `t(lang, key)` looks one up."""

from __future__ import annotations

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Hỏi đáp tin tức địa phương",
        "subtitle": "Câu trả lời trích dẫn từ các bài báo đã lập chỉ mục; di chuột hoặc bấm vào [n] để xem đoạn trích.",
        "language": "Ngôn ngữ",
        "chat": "Trò chuyện",
        "question": "Câu hỏi",
        "placeholder": "Nhập câu hỏi, ví dụ: Năm 2021 huyện Tháp Mười kết nạp bao nhiêu đảng viên mới?",
        "send": "Gửi",
        "new_chat": "Trò chuyện mới",
        "examples": "Câu hỏi mẫu",
        "sources": "Nguồn của câu trả lời",
        "no_sources": "Chưa có nguồn: hãy đặt một câu hỏi.",
        "chat_placeholder": "Hãy hỏi về tin tức địa phương; câu trả lời kèm trích dẫn [n] dẫn tới bài gốc.",
        "filters": "Bộ lọc",
        "place": "Địa phương",
        "any_place": "Tất cả",
        "year_from": "Từ năm",
        "year_to": "Đến năm",
        "top_k": "Số đoạn văn truy xuất",
        "generator": "Bộ sinh câu trả lời",
        "extractive": "Trích xuất (không dùng mô hình)",
        "feedback": "Đánh giá câu trả lời gần nhất",
        "comment": "Góp ý (không bắt buộc)",
        "comment_placeholder": "Câu trả lời đúng/sai ở đâu?",
        "good": "👍 Hữu ích",
        "bad": "👎 Chưa đúng",
        "thanks": "Cảm ơn! Đánh giá đã được lưu.",
        "no_answer_yet": "Chưa có câu trả lời nào để đánh giá.",
        "upload": "Thêm bài viết",
        "upload_hint": "Tải lên tệp .txt, .md, .html hoặc .jsonl; bài viết được tìm kiếm được ngay, không cần khởi động lại.",
        "upload_button": "Thêm vào chỉ mục",
        "files": "Tệp bài viết",
        "no_files": "Hãy chọn ít nhất một tệp.",
        "added": "Đã thêm {n} bài viết từ: {files}",
        "rejected": "Bị từ chối",
        "nothing_added": "Không có bài viết nào được thêm.",
        "index_size": "Chỉ mục hiện có {articles} bài viết, {chunks} đoạn.",
        "source_card_date": "Ngày",
        "source_card_place": "Nơi",
        "quote": "Đoạn trích",
        "read_article": "Đọc toàn bài",
        "supported": "Đã kiểm chứng: đoạn trích ủng hộ câu trả lời",
        "unsupported": "Không kiểm chứng được: đoạn trích không ủng hộ câu này",
        "unchecked": "Chưa kiểm chứng",
        "unsupported_sentence": "Câu này không được nguồn trích dẫn ủng hộ",
        "uncited_sentence": "Câu này không có trích dẫn nguồn",
        "declined": "Không tìm thấy câu trả lời trong các bài viết.",
        "thinking": "Đang tìm câu trả lời…",
        "error": "Xin lỗi, đã có lỗi",
        "error_generic": "Đã có lỗi ngoài dự kiến. Hãy thử lại hoặc đổi câu hỏi; chi tiết đã được ghi vào nhật ký máy chủ.",
        "timing": "{ms:.0f} ms",
        "not_in_answer": "Bài viết (không được trích)",
        "settings": "Cài đặt",
        "filter_notice": "Bộ lọc năm không trùng với năm trong câu hỏi; đã dùng năm trong câu hỏi.",
    },
    "en": {
        "title": "Local news Q&A",
        "subtitle": "Answers quoted from the indexed articles; hover or click a [n] to see the quoted passage.",
        "language": "Language",
        "chat": "Chat",
        "question": "Question",
        "placeholder": "Ask a question, e.g. What did Tháp Mười report in 2021?",
        "send": "Send",
        "new_chat": "New chat",
        "examples": "Example questions",
        "sources": "Sources for this answer",
        "no_sources": "No sources yet: ask a question.",
        "chat_placeholder": "Ask about local news; answers carry [n] citations that link to the articles.",
        "filters": "Filters",
        "place": "Place",
        "any_place": "All",
        "year_from": "From year",
        "year_to": "To year",
        "top_k": "Passages retrieved",
        "generator": "Answer generator",
        "extractive": "Extractive (no model)",
        "feedback": "Rate the latest answer",
        "comment": "Comment (optional)",
        "comment_placeholder": "What was right or wrong?",
        "good": "👍 Helpful",
        "bad": "👎 Wrong",
        "thanks": "Thank you! Your feedback was saved.",
        "no_answer_yet": "There is no answer to rate yet.",
        "upload": "Add articles",
        "upload_hint": "Upload .txt, .md, .html or .jsonl files; they are searchable at once, without a restart.",
        "upload_button": "Add to the index",
        "files": "Article files",
        "no_files": "Choose at least one file.",
        "added": "Added {n} article(s) from: {files}",
        "rejected": "Rejected",
        "nothing_added": "No article was added.",
        "index_size": "The index holds {articles} articles, {chunks} passages.",
        "source_card_date": "Date",
        "source_card_place": "Place",
        "quote": "Quoted passage",
        "read_article": "Read the whole article",
        "supported": "Checked: the passage supports the answer",
        "unsupported": "Not supported: the passage does not back this sentence",
        "unchecked": "Not checked",
        "unsupported_sentence": "This sentence is not supported by its cited source",
        "uncited_sentence": "This sentence cites no source",
        "declined": "No answer was found in the articles.",
        "thinking": "Looking for the answer…",
        "error": "Sorry, something went wrong",
        "error_generic": "An unexpected error occurred. Try again or rephrase; details are in the server log.",
        "timing": "{ms:.0f} ms",
        "not_in_answer": "Article (not cited)",
        "settings": "Settings",
        "filter_notice": "The year filter does not include the year asked about; the question's year was used.",
    },
}

EXAMPLES: dict[str, list[str]] = {
    "vi": [
        "Năm 2021 huyện Mỹ Lộc kết nạp bao nhiêu đảng viên mới?",
        "Ai là Bí thư Huyện ủy Tháp Mười?",
        "Trong 6 tháng đầu năm 2024, huyện Cao Lãnh kết nạp bao nhiêu quần chúng ưu tú vào Đảng?",
    ],
    "en": [
        "What did Tháp Mười report in 2021?",
        "How many party members did Mỹ Lộc discipline in 2021?",
        "Who is the Party Secretary of Tháp Mười district?",
    ],
}


def t(lang: str, key: str, **values: object) -> str:
    """The label `key` in `lang` ('vi' or 'en'; anything else falls back to Vietnamese)."""
    table = LABELS.get(lang, LABELS["vi"])
    text = table.get(key) or LABELS["vi"][key]
    return text.format(**values) if values else text


def examples(lang: str | None = None) -> list[str]:
    """Example questions: both languages, the chosen one first."""
    first = lang if lang in EXAMPLES else "vi"
    return EXAMPLES[first] + [q for other, qs in EXAMPLES.items() if other != first for q in qs]
