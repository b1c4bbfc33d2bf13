"""The Gradio app: chat with streamed, cited answers, a sources panel, filters, feedback and uploads.

Only the wiring of events lives here; the widgets and their labels are in `ui.layout`, what each event
does in `ui.handlers` (plain functions), how things look in `ui.render` (HTML strings, every article
text escaped).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from rag.config import set_library_defaults

set_library_defaults(GRADIO_ANALYTICS_ENABLED="False")

import gradio as gr  # noqa: E402

from rag.pipeline import RagPipeline  # noqa: E402

from . import handlers  # noqa: E402
from .assets import CSS, HEAD  # noqa: E402
from .engine import Engine, settings_from, warm_up  # noqa: E402
from .feedback import FeedbackLog  # noqa: E402
from .i18n import examples, t  # noqa: E402
from .layout import Widgets, layout, place_choices, relabelled, year_choices  # noqa: E402

log = logging.getLogger("ui")


def theme() -> gr.themes.Base:
    """System fonts only: the app must not reach for web fonts (it runs offline)."""
    return gr.themes.Soft(
        primary_hue="teal", neutral_hue="slate",
        font=["system-ui", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
    )


def launch_options() -> dict[str, Any]:
    """Gradio 6 takes theme, css and head at launch, not in gr.Blocks."""
    return {"theme": theme(), "css": CSS, "head": HEAD}


def build_app(pipeline: RagPipeline, *, feedback_log: Path | None = None, lang: str = "vi",
              generator_specs: list[str] | None = None, engine: Engine | None = None) -> gr.Blocks:
    """The chat app over a built pipeline. `feedback_log`: where 👍/👎 are appended (None: not kept)."""
    engine = engine or Engine(pipeline, FeedbackLog(feedback_log) if feedback_log else None, generator_specs)
    # Uploaded articles live in the index; the copies of the files Gradio keeps are deleted after a day.
    with gr.Blocks(title=t(lang, "title"), analytics_enabled=False, delete_cache=(3600, 86400)) as app:
        widgets = layout(engine, lang)
        _wire_chat(widgets, engine, lang)
        _wire_feedback(widgets, engine)
        _wire_uploads(app, widgets, engine)
        _wire_relabelling(widgets, engine, lang)
    return app


def _wire_chat(w: Widgets, engine: Engine, lang: str) -> None:
    """Asking (button, Enter, examples), new chat, and choosing which turn's sources to show."""

    def ask(question: str, history: list[dict], place: str, year_from: Any, year_to: Any, passages: float,
            generator: str, language: str):
        settings = settings_from(place, year_from, year_to, passages, generator, language)
        first = True
        for chat_messages, panel, new_turns in handlers.chat(engine, question, history, settings):
            yield chat_messages, panel, new_turns, ("" if first else gr.update())
            first = False

    inputs, outputs = [w.question, w.turns, *w.options], [w.chatbot, w.sources, w.turns, w.question]
    w.send.click(ask, inputs, outputs, api_name="chat", concurrency_id="chat")
    w.question.submit(ask, inputs, outputs, api_name="chat_submit", api_visibility="undocumented",
                      concurrency_id="chat")
    for button, example in zip(w.example_buttons, examples(lang)):
        button.click(lambda q=example: q, None, w.question, queue=False, api_visibility="private").then(
            ask, inputs, outputs, api_visibility="private", concurrency_id="chat")
    w.clear.click(lambda code: handlers.new_chat(code), [w.language], [w.chatbot, w.sources, w.turns, w.question],
                  queue=False, api_visibility="private")
    # The chat's own trash button empties the messages: forget the conversation with them.
    w.chatbot.clear(lambda code: handlers.new_chat(code)[1:3], [w.language], [w.sources, w.turns],
                    queue=False, api_visibility="private")

    def select_turn(history: list[dict], code: str, event: gr.SelectData):
        return handlers.sources_for(engine, history, handlers.turn_of_message(event.index), code)

    w.chatbot.select(select_turn, [w.turns, w.language], [w.sources], api_visibility="private")


