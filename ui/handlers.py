"""What the UI's events do, as plain functions over plain values: testable without a server.

`chat` streams one turn; `rate` logs feedback; `upload` adds articles and swaps the index in (the
running pipeline and the settings live in `ui.engine`). Handlers never raise: library errors (RagError) become
their own message, anything else a generic one (the traceback goes to the server log only).
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Iterator

from rag import disk
from rag.errors import RagError
from rag.schema import Answer, Citation

from . import render
from .engine import Engine, Facets, Settings
from .feedback import feedback_record
from .i18n import t

log = logging.getLogger("ui")
WHY_NOT_SAVED = {disk.FULL_DISK: "why_full_disk", disk.SIZE_LIMIT: "why_size_limit", disk.READ_ONLY: "why_read_only"}
MAX_UPLOAD_FILES = 50  # one request; more would hold the single upload slot for minutes


# ---------------------------------------------------------------- chat


def messages(turns: list[dict]) -> list[dict]:
    """Chatbot messages (Gradio's messages format) for the turns so far."""
    out: list[dict] = []
    for turn in turns:
        out.append({"role": "user", "content": render.user_html(turn["question"])})
        out.append({"role": "assistant", "content": turn["html"]})
    return out


def _history(turns: list[dict]) -> list[str]:
    return [turn["question"] for turn in turns if not turn.get("error")]


def _turn(question: str, history: list[str], settings: Settings, html: str, answer: Answer | None = None,
          error: str | None = None) -> dict:
    settings_dict = asdict(settings)
    if answer is not None and answer.plan is not None:
        settings_dict["question_lang"] = answer.plan.language
    return {"question": question, "history": history, "html": html, "settings": settings_dict,
            "answer": answer.to_dict() if answer is not None else None, "error": error}


def chat(engine: Engine, question: str, turns: list[dict] | None, settings: Settings
         ) -> Iterator[tuple[list[dict], str, list[dict]]]:
    """One chat turn: yields (chat messages, sources panel HTML, turns) as the answer streams, the
    last yield carrying the checked answer, its linked markers and its source cards."""
    turns = list(turns or [])
    lang = settings.lang
    question = (question or "").strip()
    if not question:
        yield messages(turns), render.empty_sources_html(lang), turns
        return
    history = _history(turns)
    number = len(turns)
    pending = {"question": question, "html": render.thinking_html(lang)}
    yield messages(turns + [pending]), render.empty_sources_html(lang), turns
    try:
        view = engine.view(settings)
        text, answer = "", None
        for piece in view.stream(question, history or None):
            if isinstance(piece, Answer):
                answer = piece
            elif piece:
                text += str(piece)
                pending = {"question": question, "html": render.streaming_html(text)}
                yield messages(turns + [pending]), render.empty_sources_html(lang), turns
        if answer is None:
            raise RuntimeError("the pipeline finished without an answer")
        turn = _turn(question, history, settings, render.answer_html(answer, lang, number), answer)
        sources = render.sources_html(answer, view.index.articles, lang, number)
    except RagError as exc:
        turn = _turn(question, history, settings, render.error_html(lang, str(exc)), error=str(exc))
        sources = render.empty_sources_html(lang)
    except Exception:  # noqa: BLE001 - a person sees a friendly message; the log gets the traceback
        log.exception("chat failed for question %r", question)
        turn = _turn(question, history, settings, render.error_html(lang), error="internal error")
        sources = render.empty_sources_html(lang)
    turns = turns + [turn]
    yield messages(turns), sources, turns


def new_chat(lang: str) -> tuple[list[dict], str, list[dict], str]:
    """Clears the conversation: (messages, sources, turns, question box)."""
    return [], render.empty_sources_html(lang), [], ""


def sources_for(engine: Engine, turns: list[dict], turn_index: int, lang: str) -> str:
    """The sources panel for an earlier answer (when a person selects it in the chat)."""
    if not (0 <= turn_index < len(turns)) or not turns[turn_index].get("answer"):
        return render.empty_sources_html(lang)
    data = turns[turn_index]["answer"]
    try:
        answer = Answer(question=data["question"], text=data["answer"], answerable=data["answerable"],
                        citations=tuple(Citation(**c) for c in data["citations"]), hits=(), timings_ms={})
    except (KeyError, TypeError):  # a turn record from an older version of the app
        return render.empty_sources_html(lang)
    return render.sources_html(answer, engine.index.articles, lang, turn_index)


# ---------------------------------------------------------------- feedback


def rate(engine: Engine, turns: list[dict] | None, turn_index: int | None, liked: bool, comment: str | None,
         lang: str) -> str:
    """Log 👍/👎 (and the comment) for one answer; `turn_index` None means the latest answer."""
    turns = list(turns or [])
    if not turns:
        return render.message_html(t(lang, "no_answer_yet"), "none")
    index = len(turns) - 1 if turn_index is None else turn_index
    if not 0 <= index < len(turns):
        return render.message_html(t(lang, "no_answer_yet"), "none")
    if engine.feedback is None:
        return render.message_html(t(lang, "thanks"), "ok")
    try:
        engine.feedback.append(feedback_record(turns[index], "up" if liked else "down", comment))
    except OSError as exc:  # the log is a side line: the user hears the rating was lost, the chat goes on
        cause = disk.cause_of(exc, engine.feedback.path.parent)
        log.warning("feedback not saved in %s: %s (%s). Fix: %s", engine.feedback.path, exc.strerror or exc,
                    cause.reason if cause else "not a full disk, a size limit or a read-only folder",
                    cause.fix if cause else "check that the file can be written")
        why = t(lang, WHY_NOT_SAVED.get(cause.kind if cause else "", "why_other"))
        return render.message_html(t(lang, "not_saved", why=why), "bad")
    return render.message_html(t(lang, "thanks"), "ok")


def turn_of_message(message_index: int | list | tuple | None) -> int | None:
    """The turn a chat message belongs to (each turn is a user message then an answer)."""
    if isinstance(message_index, (list, tuple)):
        message_index = message_index[0] if message_index else None
    return None if message_index is None else int(message_index) // 2


# ---------------------------------------------------------------- uploads


def upload(engine: Engine, files: list[Any] | None, lang: str,
           add: Callable[..., Any] | None = None) -> tuple[str, Facets]:
    """Index uploaded files into the running index and switch to it: (report HTML, new filter choices)."""
    if not files:
        return render.message_html(t(lang, "no_files"), "none"), engine.facets
    if len(files) > MAX_UPLOAD_FILES:
        message = t(lang, "too_many_files", n=len(files), limit=MAX_UPLOAD_FILES)
        return render.message_html(message, "bad"), engine.facets
    paths = [Path(getattr(f, "name", None) or getattr(f, "path", None) or str(f)) for f in files]
    if add is None:
        from rag.index.update import add_articles as add
    try:
        report = add(engine.pipeline.config.index, paths, engine.pipeline.embedder, names=[p.name for p in paths])
        if report.index is not None:
            engine.swap(report.index)
    except RagError as exc:
        return render.message_html(f"{t(lang, 'error')}: {exc}", "bad"), engine.facets
    except Exception:  # noqa: BLE001
        log.exception("upload failed")
        return render.message_html(t(lang, "error_generic"), "bad"), engine.facets
    html = render.upload_report_html(report.added, report.added_files, report.rejected, report.warnings, lang)
    counts = engine.index.manifest.get("counts", {})
    status = render.message_html(t(lang, "index_size", articles=counts.get("articles", len(engine.index.articles)),
                                   chunks=counts.get("chunks", len(engine.index.chunks))), "info")
    return html + status, engine.facets
