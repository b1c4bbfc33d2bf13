"""Citation checking: the [n] marker grammar, facts and slots of a sentence, and the support checker."""
