"""Removing articles from a real e5 index: nothing re-embedded, the rest still answers, bad ids change nothing."""

from __future__ import annotations

import numpy as np
import pytest

from rag.errors import InputError
from rag.index.store import load_index, verify_index
from rag.index.update import remove_articles


def test_removed_article_is_gone_and_the_rest_is_intact(index_copy, e5_embedder):
    before = load_index(index_copy)
    kept_rows = [r for r, c in enumerate(before.chunks) if c.article_id != "myloc_2021"]

    after = remove_articles(index_copy, ["myloc_2021"])

    reloaded = load_index(index_copy)
    verify_index(index_copy, checksums=True)
    assert "myloc_2021" not in reloaded.articles and len(reloaded.articles) == len(before.articles) - 1
    assert all(c.article_id != "myloc_2021" for c in reloaded.chunks)
    assert reloaded.manifest["counts"]["chunks"] == len(kept_rows) == reloaded.vectors.ntotal
    # The kept vectors are the old ones, copied: nothing was embedded again.
    for new_row, old_row in enumerate(kept_rows):
        assert np.allclose(reloaded.vectors.reconstruct(new_row), before.vectors.reconstruct(old_row))
    assert all(reloaded.chunks[row].id == before.chunks[kept_rows[row]].id for row in range(len(kept_rows)))
    assert len(reloaded.units) == len(reloaded.unit_vectors) and after.manifest["removals"][-1]["articles"] == ["myloc_2021"]
    # Every answer unit still points at the chunk it was cut from.
    assert all(text in reloaded.chunks[row].text for row, text in reloaded.units)


def test_unknown_ids_and_emptying_the_index_change_nothing(index_copy):
    manifest = verify_index(index_copy)
    with pytest.raises(InputError, match="no article 'nope'"):
        remove_articles(index_copy, ["nope"])
    with pytest.raises(InputError, match="empty"):
        remove_articles(index_copy, list(load_index(index_copy).articles))
    assert verify_index(index_copy)["built_at"] == manifest["built_at"]


def test_cli_remove(run_rag, index_copy):
    result = run_rag("index", "remove", "caolanh_2024", "--index", str(index_copy))
    assert result.returncode == 0, result.stderr
    assert "removed 1 article(s)" in result.stderr
    assert "caolanh_2024" not in load_index(index_copy).articles
    missing = run_rag("index", "remove", "nope", "--index", str(index_copy))
    assert missing.returncode == 1 and "no article 'nope'" in missing.stderr and "Traceback" not in missing.stderr
