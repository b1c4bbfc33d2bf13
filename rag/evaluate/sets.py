"""Question sets: reading and validating them (ARCHITECTURE §4.1), aligning batch outputs with them, and
building them from SQuAD-format files, XQuAD and the UI's feedback log."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Iterable

from rag.errors import InputError
from rag.ingest.jsonl import read_jsonl, write_jsonl  # noqa: F401  (re-exported: callers import them from here)
from rag.evaluate.metrics import Question
from rag.retrieve.question_types import QUESTION_TYPES


def _strings(value, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: '{field}' must be a list of strings, got {value!r}")
    return tuple(value)


def question_from_json(row: dict, where: str) -> Question:
    """Validate one question-set row; unknown fields are ignored (the contract may be extended)."""
    if not isinstance(row.get("id"), str) or not row["id"]:
        raise InputError(f"{where}: every question needs a string 'id'")
    if not isinstance(row.get("question"), str) or not row["question"].strip():
        raise InputError(f"{where}: '{row['id']}' needs a non-empty 'question'")
    if row.get("needs_label") or row.get("needs_review"):  # our converter's marker, and the UI's
        raise InputError(f"{where}: '{row['id']}' is waiting to be labelled: set 'answerable', 'gold_articles' "
                         "and 'answer_facts', then remove 'needs_label'")
    if not isinstance(row.get("answerable"), bool):
        raise InputError(f"{where}: '{row['id']}' needs 'answerable': true or false")
    facts = []
    for item in row.get("answer_facts") or []:
        alternatives = (item,) if isinstance(item, str) else _strings(item, where, "answer_facts")
        if not alternatives:
            raise InputError(f"{where}: '{row['id']}' has an empty list of alternatives in 'answer_facts'")
        facts.append(alternatives)
    kind = row.get("type")
    if kind is not None and kind not in QUESTION_TYPES:
        raise InputError(f"{where}: '{row['id']}' has type {kind!r}; valid types: {', '.join(QUESTION_TYPES)}")
    gold = _strings(row.get("gold_articles"), where, "gold_articles")
    if row["answerable"] and not gold and not facts:
        raise InputError(f"{where}: answerable question '{row['id']}' has neither gold_articles nor answer_facts")
    return Question(
        id=row["id"], question=row["question"], answerable=row["answerable"], gold_articles=gold,
        answer_facts=tuple(facts), lang=row.get("lang"), history=_strings(row.get("history"), where, "history"),
        reference_answers=_strings(row.get("reference_answers"), where, "reference_answers"), type=kind,
    )


def load_questions(path: Path) -> list[Question]:
    """A question set; InputError on a bad row or a repeated id."""
    questions = [question_from_json(row, f"{path}, question {i}") for i, row in
                 enumerate(read_jsonl(path, "question set"), start=1)]
    if not questions:
        raise InputError(f"question set {path} is empty")
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise InputError(f"{path}: question id '{q.id}' appears twice")
        seen.add(q.id)
    return questions



def align_outputs(questions: list[Question], outputs: list[dict]) -> list[dict]:
    """Each question's output row, matched by id; InputError when a question has none."""
    by_id: dict[str, dict] = {}
    for row in outputs:
        if "id" not in row:
            raise InputError("an output row has no 'id': run rag ask --batch on a question set with ids")
        by_id[str(row["id"])] = row
    missing = [q.id for q in questions if q.id not in by_id]
    if missing:
        raise InputError(f"no output for {len(missing)} question(s): {', '.join(missing[:5])}"
                         f"{' …' if len(missing) > 5 else ''}; were they run on this question set?")
    # Same ids but other questions means another version of the set: scoring it would mislead.
    changed = [q.id for q in questions if by_id[q.id].get("question") not in (None, q.question)]
    if changed:
        raise InputError(f"the output answers other questions than the set for {', '.join(changed[:5])}; "
                         "rerun rag ask --batch on this question set")
    return [by_id[q.id] for q in questions]


# ---------------------------------------------------------------- SQuAD and XQuAD


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "doc"


def _squad_paragraphs(data: dict, where: str) -> Iterable[tuple[str, int, dict]]:
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise InputError(f"{where}: not a SQuAD file (expected an object with a 'data' list)")
    for doc in data["data"]:
        for number, paragraph in enumerate(doc.get("paragraphs", [])):
            yield doc.get("title", "doc"), number, paragraph


