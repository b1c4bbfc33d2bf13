"""Vietnamese text, the bottom layer: normalisation and accent folding, accent restoration, place names,
English→Vietnamese terms, years and dates, people's surnames. Pure functions over strings (pyvi loads on
first use)."""

from rag import lazy_exports

_EXPORTS = {
    "normalize": "vietnamese", "fold": "vietnamese", "detect_language": "vietnamese",
    "split_sentences": "vietnamese", "keyword_tokens": "vietnamese", "lexical_tokens": "vietnamese",
    "AccentRestorer": "accents", "PlaceText": "places", "provinces_in": "places", "districts_in": "places",
    "admin_names_in": "places", "province_key": "places", "vietnamese_expansion": "crosslingual",
    "folded_alternatives": "crosslingual", "question_years": "dates", "years_mentioned": "dates",
    "display_date": "dates", "SURNAMES": "names", "NOT_PEOPLE": "names",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
