"""The Gradio chat UI over `rag` (the only package that imports gradio).

`ui.app.build_app(pipeline)` returns the gr.Blocks app; `rag serve` starts it. The submodules
`handlers`, `render`, `i18n` and `feedback` do not import gradio and are tested without a server.
"""
