"""Turning a chat backend's exception into a BackendError that names the server, what happened and the fix.

Messages never carry the API key: servers echo keys back ("Incorrect API key provided: sk-ab...yz"),
so anything key-like is masked before it reaches a person or a log.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rag.errors import BackendError

if TYPE_CHECKING:
    from rag.config import Config
    from rag.answer.llm import Backend

_KEY_LIKE = re.compile(r"\b(?:sk|pk|rk|key)-[A-Za-z0-9_*.\-]{4,}")


_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/@\s]+@")


def mask_secrets(text: str, secrets: tuple[str | None, ...] = ()) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    text = _URL_PASSWORD.sub(r"\1***@", text)  # http://user:token@host -> http://***@host
    return _KEY_LIKE.sub("***", text)


def _server_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return str(message)[:300]
    return str(exc)[:300]


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost cause: 'Connection refused' rather than the client's 'Connection error.'."""
    seen = {id(exc)}
    while (exc.__cause__ or exc.__context__) is not None and id(exc.__cause__ or exc.__context__) not in seen:
        exc = exc.__cause__ or exc.__context__
        seen.add(id(exc))
    return exc


def explain(exc: Exception, backend: "Backend", config: "Config") -> BackendError:
    """A BackendError for `exc`; the original stays available as __cause__ when raised `from` it."""
    where, model = backend.where, backend.model_name
    if backend.spec.startswith("llamacpp:"):
        message = f"llama.cpp failed while answering with {where}: {type(exc).__name__}: {exc}"
        return BackendError(mask_secrets(message))
    try:
        import openai
    except ImportError:  # langchain-openai always brings openai; keep a plain message if it does not
        openai = None
    server = f"the LLM server at {where}"
    if openai is not None and isinstance(exc, openai.APITimeoutError):
        message = (f"{server} did not answer within {config.timeout:g} s. Fix: raise --timeout (or RAG_TIMEOUT), "
                   "use a smaller model, or check that the server is not overloaded")
    elif openai is not None and isinstance(exc, openai.APIConnectionError):
        cause = _root_cause(exc)
        detail = f" ({cause})" if cause is not exc and str(cause) else ""
        start = "ollama serve" if backend.spec.startswith("ollama:") else "llama-server -m MODEL.gguf --port 8080"
        message = (f"cannot reach {server}{detail}. Fix: start the server (e.g. `{start}`) "
                   "or correct --base-url (or RAG_BASE_URL)")
    elif openai is not None and isinstance(exc, openai.AuthenticationError):
        message = f"{server} refused the API key (HTTP 401). Fix: set OPENAI_API_KEY to a valid key for this server"
    elif openai is not None and isinstance(exc, openai.NotFoundError):
        message = (f"{server} answered 404 for model '{model}': {_server_message(exc)}. Fix: check the model name "
                   "(e.g. `ollama list`) and that --base-url ends with /v1")
    elif openai is not None and isinstance(exc, openai.RateLimitError):
        message = f"{server} is rate-limiting requests (HTTP 429). Fix: wait and retry, or use another server"
    elif openai is not None and isinstance(exc, openai.BadRequestError):
        message = (f"{server} rejected the request (HTTP 400: {_server_message(exc)}). Fix: if the prompt is too "
                   "long, lower --top-k or --max-tokens")
    elif openai is not None and isinstance(exc, openai.APIStatusError):
        message = (f"{server} answered HTTP {exc.status_code}: {_server_message(exc)}. Fix: check the server's log; "
                   "use --fallback to answer extractively meanwhile")
    else:
        message = (f"{server} sent a reply that is not a usable chat completion ({type(exc).__name__}: "
                   f"{str(exc)[:200]}). Fix: check that it speaks the OpenAI chat-completions API")
    return BackendError(mask_secrets(message, (config.api_key,)))
