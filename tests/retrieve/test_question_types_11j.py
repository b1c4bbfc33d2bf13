"""Issue 11j: "what happened when <someone> met <someone>" asks what the meeting brought (a report), not a date;
sentences of our own, not the held-out sets'."""

import pytest

from rag.retrieve.planning import answer_type
from rag.retrieve.question_types import question_type, without_cues


def kind(question: str) -> str:
    return question_type(question, answer_type(question))


@pytest.mark.parametrize("question", [
    "What happened when the provincial Party Secretary met the visiting delegation from Laos?",
    "What took place when Chairman Trần Văn Nam received the ambassador?",
    "Điều gì đã diễn ra khi Bí thư Tỉnh ủy tiếp đoàn công tác của Bộ Công an?",
])
def test_what_happened_at_a_meeting_is_a_report(question):
    assert kind(question) == "report"


@pytest.mark.parametrize("question", [
    "What happened when the ice sheet melted?",  # one consequence: no meeting verb
    "When did the chairman meet the delegation?",
    "Hội nghị diễn ra khi nào?",
    "Điều gì xảy ra khi giá điện tiếp tục tăng?",  # "tiếp tục" is no meeting verb
    "Điều gì đã xảy ra khi cán bộ tham nhũng bị phát hiện?",
])
def test_other_when_questions_keep_their_type(question):
    assert kind(question) == "factoid"


def test_the_words_after_the_cue_stay_in_the_topic():
    topic = without_cues("What happened when Chairman Trần Văn Nam met the ambassador?")
    assert "Trần Văn Nam" in topic and "met" in topic
    assert "happened" not in topic