def squad_to_rows(data: dict, *, prefix: str = "squad", lang: str | None = None, titles: bool = False,
                  where: str = "SQuAD file") -> tuple[list[dict], list[dict]]:
    """Articles (one per paragraph, for `rag index build --source`) and questions from SQuAD v1.1/v2.0 JSON.

    Each paragraph is its own article, so gold_articles is the paragraph the answer span is in. Its
    answer texts become one answer fact (alternatives) and the reference answers; a v2.0 question marked
    `is_impossible` becomes unanswerable. `titles` keeps the document title as the article title."""
    articles, questions = [], []
    for title, number, paragraph in _squad_paragraphs(data, where):
        article_id = f"{prefix}_{_slug(title)}_{number:02d}"
        article = {"id": article_id, "text": paragraph["context"]}
        if titles:
            article["title"] = title.replace("_", " ")
        articles.append(article)
        for qa in paragraph.get("qas", []):
            texts = list(dict.fromkeys(a["text"].strip() for a in qa.get("answers", []) if a["text"].strip()))
            answerable = bool(texts) and not qa.get("is_impossible", False)
            row = {"id": f"{prefix}_{qa['id']}", "question": qa["question"].strip()}
            if lang:
                row["lang"] = lang
            row.update(gold_articles=[article_id] if answerable else [],
                       answer_facts=[texts] if answerable else [], answerable=answerable)
            if answerable:
                row["reference_answers"] = texts
            questions.append(row)
    return articles, questions


def xquad_rows(vi: dict, en: dict, prefix: str = "xquad") -> tuple[list[dict], list[dict], list[dict]]:
    """Articles from the Vietnamese paragraphs, and the Vietnamese and English questions over them.

    XQuAD is parallel (same question ids in both files), so an English question's gold article is the
    Vietnamese paragraph of its id. Titles are left out: they are English Wikipedia page names and would
    hand English questions matching words that the Vietnamese text does not have. The English rows keep
    the Vietnamese answer (what the corpus says) and the English one as alternatives."""
    articles, vi_questions = squad_to_rows(vi, prefix=prefix, lang="vi", where="XQuAD vi")
    vi_by_id = {q["id"]: q for q in vi_questions}
    _, en_source = squad_to_rows(en, prefix=prefix, lang="en", where="XQuAD en")
    en_questions = []
    for row in en_source:
        twin = vi_by_id.get(row["id"])
        if twin is None:
            raise InputError(f"XQuAD en question {row['id']} has no Vietnamese twin: are the files parallel?")
        answers = list(dict.fromkeys(twin["reference_answers"] + row["reference_answers"]))
        en_questions.append({**row, "id": row["id"] + "_en", "gold_articles": twin["gold_articles"],
                             "answer_facts": [answers], "reference_answers": answers})
    return articles, vi_questions, en_questions


# ---------------------------------------------------------------- the UI's feedback log


def _cited_articles(citations) -> list[str]:
    ids = []
    for c in citations or []:
        article = c if isinstance(c, str) else (c.get("article_id") or (c.get("chunk_id") or "").split("#")[0])
        if article and article not in ids:
            ids.append(article)
    return ids


def feedback_rows(log: list[dict]) -> tuple[list[dict], list[dict], list[str]]:
    """Questions from 👍 answers (their cited articles taken as gold), 👎 answers as rows to label, and
    warnings for lines that could not be used. A question asked again keeps its latest rating.

    Reads the UI's log lines (ui/feedback.py): question, history, answer, answerable, citations, rating,
    comment, settings (question_lang), time, error."""
    latest: dict[tuple, dict] = {}
    warnings = []
    for number, entry in enumerate(log, start=1):
        question = str(entry.get("question") or "").strip()
        if not question or entry.get("rating") not in ("up", "down"):
            warnings.append(f"line {number}: needs a question and rating 'up' or 'down'; skipped")
            continue
        latest[(question, tuple(entry.get("history") or []))] = entry
    good, to_label = [], []
    for (question, history), entry in latest.items():
        digest = hashlib.sha1(f"{question}\n{history}\n{entry.get('time')}".encode()).hexdigest()[:10]
        row: dict = {"id": f"fb_{digest}", "question": question}
        lang = (entry.get("settings") or {}).get("question_lang")
        if lang:
            row["lang"] = lang
        if history:
            row["history"] = list(history)
        gold = _cited_articles(entry.get("citations"))
        # A liked refusal says the corpus does not answer it; a liked answer names its gold articles. A liked
        # error, or a liked answer that cites nothing, says neither: a person has to look.
        answerable = bool(entry.get("answerable", bool(gold)))
        if entry["rating"] == "up" and not entry.get("error") and answerable == bool(gold):
            row.update(gold_articles=gold, answer_facts=[], answerable=answerable,
                       source={"feedback_time": entry.get("time"), "comment": entry.get("comment")})
            good.append(row)
        else:
            row.update(gold_articles=[], answer_facts=[], answerable=None, needs_label=True, rating=entry["rating"],
                       system_answer=entry.get("answer") or entry.get("error"), system_cited=gold,
                       comment=entry.get("comment"), settings=entry.get("settings"), feedback_time=entry.get("time"))
            to_label.append(row)
    return good, to_label, warnings
