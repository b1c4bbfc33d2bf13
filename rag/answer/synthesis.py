"""Multi-point answers without a model: reports, plans, lists, comparisons and digests, as quoted bullets.

For each chosen article, every quotable piece (sentence or clause) is scored by
- relevance: e5 similarity to the question and to the article's centroid (what the article is mostly
  about, as in centroid summarisation), plus the IDF-weighted share of the question's own terms;
- salience: figures, named programmes and documents, decisions and results; for lists, names and roles
  (hand-set weights); for a pure summary question ("what does the article report?", no topic words) a score
  learned from human abstracts instead (rag.answer.learned_salience: position, figures and names beyond the
  title, decisions, ... weighed by a model fitted on VietNews articles no evaluation uses);
- time: the years a piece speaks about (named in it, or inherited from the last year written earlier in
  its paragraph) must meet the question's years; a report prefers what was done, a plan what is to come;
- a penalty for restating the title (the lede that says a meeting took place adds nothing to it),
then chosen greedily with maximal marginal relevance over the unit vectors, so no two bullets repeat
each other, within a word budget. A pure summary's bullets are quoted without the end clauses that add no fact
(rag.answer.compress), and may be photo captions without their credit. The mixing weights in SynthesisSettings are stated or chosen on the
development sets (see SynthesisSettings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from rag.answer.clauses import clauses
from rag.answer.compress import compress, facts_in, without_credit
from rag.answer.mood import is_directive
from rag.answer.learned_salience import article_features, load_model, spread
from rag.answer.focus_scorer import FEATURES as FOCUS_FEATURES, features_row, load_focus_model, piece_parts
from rag.answer.collection import article_years
from rag.answer.salience import CREDIT, DECISION, NAMED_THING, PEOPLE_QUESTION, ROLE, SPEECH, SPEECH_FRAME, SPEECH_QUESTION, TITLED, capitalised_names, context_years, restates_title, question_names, shared_words, specifics
from rag.answer.tense import FORWARD as _FORWARD, PAST as _PAST, section_tenses
from rag.answer.bullets import Bullet, Section, lead_line, render, source_label
from rag.answer.synthesis_settings import SynthesisSettings
from rag.answer.extractive import ExtractiveGenerator, _has_count, _has_person, _term_groups
from rag.index.constraints import place_keys
from rag.answer.generator import Draft, decline_text
from rag.text.dates import years_mentioned
from rag.retrieve.question_types import QUOTED, compares_periods, outside_quotes, without_cues
from rag.schema import Hit, QueryPlan
from rag.text.names import SURNAMES
from rag.text.crosslingual import english_terms
from rag.text.places import ENGLISH_ALIASES, english_aliases_in
from rag.text.vietnamese import fold, folded_syllables, has_syllable_shape

FOLDED_SURNAMES = frozenset(fold(name) for name in SURNAMES)
FOLDED_ROLE = re.compile(fold(ROLE.pattern))  # the office words of rag.answer.salience, accent-folded

# What a bullet adds to its quote, as a reader (or `len(text.split())`) counts words: "-" and the "."
# after its [n] marker.
_BULLET_WORDS = 2
_OTHER_YEAR, _OUTSIDE_SUBSET = FOCUS_FEATURES.index("other_year"), FOCUS_FEATURES.index("outside_subset")


@dataclass(frozen=True)
class Piece:
    unit: int
    text: str
    hit: Hit
    order: int
    years: tuple[int, ...]
    score: float = 0.0
    tense: float = 0.0  # of its section: > 0 looks ahead, < 0 back (rag.answer.tense)
    offered: str = ""  # the sentence or clause as offered, when `text` is it trimmed (rag.answer.compress)


def _article_years(index, hit: Hit) -> set[int]:
    article = index.articles.get(hit.chunk.article_id)
    return article_years(article) if article else set(hit.chunk.years)


def names_an_article_can_hold(plan: QueryPlan, names: list[str]) -> list[str]:
    """The question's names (accent-folded runs) that a Vietnamese article could contain as written. In a
    question in another language, capitalised runs are mostly that language's words for bodies and titles
    ("District Party Committee", "Central Inspection Commission"), which the article writes in Vietnamese;
    what carries over is a run typed with Vietnamese diacritics ("Gia Lâm"), a place the gazetteer
    recognised ("Quang Nam Province" gives "quang nam") and a person's name (a Vietnamese surname first).
    In a Vietnamese question the same two kinds are kept: a body's name capitalises only its head ("Ban Dân vận
    Thành uỷ", "Bộ Nội vụ"), so its run ("ban dan", "bo noi") is a fragment an article about the event need not
    write; such words are weighed with the other topic words by the decline test instead."""
    accented = set() if plan.language == "vi" else {
        fold(word) for word in re.findall(r"\w+", plan.question) if not word.isascii()}
    if plan.language != "vi":  # "committee chairman nguyen thanh phong": the English words are not in the article
        names = [part for n in names for part in vietnamese_parts(n)]
    places = set(plan.places) | {fold(p) for p in plan.unknown_places}
    named_places = [p for p in sorted(places) if any(f" {p} " in f" {n} " for n in names)]
    # a place written in English ("Hanoi's leaders"): no Vietnamese name run holds it, the alias names it
    if plan.language != "vi":
        named_places += [k for k in (fold(d) for d in english_aliases_in(plan.question))
                         if k in places and k not in named_places]
    return named_places + [n for n in names if n not in named_places and (
        n.split()[0] in FOLDED_SURNAMES or accented & set(n.split()))]


def vietnamese_parts(run: str) -> list[str]:
    """The stretches of two or more words of a folded capitalised run that could be Vietnamese syllables: an
    English question joins its own words to a name ("ho chi minh city people", "committee chairman nguyen thanh
    phong" give "ho chi minh", "nguyen thanh phong"), and no article writes the English words."""
    parts, part = [], []
    for word in run.split() + ["."]:
        if has_syllable_shape(word):
            part.append(word)
            continue
        if len(part) >= 2:
            parts.append(" ".join(part))
        part = []
    return parts


def introduced_by_role(question: str, name: str, texts: list[str]) -> bool:
    """Whether the question gives a person's role right before the name ("Phó thủ tướng Trịnh Đình Dũng") and an
    article writes that role: news often names an office-holder once (in a headline or caption the index may not
    hold) and then only by the office ("Phó thủ tướng đồng ý …")."""
    folded = fold(question)
    at = f" {folded} ".find(f" {name} ")
    if at < 0:
        return False
    before = " ".join(re.findall(r"\w+", folded[:at])[-4:])
    role = FOLDED_ROLE.search(before)
    if role is not None:
        offices = {before[role.start():]}
    else:  # an English office ("Provincial Party Secretary"): its glossary equivalents that are offices ("bí thư")
        offices = {fold(v) for _, vs in english_terms(before) for v in vs if FOLDED_ROLE.match(fold(v))}
    return any(f" {office} " in f" {t} " for office in offices for t in texts)


def _spellings(name: str) -> set[str]:
    """A folded place name and the other ways articles write it ("ho chi minh": "hcm", "tphcm", "saigon")."""
    return {name} | {alias for alias, display in ENGLISH_ALIASES.items() if fold(display) == name}


def article_language_groups(plan: QueryPlan, groups: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The term groups a Vietnamese article can hold. An English question's groups include its own untranslated
    words ("central", "commission": the glossary put "kiểm tra", "kỷ luật" beside them), which no Vietnamese
    article contains, so they would count against any article, found or not. Names are checked on their own
    (`names_an_article_can_hold`). When every group is such a word there is nothing else to go on: all are kept."""
    if plan.language != "en":
        return groups
    asked = set(folded_syllables(plan.question))
    kept = [g for g in groups if not all(set(a.split()) <= asked for a in g)]
    return kept or groups


def _topic(plan: QueryPlan) -> QueryPlan:
    """The plan as far as the answer's content goes: a quoted title names the article (its words are not
    what the answer must hold) and the type's cue words ("report", "kết quả gì") are not topic words."""
    text, question = (without_cues(outside_quotes(t)) for t in (plan.text, plan.question))
    return replace(plan, text=text, question=question, answer_type="other")


def pure_summary(plan: QueryPlan, kind: str) -> bool:
    """"What does the article report?": a report or digest question with no topic words of its own."""
    return not _term_groups(_topic(plan)) and kind in ("report", "digest")


class Synthesiser:
    """Builds the bullet answer for the non-factoid question types from the extractive generator's index."""

    def __init__(self, generator: ExtractiveGenerator, settings: SynthesisSettings = SynthesisSettings()) -> None:
        self.gen = generator
        self.index = generator.index
        self.settings = settings
        self.trace: list[dict] | None = None  # a benchmark's list: every article's scored pieces and their features

    # ------------------------------------------------------------------ pieces and scores

    def _pieces(self, article_id: str, by_row: dict[int, Hit], kind: str = "report") -> list[Piece]:
        s = self.settings
        pieces: list[Piece] = []
        article = self.index.articles.get(article_id)
        contexts = context_years(article.text) if article else []
        tenses = section_tenses(article.text) if article else []
        for row in self.gen._rows_of_article.get(article_id, []):
            chunk = self.index.chunks[row]
            hit = by_row.get(row) or Hit(chunk=chunk, score=0.0, row=row)
            for unit in self.gen._units_of_row[row]:
                text = self.index.units[unit][1]
                years = next((y for sentence, y in contexts if text in sentence), years_mentioned(text))
                tense = next((t for sentence, t in tenses if text in sentence), 0.0)
                # the unit, then those of its clauses that carry a figure, a name or a decision of their
                # own (a cut that isolates a fact; a generic clause reads better in its sentence). They
                # share the unit's vector: relevance is the sentence's, salience and length their own. For a
                # plan, a clause stating a task (an order, rag.answer.mood, or a forward word) stands alone too.
                cut = [c for c in (clauses(text, s.clause_words, keep_appositions=s.clause_appositions)
                                    if s.clause_words else [])
                       if specifics(c) or DECISION.search(c.lower())
                       or (kind == "plan" and s.plan_clauses and (is_directive(c) or _FORWARD.search(c.lower())))]
                for piece_text in [text] + cut:
                    pieces.append(Piece(unit, piece_text, hit, row * 1000 + len(pieces), tuple(years), tense=tense))
        return pieces

    def _time_fit(self, plan: QueryPlan, piece: Piece, kind: str) -> float | None:
        """None excludes the piece (it speaks about other years); else a bonus or penalty by tense."""
        # The years inherited from earlier sentences separate results from plans; a list's items (who attended)
        # are ruled out only by a year they name themselves.
        own = set(years_mentioned(piece.text)) or (set(piece.years) if kind in ("report", "plan") else set())
        if plan.years and own and not own & set(plan.years):
            return None
        lowered = piece.text.lower()
        forward, past = bool(_FORWARD.search(lowered)), bool(_PAST.search(lowered))
        w, section = self.settings.time_weight, self.settings.section_weight * piece.tense
        if kind == "plan":
            return (w if forward else 0.0) - (w / 2 if past and not forward else 0.0) + section
        if kind == "report":
            return (w / 2 if past else 0.0) - (w if forward and not past else 0.0) - section
        return 0.0

    def _salience(self, text: str, kind: str, title: set[str], speech: bool = False) -> float:
        """Figures, named documents, decisions and people; plus each name (capitalised words) the title
        does not already give, as the reader learns those from the piece alone. A plan's points are tasks:
        the people named (who attended, who spoke) do not make a piece one. A question about what someone
        said (`speech`) also values reported speech."""
        s = self.settings
        lowered = text.lower()
        new_names = {m for m in capitalised_names(text) if not set(folded_syllables(m)) <= title}
        people = 0.2 * bool(_has_person(text) or TITLED.search(text))
        if kind == "plan":
            new_names = {m for m in new_names if not TITLED.search(text) and not _has_person(m)}
            people = s.directive_salience * is_directive(text)  # a task is stated as an order
        score = (0.4 * _has_count(text) + 0.1 * min(3, len(new_names)) + 0.2 * bool(NAMED_THING.search(text))
                 + 0.3 * bool(DECISION.search(lowered)) + people)
        if speech:
            score += s.speech_salience * bool(SPEECH.search(text))
        if kind == "list":
            names = len(TITLED.findall(text)) + _has_person(text)
            score += min(0.6, 0.3 * names) + 0.2 * min(2, len(ROLE.findall(lowered)))
        return min(score, 1.0)

    def _learned(self, pieces: list[Piece], kind: str) -> dict[int, float] | None:
        """The learned salience of every piece of an article (rag.answer.learned_salience), by its order;
        None when the settings leave this kind to the hand-set weights."""
        s = self.settings
        if not pieces or s.learned_weight <= 0 or kind not in s.learned_kinds.split(","):
            return None
        features = article_features([p.text for p in pieces], [p.unit for p in pieces], self.index.unit_vectors,
                                    pieces[0].hit.chunk.title)
        model = load_model(Path(s.learned_model)) if s.learned_model else load_model()
        return dict(zip((p.order for p in pieces), model.score(features)))

    def _score(self, plan: QueryPlan, pieces: list[Piece], vector: np.ndarray, kind: str) -> list[Piece]:
        s = self.settings
        groups = _term_groups(_topic(plan))
        summary = pure_summary(plan, kind)
        # over the whole article (positions count every sentence)
        learned = self._learned(pieces, kind) if summary or not s.learned_summary_only else None
        if summary and s.summary_captions:  # a caption's words without its credit (the learned score saw it whole)
            pieces = [replace(p, text=without_credit(p.text)) for p in pieces]
        if summary and s.summary_compress and pieces:
            # scored by the words it will be quoted with: trimmed of end clauses with no fact beyond the title's
            # (the learned score saw it whole; _choose trims it again against the chosen bullets' facts)
            known = facts_in(pieces[0].hit.chunk.title)
            pieces = [replace(p, text=compress(p.text, known, s.min_piece_words), offered=p.text) for p in pieces]
        pieces = [p for p in pieces if s.min_piece_words <= len(p.text.split()) and not CREDIT.search(p.text)]
        if kind == "list":  # the items: pieces naming people (or, for positions and bodies, roles)
            people = [p for p in pieces if _has_person(p.text) or TITLED.search(p.text)]
            roles = [p for p in pieces if ROLE.search(p.text.lower())]
            asks_people = bool(PEOPLE_QUESTION.search(fold(plan.question)))
            subset = (people or roles if asks_people else roles or people) or pieces
        elif kind == "plan":  # the forward-looking statements, or those naming the years asked about
            ahead = [p for p in pieces if _FORWARD.search(p.text.lower()) or p.tense > 0
                     or set(years_mentioned(p.text)) & set(plan.years)]
            subset = ahead if len(ahead) >= s.min_bullets else pieces
        else:
            subset = pieces
        # The learned focus scorer sees every piece, with what the hand-set rules would have ruled out as features
        # (outside the type's subset, another year inherited from the paragraph); the hand-set mix rules them out.
        # A piece naming another year itself stays out for both.
        focus = self._focus_model(plan.question_type) if learned is None and not summary else None
        soft = focus is not None or s.focus_collect
        in_subset = {p.order for p in subset}
        # a plan's pieces that do not look ahead: ruled out (an infinite penalty) or weighed down (issue 11j)
        outside = s.plan_outside_penalty if kind == "plan" else float("inf")
        pieces = pieces if soft or outside != float("inf") else subset
        if not pieces:
            return []
        vectors = self.index.unit_vectors[[p.unit for p in pieces]]
        centroid = vectors.mean(axis=0)
        to_question, to_centre = vectors @ vector, vectors @ centroid
        weights = [max(self.gen._stats.idf(a) for a in g) for g in groups]
        position_weight = s.summary_position_weight if summary else s.position_weight
        title = set(folded_syllables(pieces[0].hit.chunk.title))
        speech = bool(SPEECH_QUESTION.search(fold(plan.question)))
        scored: list[Piece] = []
        rows: list[list[float]] = []
        positions = 1.0 - np.arange(len(pieces)) / max(1, len(pieces) - 1)  # pieces come in reading order
        for p, q, c, position in zip(pieces, spread(to_question), spread(to_centre), positions):
            time = self._time_fit(plan, p, kind)
            other_year = time is None
            # only a year inherited from the paragraph is left to the learned scorer (it misread the quarter's figures
            # of a 2017 report after a "2018" target); a piece naming another year itself is about that year
            if other_year and (not soft or years_mentioned(p.text)):
                continue
            time = time or 0.0
            frame = s.frame_penalty * bool(SPEECH_FRAME.search(p.text))
            restates = restates_title(p.text, title, s.title_penalty_spares_new and summary)
            hand = self._salience(p.text, kind, title, speech)
            salience = (s.salience_weight * hand + position_weight * position - s.title_penalty * restates)
            if learned is not None:  # learned from abstracts, beside (hand_share) or instead of the hand-set one
                salience = s.hand_share * salience + s.learned_weight * learned[p.order]
                if not s.hand_share:
                    # the answer's lead line gives the title: a piece only restating it tells the reader nothing,
                    # though an abstract often restates it (the learned label cannot see the lead line); and
                    # what the question itself asks for (speech, a plan's tasks) stays as the hand-set weights had it
                    salience += (-s.learned_title_penalty * restates
                                 + (s.speech_salience * bool(SPEECH.search(p.text)) if speech else 0.0)
                                 + (s.directive_salience * is_directive(p.text) if kind == "plan" else 0.0))
            penalty = outside if p.order not in in_subset and outside != float("inf") and not soft else 0.0
            score = (s.question_weight * q + s.centroid_weight * c - penalty
                     + s.coverage_weight * self.gen._coverage(groups, weights, p.text)
                     + salience + time - frame - s.length_weight * len(p.text.split()) / s.max_piece_words)
            scored.append(replace(p, score=float(score)))
            if soft:
                parts = self._parts(plan, p, kind, title, speech, q, c, position, hand, restates, groups, weights)
                rows.append(features_row(parts | {"hand_score": float(score), "other_year": float(other_year),
                                                  "outside_subset": float(p.order not in in_subset)}, kind))
        if focus is not None and scored:  # the learned query-focused score replaces the hand-set mix
            learned_scores = s.focus_weight * focus.score(np.array(rows))
            ruled_out = [row[_OTHER_YEAR] or row[_OUTSIDE_SUBSET] for row in rows]  # the hand-set mix's verdict
            scored = [replace(p, score=s.focus_hand_share * p.score * (not out) + float(f)
                              - s.focus_length_weight * len(p.text.split()) / s.max_piece_words)
                      for p, f, out in zip(scored, learned_scores, ruled_out)]
        if self.trace is not None:
            self.trace.append({"kind": kind, "summary": summary, "learned": learned is not None,
                               "pieces": scored, "features": rows})
        return scored

    def _focus_model(self, kind: str):
        """The learned query-focused scorer (rag.answer.focus_scorer) for this kind, or None (hand-set weights)."""
        s = self.settings
        if s.focus_weight <= 0 or kind not in s.focus_kinds.split(","):
            return None
        return load_focus_model(Path(s.focus_model)) if s.focus_model else load_focus_model()

    def _parts(self, plan: QueryPlan, p: Piece, kind: str, title: set[str], speech: bool, q: float, c: float,
               position: float, hand: float, restates: bool, groups, weights) -> dict[str, float]:
        """What a piece's score is made of, each part on its own (the learned focus scorer's inputs)."""
        return piece_parts(plan, p.text, kind, title, speech, q, c, position, hand, restates,
                           coverage=self.gen._coverage(groups, weights, p.text), tense=p.tense,
                           max_piece_words=self.settings.max_piece_words, clause=p.text != self.index.units[p.unit][1])

    def _choose(self, pieces: list[Piece], budget: int, most: int, novelty: float | None = None,
                trim: set[str] | None = None) -> list[Piece]:
        """Maximal marginal relevance until the word budget is reached; the chosen pieces in reading order.
        Near-copies (most of their words shared with a chosen piece, as a caption repeating a sentence) are skipped.
        `novelty` (default the settings' novelty_weight) rewards figures and names no chosen piece gave yet.
        With `trim` (the facts the reader has from the lead line, rag.answer.compress.facts_in), each piece is
        quoted without its end clauses that add no fact beyond those and the chosen pieces' (rag.answer.compress),
        and costs the words left."""
        s = self.settings
        novelty = s.novelty_weight if novelty is None else novelty
        pool = [p for p in pieces if len(p.text.split()) <= s.max_piece_words] or pieces
        chosen: list[Piece] = []
        quoted: list[str] = []
        covered: set[str] = set()
        words = 0
        vectors = self.index.unit_vectors
        while pool and len(chosen) < most:
            def mmr(p: Piece) -> float:
                fresh = novelty * min(3, len(specifics(p.text) - covered)) / 3
                if not chosen:
                    return p.score + fresh
                sims = vectors[[c.unit for c in chosen]] @ vectors[p.unit]
                return s.mmr_lambda * p.score - (1 - s.mmr_lambda) * float(sims.max()) + fresh
            best = max(pool, key=mmr)
            pool.remove(best)
            # a near-copy of a chosen piece as quoted or as offered (a clause of a sentence chosen trimmed)
            if any(shared_words(best.offered or best.text, c) >= s.duplicate_overlap for c in quoted):
                continue
            whole = best.offered or best.text
            if trim is not None:
                best = replace(best, text=compress(best.text, trim, s.min_piece_words))
            cost = len(best.text.split()) + _BULLET_WORDS
            if chosen and words + cost > budget:
                continue  # over budget: a shorter piece may still fit
            chosen.append(best)
            quoted += [whole, best.text]
            covered |= specifics(best.text)
            if trim is not None:
                trim = trim | facts_in(best.text)
            words += cost
        return sorted(chosen, key=lambda p: p.order)

    # ------------------------------------------------------------------ articles and sides

    def _articles(self, plan: QueryPlan, hits: list[Hit], kind: str) -> list[Hit]:
        """The best hit of each article the answer draws on."""
        firsts: dict[str, Hit] = {}
        for h in hits:
            firsts.setdefault(h.chunk.article_id, h)
        ranked = list(firsts.values())
        if kind != "digest":
            return ranked[:1]
        if plan.years:  # a digest of a period: the articles from that period, when there are any
            ranked = [h for h in ranked if _article_years(self.index, h) & set(plan.years)] or ranked
        if not (plan.places or plan.years):
            top = ranked[0].dense_score
            if top is not None:
                ranked = [h for h in ranked if h.dense_score is not None and h.dense_score >= top - self.settings.digest_margin]
        return ranked[: self.settings.max_articles]

    def _sides(self, plan: QueryPlan, hits: list[Hit]) -> list[tuple[str, Hit, tuple[int, ...]]]:
        """Two (or more) sides: one per place named, else one per year named, else the two best articles."""
        if len(plan.places) > 1:
            sides = []
            for key in plan.places:
                hit = next((h for h in hits if key in place_keys(h.chunk.place)), None)
                if hit:
                    sides.append((self._display(key), hit, plan.years))
            if len(sides) > 1:
                return sides
        if len(plan.years) > 1:
            return [(str(y), hits[0], (y,)) for y in plan.years]
        firsts: dict[str, Hit] = {}
        for h in hits:
            firsts.setdefault(h.chunk.article_id, h)
        best = list(firsts.values())[:2]
        margin = self.settings.comparison_margin
        if len(best) == 2 and None not in (best[0].dense_score, best[1].dense_score) and \
                best[1].dense_score < best[0].dense_score - margin:
            return [("", best[0], plan.years)]  # two things of one article: the runner-up is on another subject
        return [("", h, plan.years) for h in best]

    def _display(self, key: str) -> str:
        """The written form of a folded place key ('thap muoi' -> 'Tháp Mười')."""
        for article in self.index.articles.values():
            for name in (article.place.district, article.place.province):
                if name and fold(name) == key:
                    return name
        return key

    # ------------------------------------------------------------------ the answer

    def _named_first(self, plan: QueryPlan, hits: list[Hit]) -> list[Hit]:
        """The article whose title the question quotes, first: "Bài báo “<title>” đưa tin gì?" names its article,
        which the search may rank below another on the same subject. Titles compare accent-folded, spacing aside."""
        quoted = {" ".join(folded_syllables(q)) for q in QUOTED.findall(plan.question)}
        if not quoted:
            return hits
        for title in quoted:
            article_id = self.gen.article_by_title.get(title)
            if article_id is not None:
                named = [h for h in hits if h.chunk.article_id == article_id]
                if not named:
                    rows = self.gen._rows_of_article.get(article_id, [])
                    named = [Hit(chunk=self.index.chunks[rows[0]], score=0.0, row=rows[0])] if rows else []
                return named + [h for h in hits if h.chunk.article_id != article_id]
        return hits

    def _asks_title(self, plan: QueryPlan, articles: list[Hit]) -> bool:
        """Whether the question quotes the title of the one article answered ("Bài báo “<title>” đưa tin gì?")."""
        quoted = {" ".join(folded_syllables(q)) for q in QUOTED.findall(plan.question)}
        return len(articles) == 1 and any(self.gen.article_by_title.get(t) == articles[0].chunk.article_id
                                          for t in quoted)

    def _covered(self, plan: QueryPlan, hits: list[Hit], vector: np.ndarray) -> bool:
        """Whether the articles found are about the question. A question naming places or people
        ("Gia Lâm", "Sóc Trăng") is covered when the articles found name them all; otherwise the extractive
        decline test applies (its calibrated threshold, unchanged), with the question's topic terms looked
        for in the best article as a whole: a summary question is about an article, so no single sentence
        need hold all its words."""
        if not hits:
            return False
        # A name the question gives ("Gia Lâm") must be in one of the articles found, or they are not about it.
        texts = [" ".join(folded_syllables(f"{a.title} {a.text}")) for a in
                 {h.chunk.article_id: self.index.articles.get(h.chunk.article_id) for h in hits}.values() if a]
        names = names_an_article_can_hold(plan, question_names(_topic(plan).question))
        # the article is found when the names the question gives are in it; a person the articles name only by
        # the office the question gives them is left to the score test below
        missing = [n for n in names if not any(f" {spelling} " in f" {t} " for t in texts for spelling in _spellings(n))]
        if names and not missing:
            return True
        if not all(introduced_by_role(plan.question, n, texts) for n in missing):
            return False
        article_id = hits[0].chunk.article_id
        units = [u for row in self.gen._rows_of_article.get(article_id, []) for u in self.gen._units_of_row[row]]
        article = self.index.articles.get(article_id)
        if not units or article is None:
            return False
        groups = article_language_groups(plan, _term_groups(_topic(plan)))
        weights = [max(self.gen._stats.idf(a) for a in g) for g in groups]
        coverage = self.gen._coverage(groups, weights, f"{article.title} {article.text}")
        best = float((self.index.unit_vectors[units] @ vector).max())
        return best + self.gen.settings.lexical_weight * coverage >= self.gen.settings.min_score

    def answer(self, plan: QueryPlan, hits: list[Hit], vector: np.ndarray) -> Draft:
        s = self.settings
        kind = plan.question_type
        if kind == "comparison" and len(plan.years) < 2 and compares_periods(plan.question):
            # one thing at two moments ("đã thay đổi thế nào giữa lúc … và …") with no two years to split on:
            # the article that reports the change answers it, not a second article on another subject
            plan = replace(plan, question_type="report")
            kind = "report"
        hits = self._named_first(plan, hits)
        sides = self._sides(plan, hits) if kind == "comparison" else []
        if len(sides) == 1:
            # both things compared are in one article (two periods of one person's career, two cases of one
            # affair): that article answers it, with a report's bullets, not beside an article on another subject
            plan = replace(plan, question_type="report")
            kind = "report"
        if not self._covered(plan, hits, vector):
            return Draft(decline_text(plan), (), False)
        by_row = {h.row: h for h in hits}
        language = plan.language
        sections: list[Section] = []
        if kind == "comparison":
            share = max(40, s.words_total // max(1, len(sides)))
            for name, hit, years in sides:
                side_plan = replace(plan, years=years)
                pieces = self._score(side_plan, self._pieces(hit.chunk.article_id, by_row), vector, "report")
                chosen = self._choose(pieces, min(share, s.words_per_article), 3)
                heading = f"{name} — {source_label(hit, language)}:" if name else f"{source_label(hit, language)}:"
                sections.append(Section(heading, tuple(Bullet(p.text, p.hit) for p in chosen)))
            lead = ("So sánh " if language == "vi" else "Compared ") + (
                " / ".join(n for n, _, _ in sides if n) or ("hai bài viết:" if language == "vi" else "two articles:"))
            lead = lead if lead.endswith(":") else lead + ":"
        else:
            articles = self._articles(plan, hits, kind)
            articles.sort(key=lambda h: h.chunk.date or "9999")
            lead = lead_line(kind, language, articles, title_asked=s.short_lead and self._asks_title(plan, articles),
                             terse=s.terse_lead and pure_summary(plan, kind))
            per_article = min(s.words_per_article - len(lead.split()) // len(articles), s.words_total // len(articles))
            most = s.max_bullets if len(articles) == 1 else max(2, s.max_bullets // len(articles))
            novelty = s.summary_novelty_weight if pure_summary(plan, kind) else s.novelty_weight
            for hit in articles:
                pieces = self._score(plan, self._pieces(hit.chunk.article_id, by_row, kind), vector, kind)
                trim = facts_in(hit.chunk.title) if s.summary_compress and pure_summary(plan, kind) else None
                chosen = self._choose(pieces, per_article, most, novelty, trim)
                heading = f"{source_label(hit, language)}:" if len(articles) > 1 else ""
                sections.append(Section(heading, tuple(Bullet(p.text, p.hit) for p in chosen)))
        sections = [sec for sec in sections if sec.bullets]
        if not sections:
            return Draft(decline_text(plan), (), False)
        text, citations = render(lead, sections, language)
        return Draft(text, citations, True)
