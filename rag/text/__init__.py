"""Vietnamese text: normalisation and accent folding, accent restoration, place names, English→Vietnamese terms."""
