"""From a question to passages: query planning (language, place/year, answer type) and hybrid retrieval."""
