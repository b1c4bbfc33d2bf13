"""From passages to a cited draft: the Generator and Condenser protocols, the extractive answerer (the
default), LLM backends through LangChain (OpenAI-compatible, Ollama, llama.cpp), their prompts and errors."""

from rag import lazy_exports

_EXPORTS = {
    "Generator": "generator", "Condenser": "generator", "Draft": "generator", "decline_text": "generator",
    "ExtractiveGenerator": "extractive", "ExtractiveSettings": "extractive", "LLMGenerator": "llm",
    "make_llm_generator": "llm",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