def _wire_feedback(w: Widgets, engine: Engine) -> None:
    """👍/👎 on one answer (the chat's own buttons) or on the last one (the feedback panel)."""

    def like(history: list[dict], note: str, code: str, event: gr.LikeData):
        liked = event.liked is True or event.liked == "Like"
        return handlers.rate(engine, history, handlers.turn_of_message(event.index), liked, note, code)

    inputs = [w.turns, w.comment, w.language]
    w.chatbot.like(like, inputs, [w.feedback_status], api_visibility="private")
    w.good.click(lambda h, n, c: handlers.rate(engine, h, None, True, n, c), inputs,
                 [w.feedback_status], api_name="feedback_up", api_visibility="undocumented")
    w.bad.click(lambda h, n, c: handlers.rate(engine, h, None, False, n, c), inputs,
                [w.feedback_status], api_name="feedback_down", api_visibility="undocumented")


def _wire_uploads(app: gr.Blocks, w: Widgets, engine: Engine) -> None:
    """Adding articles, and keeping the place/year filters in step with the index."""

    def add_files(uploaded: list[str] | None, code: str, chosen_place: str, lo: Any, hi: Any):
        report, new = handlers.upload(engine, uploaded, code)
        years = year_choices(new)
        lo = str(lo) if str(lo) in years else (years[0] if years else None)
        hi = str(hi) if str(hi) in years else (years[-1] if years else None)
        return (report, None, gr.update(choices=place_choices(new, code), value=chosen_place or ""),
                gr.update(choices=years, value=lo), gr.update(choices=years, value=hi))

    w.add.click(add_files, [w.files, w.language, w.place, w.year_from, w.year_to],
                [w.upload_status, w.files, w.place, w.year_from, w.year_to], api_name="upload",
                api_visibility="undocumented", concurrency_limit=1)

    def refresh_filters(code: str):
        """Filter choices as the index is now (articles may have been added since the app was built)."""
        current = engine.facets
        years = year_choices(current)
        return (gr.update(choices=place_choices(current, code)),
                gr.update(choices=years, value=years[0] if years else None),
                gr.update(choices=years, value=years[-1] if years else None))

    app.load(refresh_filters, [w.language], [w.place, w.year_from, w.year_to], queue=False, show_progress="hidden",
             api_visibility="private")


def _wire_relabelling(w: Widgets, engine: Engine, lang: str) -> None:
    """Switching the UI language relabels every widget (`ui.layout.relabelled`) and re-renders the sources."""
    targets = [widget for widget, _ in relabelled(w, engine, lang, [])]

    def relabel(code: str, history: list[dict]):
        return [update for _, update in relabelled(w, engine, code, history)]

    w.language.change(relabel, [w.language, w.turns], targets, queue=False, show_progress="hidden",
                      api_visibility="private")


def serve(pipeline: RagPipeline, *, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None,
          feedback_log: Path | None = None, lang: str = "vi", concurrency: int = 4,
          prevent_thread_lock: bool = False) -> gr.Blocks:
    """Build the app and serve it (blocks until stopped unless `prevent_thread_lock`)."""
    engine = Engine(pipeline, FeedbackLog(feedback_log) if feedback_log else None)
    warm_up(engine, examples(lang)[0])
    app = build_app(pipeline, feedback_log=feedback_log, lang=lang, engine=engine)
    app.queue(default_concurrency_limit=concurrency, max_size=256)
    app.launch(server_name=host, server_port=port, auth=auth, share=False, inbrowser=False, show_error=False,
               footer_links=[], prevent_thread_lock=prevent_thread_lock, quiet=False,
               auth_message=t(lang, "title") if auth else None, max_file_size="20mb",
               state_session_capacity=500, **launch_options())
    return app
