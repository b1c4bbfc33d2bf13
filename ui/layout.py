"""The app's widgets and their labels: `layout` places them (inside a gr.Blocks), `relabelled` gives each
its text in another UI language. What the widgets do is wired in `ui.app`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from . import handlers, render
from .engine import MAX_TOP_K, Engine, Facets
from .i18n import EXAMPLES, LANGUAGES, t

UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".jsonl"]


def header_html(lang: str) -> str:
    return f"<h1>{render.esc(t(lang, 'title'))}</h1><p>{render.esc(t(lang, 'subtitle'))}</p>"


def place_choices(facets: Facets, lang: str) -> list[tuple[str, str]]:
    return [(t(lang, "any_place"), "")] + [(p, p) for p in facets.places]


def year_choices(facets: Facets) -> list[str]:
    """Years as strings: what the dropdown sends back from a browser or an API client alike."""
    return [str(y) for y in facets.years]


def generator_choices(engine: Engine, lang: str) -> list[tuple[str, str]]:
    return [(t(lang, "extractive") if s == "extractive" else s, s) for s in engine.generator_specs]


@dataclass
class Widgets:
    """Every component the wiring and the relabelling refer to."""

    turns: Any
    header: Any
    language: Any
    chatbot: Any
    question: Any
    send: Any
    clear: Any
    examples_title: Any
    example_buttons: list
    feedback_box: Any
    comment: Any
    good: Any
    bad: Any
    feedback_status: Any
    sources_title: Any
    sources: Any
    filters_box: Any
    place: Any
    year_from: Any
    year_to: Any
    top_k: Any
    generator: Any
    upload_box: Any
    upload_hint: Any
    files: Any
    add: Any
    upload_status: Any

    @property
    def options(self) -> list:
        """The inputs every question is asked with, in `ui.engine.settings_from`'s order."""
        return [self.place, self.year_from, self.year_to, self.top_k, self.generator, self.language]


def layout(engine: Engine, lang: str) -> Widgets:
    """Place the widgets (call inside a gr.Blocks): the chat on the left, sources, filters and uploads on
    the right."""
    years = year_choices(engine.facets)
    config = engine.pipeline.config
    # Per-session answers expire after two hours: Gradio keeps up to 10,000 sessions otherwise, and each
    # turn holds whole article texts for its sources panel (RSS grew 18% over 1,000 requests).
    turns = gr.State([], time_to_live=7200)
    with gr.Row(equal_height=True):
        header = gr.HTML(header_html(lang), elem_id="app-header", js_on_load=None)
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
                place = gr.Dropdown(place_choices(engine.facets, lang), value="", label=t(lang, "place"),
                                    elem_id="place")
                with gr.Row():
                    year_from = gr.Dropdown(years, value=years[0] if years else None,
                                            label=t(lang, "year_from"), elem_id="year-from")
                    year_to = gr.Dropdown(years, value=years[-1] if years else None,
                                          label=t(lang, "year_to"), elem_id="year-to")
                top_k = gr.Slider(1, MAX_TOP_K, value=config.top_k, step=1, label=t(lang, "top_k"))
                generator = gr.Dropdown(generator_choices(engine, lang), value=config.llm, label=t(lang, "generator"))
            with gr.Accordion(t(lang, "upload"), open=False, elem_id="upload") as upload_box:
                upload_hint = gr.Markdown(t(lang, "upload_hint"))
                files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label=t(lang, "files"),
                                elem_id="upload-files", height=140)
                add = gr.Button(t(lang, "upload_button"), elem_id="upload-button")
                upload_status = gr.HTML(js_on_load=None, elem_id="upload-status")
    return Widgets(
        turns=turns, header=header, language=language, chatbot=chatbot, question=question, send=send, clear=clear,
        examples_title=examples_title, example_buttons=example_buttons, feedback_box=feedback_box, comment=comment,
        good=good, bad=bad, feedback_status=feedback_status, sources_title=sources_title, sources=sources,
        filters_box=filters_box, place=place, year_from=year_from, year_to=year_to, top_k=top_k, generator=generator,
        upload_box=upload_box, upload_hint=upload_hint, files=files, add=add, upload_status=upload_status,
    )


def relabelled(w: Widgets, engine: Engine, code: str, history: list[dict]) -> list[tuple[Any, Any]]:
    """(widget, update) for every widget whose text follows the UI language; the sources panel is
    re-rendered for the last turn."""
    panel = handlers.sources_for(engine, history, len(history) - 1, code) if history else render.empty_sources_html(code)
    return [
        (w.header, header_html(code)),
        (w.language, gr.update(label=t(code, "language"))),
        (w.question, gr.update(placeholder=t(code, "placeholder"))),
        (w.send, gr.update(value=t(code, "send"))),
        (w.clear, gr.update(value=t(code, "new_chat"))),
        (w.examples_title, f"**{t(code, 'examples')}**"),
        (w.feedback_box, gr.update(label=t(code, "feedback"))),
        (w.comment, gr.update(label=t(code, "comment"), placeholder=t(code, "comment_placeholder"))),
        (w.good, gr.update(value=t(code, "good"))),
        (w.bad, gr.update(value=t(code, "bad"))),
        (w.sources_title, f"### {t(code, 'sources')}"),
        (w.sources, panel),
        (w.filters_box, gr.update(label=t(code, "filters"))),
        (w.place, gr.update(label=t(code, "place"), choices=place_choices(engine.facets, code))),
        (w.year_from, gr.update(label=t(code, "year_from"))),
        (w.year_to, gr.update(label=t(code, "year_to"))),
        (w.top_k, gr.update(label=t(code, "top_k"))),
        (w.generator, gr.update(label=t(code, "generator"), choices=generator_choices(engine, code))),
        (w.upload_box, gr.update(label=t(code, "upload"))),
        (w.upload_hint, t(code, "upload_hint")),
        (w.files, gr.update(label=t(code, "files"))),
        (w.add, gr.update(value=t(code, "upload_button"))),
        (w.chatbot, gr.update(placeholder=t(code, "chat_placeholder"))),
    ]
