"""The Gradio app: chat with streamed, cited answers, a sources panel, filters, feedback and uploads.

Only layout and wiring live here; what each event does is in `ui.handlers` (plain functions) and how
things look in `ui.render` (HTML strings, every article text escaped).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from rag.config import set_library_defaults

set_library_defaults(GRADIO_ANALYTICS_ENABLED="False")

import gradio as gr  # noqa: E402

from rag.pipeline import RagPipeline  # noqa: E402

from . import handlers, render  # noqa: E402
from .engine import MAX_TOP_K, Engine, Facets, settings_from, warm_up  # noqa: E402
from .assets import CSS, HEAD  # noqa: E402
from .feedback import FeedbackLog  # noqa: E402
from .i18n import EXAMPLES, LANGUAGES, examples, t  # noqa: E402

log = logging.getLogger("ui")
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".jsonl"]


def _header(lang: str) -> str:
    return f"<h1>{render.esc(t(lang, 'title'))}</h1><p>{render.esc(t(lang, 'subtitle'))}</p>"


def _place_choices(facets: Facets, lang: str) -> list[tuple[str, str]]:
    return [(t(lang, "any_place"), "")] + [(p, p) for p in facets.places]


def _years(facets: Facets) -> list[str]:
    """Years as strings: what the dropdown sends back from a browser or an API client alike."""
    return [str(y) for y in facets.years]


def _generator_choices(engine: Engine, lang: str) -> list[tuple[str, str]]:
    return [(t(lang, "extractive") if s == "extractive" else s, s) for s in engine.generator_specs]


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
    facets = engine.facets
    years = _years(facets)
    config = engine.pipeline.config
    # Uploaded articles live in the index; the copies of the files Gradio keeps are deleted after a day.
    with gr.Blocks(title=t(lang, "title"), analytics_enabled=False, delete_cache=(3600, 86400)) as app:
        # Per-session answers expire after two hours: Gradio keeps up to 10,000 sessions otherwise, and each
        # turn holds whole article texts for its sources panel (RSS grew 18% over 1,000 requests).
        turns = gr.State([], time_to_live=7200)
        with gr.Row(equal_height=True):
            header = gr.HTML(_header(lang), elem_id="app-header", js_on_load=None)
            language = gr.Radio([(name, code) for code, name in LANGUAGES.items()], value=lang,
                                label=t(lang, "language"), elem_id="lang-switch", scale=0, min_width=280)
        with gr.Row(equal_height=False):
            with gr.Column(scale=7):
                chatbot = gr.Chatbot(elem_id="chat", height=540, show_label=False, latex_delimiters=[],
                                     buttons=["copy"], placeholder=t(lang, "chat_placeholder"))
                with gr.Row():
                    question = gr.Textbox(show_label=False, placeholder=t(lang, "placeholder"), lines=1,
                                          max_lines=4, scale=8, autofocus=True, elem_id="question", max_length=2000)
                    send = gr.Button(t(lang, "send"), variant="primary", scale=0, min_width=90, elem_id="send")
                    clear = gr.Button(t(lang, "new_chat"), scale=0, min_width=200, elem_id="new-chat")
                examples_title = gr.Markdown(f"**{t(lang, 'examples')}**")
                example_buttons = []
                for code in (lang, *(c for c in EXAMPLES if c != lang)):
                    with gr.Row(elem_classes=["example-row"]):
                        example_buttons += [gr.Button(q, size="sm", min_width=120) for q in EXAMPLES[code]]
                with gr.Accordion(t(lang, "feedback"), open=False, elem_id="feedback") as feedback_box:
                    comment = gr.Textbox(label=t(lang, "comment"), placeholder=t(lang, "comment_placeholder"), lines=2)
                    with gr.Row():
                        good = gr.Button(t(lang, "good"), size="sm", elem_id="thumbs-up")
                        bad = gr.Button(t(lang, "bad"), size="sm", elem_id="thumbs-down")
                    feedback_status = gr.HTML(js_on_load=None)
            with gr.Column(scale=5):
                sources_title = gr.Markdown(f"### {t(lang, 'sources')}", elem_id="sources-title")
                sources = gr.HTML(render.empty_sources_html(lang), elem_id="sources", js_on_load=None)
                with gr.Accordion(t(lang, "filters"), open=True) as filters_box:
                    place = gr.Dropdown(_place_choices(facets, lang), value="", label=t(lang, "place"), elem_id="place")
                    with gr.Row():
                        year_from = gr.Dropdown(years, value=years[0] if years else None,
                                                label=t(lang, "year_from"), elem_id="year-from")
                        year_to = gr.Dropdown(years, value=years[-1] if years else None,
                                              label=t(lang, "year_to"), elem_id="year-to")
                    top_k = gr.Slider(1, MAX_TOP_K, value=config.top_k, step=1, label=t(lang, "top_k"))
                    generator = gr.Dropdown(_generator_choices(engine, lang), value=config.llm, label=t(lang, "generator"))
                with gr.Accordion(t(lang, "upload"), open=False, elem_id="upload") as upload_box:
                    upload_hint = gr.Markdown(t(lang, "upload_hint"))
                    files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label=t(lang, "files"),
                                    elem_id="upload-files", height=140)
                    add = gr.Button(t(lang, "upload_button"), elem_id="upload-button")
                    upload_status = gr.HTML(js_on_load=None, elem_id="upload-status")

        options = [place, year_from, year_to, top_k, generator, language]

        def ask(question: str, history: list[dict], place: str, year_from: Any, year_to: Any, passages: float,
                generator: str, language: str):
            settings = settings_from(place, year_from, year_to, passages, generator, language)
            first = True
            for chat_messages, panel, new_turns in handlers.chat(engine, question, history, settings):
                yield chat_messages, panel, new_turns, ("" if first else gr.update())
                first = False

        outputs = [chatbot, sources, turns, question]
        send.click(ask, [question, turns, *options], outputs, api_name="chat", concurrency_id="chat")
        question.submit(ask, [question, turns, *options], outputs, api_name="chat_submit",
                        api_visibility="undocumented", concurrency_id="chat")
        for button, example in zip(example_buttons, examples(lang)):
            button.click(lambda q=example: q, None, question, queue=False, api_visibility="private").then(
                ask, [question, turns, *options], outputs, api_visibility="private", concurrency_id="chat")
        clear.click(lambda code: handlers.new_chat(code), [language], [chatbot, sources, turns, question],
                    queue=False, api_visibility="private")
        # The chat's own trash button empties the messages: forget the conversation with them.
        chatbot.clear(lambda code: handlers.new_chat(code)[1:3], [language], [sources, turns],
                      queue=False, api_visibility="private")

        def select_turn(history: list[dict], code: str, event: gr.SelectData):
            return handlers.sources_for(engine, history, handlers.turn_of_message(event.index), code)

        chatbot.select(select_turn, [turns, language], [sources], api_visibility="private")

        def like(history: list[dict], note: str, code: str, event: gr.LikeData):
            liked = event.liked is True or event.liked == "Like"
            return handlers.rate(engine, history, handlers.turn_of_message(event.index), liked, note, code)

        chatbot.like(like, [turns, comment, language], [feedback_status], api_visibility="private")
        good.click(lambda h, n, c: handlers.rate(engine, h, None, True, n, c), [turns, comment, language],
                   [feedback_status], api_name="feedback_up", api_visibility="undocumented")
        bad.click(lambda h, n, c: handlers.rate(engine, h, None, False, n, c), [turns, comment, language],
                  [feedback_status], api_name="feedback_down", api_visibility="undocumented")

        def add_files(uploaded: list[str] | None, code: str, chosen_place: str, lo: Any, hi: Any):
            report, new = handlers.upload(engine, uploaded, code)
            years = _years(new)
            lo = str(lo) if str(lo) in years else (years[0] if years else None)
            hi = str(hi) if str(hi) in years else (years[-1] if years else None)
            return (report, None, gr.update(choices=_place_choices(new, code), value=chosen_place or ""),
                    gr.update(choices=years, value=lo), gr.update(choices=years, value=hi))

        add.click(add_files, [files, language, place, year_from, year_to],
                  [upload_status, files, place, year_from, year_to], api_name="upload",
                  api_visibility="undocumented", concurrency_limit=1)

        def refresh_filters(code: str):
            """Filter choices as the index is now (articles may have been added since the app was built)."""
            current = engine.facets
            years = _years(current)
            return (gr.update(choices=_place_choices(current, code)),
                    gr.update(choices=years, value=years[0] if years else None),
                    gr.update(choices=years, value=years[-1] if years else None))

        app.load(refresh_filters, [language], [place, year_from, year_to], queue=False, show_progress="hidden",
                 api_visibility="private")

        def relabel(code: str, history: list[dict]):
            last = len(history) - 1
            panel = handlers.sources_for(engine, history, last, code) if history else render.empty_sources_html(code)
            return (
                _header(code), gr.update(label=t(code, "language")),
                gr.update(placeholder=t(code, "placeholder")), gr.update(value=t(code, "send")),
                gr.update(value=t(code, "new_chat")), f"**{t(code, 'examples')}**",
                gr.update(label=t(code, "feedback")), gr.update(label=t(code, "comment"), placeholder=t(code, "comment_placeholder")),
                gr.update(value=t(code, "good")), gr.update(value=t(code, "bad")),
                f"### {t(code, 'sources')}", panel, gr.update(label=t(code, "filters")),
                gr.update(label=t(code, "place"), choices=_place_choices(engine.facets, code)),
                gr.update(label=t(code, "year_from")), gr.update(label=t(code, "year_to")),
                gr.update(label=t(code, "top_k")),
                gr.update(label=t(code, "generator"), choices=_generator_choices(engine, code)),
                gr.update(label=t(code, "upload")), t(code, "upload_hint"), gr.update(label=t(code, "files")),
                gr.update(value=t(code, "upload_button")), gr.update(placeholder=t(code, "chat_placeholder")),
            )

        language.change(relabel, [language, turns], [
            header, language, question, send, clear, examples_title, feedback_box, comment, good, bad,
            sources_title, sources, filters_box, place, year_from, year_to, top_k, generator, upload_box,
            upload_hint, files, add, chatbot,
        ], queue=False, show_progress="hidden", api_visibility="private")
    return app


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
