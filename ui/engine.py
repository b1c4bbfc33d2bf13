"""The running pipeline behind the UI and the per-request settings (filters, generator, language).

`Engine` holds the shared pipeline, asks it for a per-request view (`RagPipeline.view`: the person's
generator, top-k and filters) that answers through the same `answer()`/`stream()` as the CLI and
evaluation, and swaps in a new index after an upload (`RagPipeline.with_index`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Callable

from rag.index.store import Index
from rag.pipeline import RagPipeline, make_generator
from rag.schema import QueryPlan
from rag.text.vietnamese import fold

from .feedback import FeedbackLog

log = logging.getLogger("ui")
MAX_TOP_K = 30


@dataclass(frozen=True)
class Settings:
    """The filters and options a person chose for one question."""

    place: str | None = None  # a district as displayed; None: everywhere
    year_from: int | None = None
    year_to: int | None = None
    top_k: int = 10
    generator: str = "extractive"
    lang: str = "vi"  # the UI's language (answers follow the question's language)


def settings_from(place: Any, year_from: Any, year_to: Any, top_k: Any, generator: Any, lang: Any) -> Settings:
    """Settings from raw widget values, tolerating blanks and strings."""
    def year(value: Any) -> int | None:
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    lo, hi = year(year_from), year(year_to)
    if lo and hi and lo > hi:
        lo, hi = hi, lo
    try:
        k = max(1, min(MAX_TOP_K, int(top_k)))
    except (TypeError, ValueError):
        k = 10
    return Settings(place=place or None, year_from=lo, year_to=hi, top_k=k,
                    generator=str(generator or "extractive"), lang="en" if lang == "en" else "vi")


@dataclass(frozen=True)
class Facets:
    """Filter choices read from the index metadata."""

    places: list[str]
    years: list[int]


def facets(index: Index) -> Facets:
    places = sorted({a.place.district for a in index.articles.values() if a.place.district}, key=fold)
    years = {y for a in index.articles.values() for y in a.years}
    years |= {int(a.date[:4]) for a in index.articles.values() if a.date}
    return Facets(places=places, years=sorted(years))


def apply_filters(plan: QueryPlan, settings: Settings, all_years: list[int]) -> QueryPlan:
    """The plan with the person's filters: the chosen place replaces the places the question names; a
    year range narrower than the index's restricts the years (the question's own years win if the two
    do not overlap)."""
    if settings.place:
        plan = replace(plan, places=(fold(settings.place),), unknown_places=())
    lo = settings.year_from or (all_years[0] if all_years else None)
    hi = settings.year_to or (all_years[-1] if all_years else None)
    if lo is None or hi is None or (all_years and lo <= all_years[0] and hi >= all_years[-1]):
        return plan
    if plan.years:
        inside = tuple(y for y in plan.years if lo <= y <= hi)
        return replace(plan, years=inside) if inside else plan
    return replace(plan, years=tuple(range(lo, hi + 1)))


class Engine:
    """The running pipeline plus its generators; `swap` installs a new index for the next requests
    while requests already running finish on the old one."""

    def __init__(self, pipeline: RagPipeline, feedback: FeedbackLog | None = None,
                 generator_specs: list[str] | None = None, make_generator: Callable[..., Any] = make_generator) -> None:
        self._lock = threading.Lock()
        self.feedback = feedback
        self._make_generator = make_generator  # (spec, config, index) -> Generator
        config = pipeline.config
        self.generator_specs = list(dict.fromkeys(["extractive", config.llm, *(generator_specs or [])]))
        self._install(pipeline, {config.llm: pipeline.generator})

    def _install(self, pipeline: RagPipeline, generators: dict[str, Any]) -> None:
        facet = facets(pipeline.index)
        with self._lock:
            self.pipeline, self.generators, self.facets = pipeline, generators, facet

    @property
    def index(self) -> Index:
        return self.pipeline.index

    def _snapshot(self) -> tuple[RagPipeline, dict[str, Any], Facets]:
        with self._lock:
            return self.pipeline, self.generators, self.facets

    def generator(self, spec: str, snapshot: tuple | None = None):
        """The generator for `spec` over the snapshot's index (built on first use); an unknown spec
        falls back to the configured one."""
        pipeline, generators, _ = snapshot or self._snapshot()
        if spec not in self.generator_specs:
            spec = pipeline.config.llm
        if spec not in generators:
            generators[spec] = self._make_generator(spec, pipeline.config, pipeline.index)
        return generators[spec]

    def view(self, settings: Settings) -> RagPipeline:
        """The pipeline as this request should see it: its generator, top-k and filters, all over one
        index even if an upload swaps in another meanwhile."""
        snapshot = self._snapshot()
        pipeline, _, facet = snapshot
        return pipeline.view(top_k=settings.top_k, generator=self.generator(settings.generator, snapshot),
                             refine_plan=partial(apply_filters, settings=settings, all_years=list(facet.years)))

    def swap(self, index: Index) -> None:
        """Rebuild what depends on the index (planner, retriever, generator) and switch to it."""
        pipeline = self.pipeline.with_index(index, self._make_generator)
        self._install(pipeline, {pipeline.config.llm: pipeline.generator})


def warm_up(engine: Engine, question: str) -> float | None:
    """Answer one question before the first visitor does, so lazy loading (tokenisers, BM25, models)
    is not paid by a person. Returns the seconds it took, or None if it failed (logged, not raised)."""
    started = time.perf_counter()
    try:
        engine.view(Settings()).answer(question)
    except Exception:  # noqa: BLE001 - the app still starts; the first question will show the error
        log.warning("warm-up question failed", exc_info=True)
        return None
    return time.perf_counter() - started
