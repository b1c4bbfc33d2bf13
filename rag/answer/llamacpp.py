"""llama.cpp in process (llama-cpp-python, an optional extra) as a LangChain chat model."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from rag.errors import BackendError, ConfigError

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
INSTALL_HINT = "pip install 'vn-news-rag[llamacpp]' (or: pip install llama-cpp-python)"


class LlamaCppChat(BaseChatModel):
    """Chat completions from a loaded `llama_cpp.Llama`, using the chat template inside the GGUF file."""

    llama: Any
    model_path: str = ""
    temperature: float = 0.0
    max_tokens: int = 512

    @property
    def _llm_type(self) -> str:
        return "llamacpp"

    def _request(self, messages: list[BaseMessage], stop: list[str] | None) -> dict:
        return {
            "messages": [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "stop": stop or [],
        }

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager=None,
                  **kwargs: Any) -> ChatResult:
        out = self.llama.create_chat_completion(**self._request(messages, stop))
        text = out["choices"][0]["message"].get("content") or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager=None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for part in self.llama.create_chat_completion(**self._request(messages, stop), stream=True):
            delta = part["choices"][0].get("delta", {}).get("content")
            if delta:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                if run_manager:
                    run_manager.on_llm_new_token(delta, chunk=chunk)
                yield chunk


def make_llamacpp_model(path: str, temperature: float, max_tokens: int, n_ctx: int) -> LlamaCppChat:
    """Load a GGUF file. Raises ConfigError for a bad path, BackendError when llama-cpp-python is missing."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise ConfigError(f"no GGUF model file at {file}. Fix: give the path of a .gguf file, "
                          "e.g. --llm llamacpp:~/models/qwen2.5-1.5b-instruct-q4_k_m.gguf")
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise BackendError(f"the llamacpp backend needs llama-cpp-python. Fix: {INSTALL_HINT}") from exc
    try:
        llama = Llama(model_path=str(file), n_ctx=n_ctx, verbose=False)
    except Exception as exc:  # llama.cpp reports a bad file as ValueError or RuntimeError
        raise BackendError(f"llama.cpp could not load {file}: {exc}. Fix: check that it is a complete GGUF file") from exc
    return LlamaCppChat(llama=llama, model_path=str(file), temperature=temperature, max_tokens=max_tokens)
