"""From passages to a cited draft: the Generator protocol, the extractive answerer, LLM backends and prompts."""
