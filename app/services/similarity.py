"""Topics that look like the same conversation: lexical similarity of titles, for the proposal form and the
facilitator's list of likely duplicates.

Each live topic becomes two TF-IDF vectors (scikit-learn): its words (title, and a little of its description)
and its title's character n-grams, which match "community" with "communities" and "organisers" with
"organizers". A score is the cosine of a typed title with a topic, the two kinds mixed. Words that most of the
event's topics share ("community", "data" at a community-data gathering) weigh little because the IDF is fitted
on the event's own topics, so sharing only those never makes two titles look alike.

The vectors are kept per event in this process and built again when the event's topics change (proposed,
edited, retired, merged), never because of a vote: the vote path never touches this module. Nothing is ever
refused for looking similar; these are suggestions.

The thresholds were picked on a labelled set (bench/similarity_pairs.py, figures in bench/similar.py and
docs/running-an-event.md).
"""

from __future__ import annotations

import copy
import math
import re
import threading
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]

# scikit-learn ships no type information: what this module takes from it is typed here.
from sklearn.feature_extraction.text import (  # type: ignore[import-untyped]
    ENGLISH_STOP_WORDS,
    TfidfVectorizer,
    strip_accents_unicode,
)
from sklearn.preprocessing import normalize  # type: ignore[import-untyped]
from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from app.db import exec_select
from app.i18n import _
from app.models import Attendee, Event, NotDuplicate, Theme, Topic, Vote, id_of
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.services.changes import BoardChange, Written
from app.services.errors import InvalidInput
from app.services.lookups import get_active_topic
from app.services.text import drop_invisible
from app.services.themes import list_themes
from app.services.topics import TopicView

# A topic at least this similar to a typed title is shown as "Similar"; a pair of topics at least this similar is
# a likely duplicate. Picked on bench/similarity_pairs.py: see bench/similar.py's table.
SIMILAR_THRESHOLD = 0.44
# A theme at least this near a typed title is suggested.
THEME_THRESHOLD = 0.05
# The words' share of a score; the characters' is the rest.
WORD_WEIGHT = 0.4
# A description counts for this much of a topic's words beside its title (1): it says more, but less sharply.
DESCRIPTION_WEIGHT = 0.35
# What is compared of a typed title and of a description: titles are at most 120 characters, and a pasted
# page must not cost more than a title does.
TYPED_MAX = 200
DESCRIPTION_MAX = 400
# Topics changed before an event's vectors are fitted again: this many, or this fraction of the event's.
REFIT_AFTER_CHANGES = 20
REFIT_AFTER_SHARE = 20  # a twentieth
# Events whose vectors are kept; the least recently asked about goes first.
CACHED_EVENTS = 32
# Rows of the pairwise products computed at once when listing duplicates: bounded memory on a large event.
PAIRS_CHUNK = 512

# Little words of English and of a few languages of the global majority's marketplaces (Spanish, Portuguese,
# French, Swahili): they carry no topic. The IDF would discount them too, but only once an event has many topics.
_OTHER_STOP_WORDS = """
a al con de del el en es la las lo los para por que se su un una y
ao as com da das do dos em na nas no nos o os ou pelo pela sem um uma
au aux ce ces dans des du et il je le les leur mais ne nous ou par pas pour qui sur une vous
ya na kwa wa za la cha vya katika ni kama na au
"""
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset(_OTHER_STOP_WORDS.split())


@dataclass(frozen=True)
class SimilarTopic:
    view: TopicView
    score: float


@dataclass(frozen=True)
class DuplicatePair:
    """Two live topics that look like one conversation; `merge_from` into `merge_into` is the suggested merge."""

    topic: TopicView
    other: TopicView
    score: float

    @property
    def merge_into(self) -> TopicView:
        """The one with more dots (on a tie, the older) keeps its title: fewer people see theirs go."""
        return min((self.topic, self.other), key=lambda v: (-v.votes, id_of(v.topic)))

    @property
    def merge_from(self) -> TopicView:
        return self.other if self.merge_into is self.topic else self.topic


# --- Vectors ------------------------------------------------------------------------------------------


class _Side:
    """One kind of vector (words, or characters) fitted on an event's topics.

    A typed title's words the event has never seen still count in its length: scikit-learn's transform drops
    them, which would make "Community gardening" look like "Community data trusts" as soon as "gardening" is new.
    """

    vocabulary: dict[str, int]
    idf: np.ndarray

    def __init__(self, **options: Any) -> None:
        self.vectorizer = TfidfVectorizer(
            lowercase=True, strip_accents="unicode", sublinear_tf=True, norm=None, dtype=np.float32, **options
        )

    def fit(self, documents: Sequence[str]) -> sparse.csr_matrix:
        """Learn the event's terms and their IDF from its documents; their unit-length vectors."""
        self.analyze = self.vectorizer.build_analyzer()
        try:
            vectors = self.vectorizer.fit_transform(documents)
        except ValueError:  # no term at all (every title is "A", or stop words only): nothing is alike
            self.vocabulary, self.idf = {}, np.zeros(0, dtype=np.float32)
            self.unseen_idf = 1.0
            return sparse.csr_matrix((len(documents), 0), dtype=np.float32)
        self.vocabulary = self.vectorizer.vocabulary_
        self.idf = self.vectorizer.idf_
        self.unseen_idf = math.log(len(documents) + 1) + 1  # smooth IDF of a term in no document
        return _unit(vectors)

    def rows(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Unit-length vectors of texts made of the event's own words."""
        if not self.vocabulary:
            return sparse.csr_matrix((len(texts), 0), dtype=np.float32)
        return _unit(self.vectorizer.transform(texts))

    def extended(self, texts: Sequence[str], documents: int) -> tuple[_Side, sparse.csr_matrix]:
        """This side with the terms of a few more texts added (each new term weighed as if in one document of
        `documents`), and those texts' unit-length rows: a copy, for readers may be using this one."""
        side = copy.copy(self)
        side.vocabulary = dict(self.vocabulary)
        added: list[float] = []
        new_idf = math.log((documents + 1) / 2) + 1
        data: list[float] = []
        columns: list[int] = []
        pointers = [0]
        for text in texts:
            for term, count in Counter(self.analyze(text)).items():
                column = side.vocabulary.get(term)
                if column is None:
                    column = side.vocabulary[term] = len(side.vocabulary)
                    added.append(new_idf)
                idf = self.idf[column] if column < len(self.idf) else added[column - len(self.idf)]
                columns.append(column)
                data.append((1 + math.log(count)) * float(idf))
            pointers.append(len(columns))
        side.idf = np.concatenate([self.idf, np.asarray(added, dtype=np.float32)]).astype(np.float32)
        side.unseen_idf = math.log(documents + 1) + 1
        rows = sparse.csr_matrix(
            (np.asarray(data, dtype=np.float32), columns, pointers), shape=(len(texts), len(side.vocabulary))
        )
        return side, _unit(rows)

    def typed(self, text: str) -> np.ndarray:
        """The unit-length vector of a typed text, dense, its unseen terms counted in its length. Built here from
        the analysed terms: scikit-learn's transform costs more per call than the whole comparison."""
        vector = np.zeros(len(self.vocabulary), dtype=np.float32)
        unseen = 0.0
        for term, count in Counter(self.analyze(text)).items():
            weight = 1 + math.log(count)  # sublinear tf, as in the documents
            column = self.vocabulary.get(term)
            if column is None:
                unseen += (weight * self.unseen_idf) ** 2
            else:
                vector[column] = weight * self.idf[column]
        length = math.sqrt(float(vector @ vector) + unseen)
        return vector / length if length else vector


def _words() -> _Side:
    return _Side(analyzer=_word_terms)


def _word_terms(text: str) -> list[str]:
    """The words of a text that say what it is about: accents and stop words dropped, plurals folded."""
    return [_singular(word) for word in _TOKEN.findall(strip_accents_unicode(text.lower())) if word not in _STOP_TOKENS]


def _singular(word: str) -> str:
    """English plurals folded, crudely ("networks", "communities"): someone typing "mesh network" means the
    "Mesh networks" already proposed (measured: recall 0.51 to 0.58 at a better precision on the labelled set).
    The characters catch the other endings ("organising", "organisers")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _chars() -> _Side:
    # With the stop words: taking them out of the characters too gained a little recall on the labelled set, but
    # left a title such as "Designing with, not for" one word long, alike to every other "Designing …".
    return _Side(analyzer="char_wb", ngram_range=(3, 5))


_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def _stop_words() -> list[str]:
    """The stop words as the word analyzer sees them (accents stripped, split where it splits), so that
    scikit-learn finds them consistent with its own preprocessing."""
    return sorted({token for word in STOP_WORDS for token in _TOKEN.findall(strip_accents_unicode(word.lower()))})


_STOP_TOKENS = frozenset(_stop_words())


Fingerprint = tuple[int, datetime | None, int | None]
Place = tuple[str, int, datetime]  # the database, the event's id and its creation


@dataclass
class _Index:
    """An event's live topics as vectors, for one state of its topics (`fingerprint`)."""

    fingerprint: Fingerprint
    ids: list[int]
    words: _Side
    chars: _Side
    word_rows: sparse.csr_matrix
    char_rows: sparse.csr_matrix
    # Topics proposed, edited or retired since the vectors were fitted, added with the fitted IDF (see `_updated`).
    drift: int = 0
    position: dict[int, int] = field(default_factory=dict)
    _pairs: list[tuple[float, int, int]] | None = None
    _pairs_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.position = {topic_id: n for n, topic_id in enumerate(self.ids)}

    def typed(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return self.words.typed(text), self.chars.typed(text)

    def scores(self, text: str) -> np.ndarray:
        """How similar each topic is to a typed title, 0 to 1, in the order of `ids`."""
        words, chars = self.typed(text)
        return _mix(self.word_rows @ words, self.char_rows @ chars)

    def pairs(self) -> list[tuple[float, int, int]]:
        """Every pair of topics at least SIMILAR_THRESHOLD alike, (score, id, other id), most alike first;
        computed once per state of the topics, a slice of rows at a time."""
        with self._pairs_lock:
            if self._pairs is None:
                found: list[tuple[float, int, int]] = []
                for start in range(0, len(self.ids), PAIRS_CHUNK):
                    stop = min(start + PAIRS_CHUNK, len(self.ids))
                    block = _mix(
                        self.word_rows[start:stop] @ self.word_rows.T, self.char_rows[start:stop] @ self.char_rows.T
                    )
                    rows, columns = np.nonzero(block >= SIMILAR_THRESHOLD)
                    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
                        if start + row < column:  # each pair once, and never a topic with itself
                            found.append((float(block[row, column]), self.ids[start + row], self.ids[column]))
                found.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
                self._pairs = found
            return self._pairs


def _unit(matrix: Any) -> sparse.csr_matrix:
    """Each row scaled to length 1 (an empty one stays empty), even with no rows or no columns at all."""
    return sparse.csr_matrix(matrix) if 0 in matrix.shape else normalize(matrix).tocsr()


def _mix(words: Any, chars: Any) -> np.ndarray:
    mixed = WORD_WEIGHT * _dense(words) + (1 - WORD_WEIGHT) * _dense(chars)
    return np.clip(mixed, 0.0, 1.0)


def _dense(matrix: Any) -> np.ndarray:
    return np.asarray(matrix.todense() if sparse.issparse(matrix) else matrix, dtype=np.float32)


def _build(fingerprint: Fingerprint, rows: Sequence[tuple[int, str, str]]) -> _Index:
    """The vectors of these topics, (id, title, description). Each text is analysed once or twice, not more:
    this is what a change of the event's topics costs (about 0.2 s for 2,000 topics, bench/similar.py)."""
    ids = [topic_id for topic_id, _, _ in rows]
    titles = [title for _, title, _ in rows]
    words, chars = _words(), _chars()
    # The words of the title and the description together, then the title's alone again: the title counts
    # for 1 + DESCRIPTION_WEIGHT, the description for DESCRIPTION_WEIGHT.
    together = words.fit([f"{title} {description[:DESCRIPTION_MAX]}" for _, title, description in rows])
    word_rows = _unit(words.rows(titles) + DESCRIPTION_WEIGHT * together).tocsr()
    return _Index(fingerprint, ids, words, chars, word_rows, chars.fit(titles).tocsr())


# --- The per-event cache --------------------------------------------------------------------------------

_cache: OrderedDict[Place, _Index] = OrderedDict()
_cache_lock = threading.Lock()  # routes run on a threadpool: one dict, many readers
_building: dict[Place, threading.Lock] = {}


def _fingerprint(session: Session, event_id: int) -> Fingerprint:
    """What changes whenever the event's live topics do (one proposed, edited, withdrawn, hidden or merged) but
    not with votes: their count, latest edit and newest id, in one small query."""
    count, updated, newest = exec_select(
        session,
        select(func.count(col(Topic.id)), func.max(col(Topic.updated_at)), func.max(col(Topic.id))).where(
            col(Topic.event_id) == event_id, col(Topic.status).in_(ACTIVE_TOPIC_STATUSES)
        ),
    ).one()
    return int(count), updated, newest


def _index(session: Session, event_id: int) -> _Index | None:
    """The event's vectors as its topics are now, or None without topics.

    Built on the first ask after a change. While one request rebuilds them, the others answer from the previous
    state for that moment (a topic proposed a fraction of a second ago is not suggested yet) rather than wait
    for the same build: a hall typing at once never queues behind it. The first build of all is waited for.
    """
    fingerprint = _fingerprint(session, event_id)
    if fingerprint[0] == 0:
        return None
    # The database too: tests (and a CLI importing events) open several in one process, with the same event ids.
    # And the event's creation: a deleted event's id (and its topics' ids) may be given again to a new one.
    created = exec_select(session, select(col(Event.created_at)).where(col(Event.id) == event_id)).scalar_one()
    place = (str(session.get_bind().engine.url), event_id, created)
    with _cache_lock:
        index = _cached(place, fingerprint)
        if index is not None:
            return index
        building = _building.get(place)
        previous = _cache.get(place)
        if building is not None and previous is not None:
            return previous
        if building is None:
            building = _building[place] = threading.Lock()
    with building:
        try:
            with _cache_lock:
                index = _cached(place, fingerprint)
                previous = _cache.get(place)  # another request may have built a newer one meanwhile
            if index is not None:
                return index
            index = _updated(session, event_id, previous, fingerprint) if previous is not None else None
            if index is None:
                rows = exec_select(
                    session,
                    select(col(Topic.id), col(Topic.title), col(Topic.description))
                    .where(col(Topic.event_id) == event_id, col(Topic.status).in_(ACTIVE_TOPIC_STATUSES))
                    .order_by(col(Topic.id)),
                ).all()
                index = _build(fingerprint, [(topic_id, title, description) for topic_id, title, description in rows])
            with _cache_lock:
                _cache[place] = index
                _cache.move_to_end(place)
                while len(_cache) > CACHED_EVENTS:
                    _cache.popitem(last=False)
            return index
        finally:
            with _cache_lock:
                _building.pop(place, None)


def _refit_after(topics: int) -> int:
    """How many topics may change before the event's vectors are fitted again (new words, new IDF)."""
    return max(REFIT_AFTER_CHANGES, topics // REFIT_AFTER_SHARE)


def _updated(session: Session, event_id: int, previous: _Index, fingerprint: Fingerprint) -> _Index | None:
    """The previous vectors with the topics changed since then replaced: a few rows analysed, not the event.

    Fitting all of a large event's topics again takes a tenth of a second or more, and holds the interpreter
    meanwhile, so every request of a hall typing at once waited for it each time a topic was proposed. Rows of
    changed topics are their titles analysed with the fitted IDF, their new terms added as terms of one topic
    (`_Side.extended`); their descriptions wait for the next fit. After `_refit_after` changes, or
    whenever the rows do not add up to the event's live topics, None: fit everything again.
    """
    _key, since, newest = previous.fingerprint
    if since is None or newest is None or previous.drift >= _refit_after(len(previous.ids)):
        return None
    # From the latest edit already seen, itself included: another topic may share its instant.
    changed = exec_select(
        session,
        select(col(Topic.id), col(Topic.title), col(Topic.status), col(Topic.updated_at)).where(
            col(Topic.event_id) == event_id, or_(col(Topic.updated_at) >= since, col(Topic.id) > newest)
        ),
    ).all()
    changed_ids = {topic_id for topic_id, _, _, _ in changed}
    seen_already = sum(at == since and topic_id in previous.position for topic_id, _, _, at in changed)
    live = sorted((topic_id, title) for topic_id, title, status, _ in changed if status in ACTIVE_TOPIC_STATUSES)
    drift = previous.drift + len(changed_ids) - seen_already
    if drift > _refit_after(len(previous.ids)):  # more changed than a few rows: the IDF is the event's no more
        return None
    kept = [n for n, topic_id in enumerate(previous.ids) if topic_id not in changed_ids]
    ids = [previous.ids[n] for n in kept] + [topic_id for topic_id, _ in live]
    if len(ids) != fingerprint[0]:
        return None
    titles = [title for _, title in live]
    words, new_word_rows = previous.words.extended(titles, len(ids))
    chars, new_char_rows = previous.chars.extended(titles, len(ids))
    return _Index(
        fingerprint,
        ids,
        words,
        chars,
        _stacked(previous.word_rows[kept], new_word_rows),
        _stacked(previous.char_rows[kept], new_char_rows),
        drift=drift,
    )


def _stacked(kept: sparse.csr_matrix, added: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows kept (fewer columns: terms were added since) above the rows added."""
    kept = sparse.csr_matrix((kept.data, kept.indices, kept.indptr), shape=(kept.shape[0], added.shape[1]))
    return sparse.csr_matrix(sparse.vstack([kept, added]))


def _cached(place: Place, fingerprint: Fingerprint) -> _Index | None:
    index = _cache.get(place)
    if index is None or index.fingerprint != fingerprint:
        return None
    _cache.move_to_end(place)
    return index


def forget_all() -> None:
    """Empty the cache (for tests that measure a cold build)."""
    with _cache_lock:
        _cache.clear()


# --- What the pages and the API ask -------------------------------------------------------------------


def similar_topics(*, session: Session, event_id: int, title: str, limit: int = 5) -> list[SimilarTopic]:
    """Live topics that look like the same conversation as a title being typed, most similar first."""
    typed = _typed(title)
    index = _index(session, event_id) if typed else None
    if index is None:
        return []
    scores = index.scores(typed)
    order = [n for n in np.argsort(-scores, kind="stable")[:limit] if scores[n] >= SIMILAR_THRESHOLD]
    views = _views(session, event_id, [index.ids[n] for n in order])
    return [SimilarTopic(views[index.ids[n]], _rounded(scores[n])) for n in order if index.ids[n] in views]


def similarity_scores(*, session: Session, event_id: int, title: str) -> dict[int, float]:
    """How similar each live topic is to a title, 0 to 1, by topic id (what the thresholds are measured on)."""
    typed = _typed(title)
    index = _index(session, event_id) if typed else None
    if index is None:
        return {}
    return {topic_id: _rounded(score) for topic_id, score in zip(index.ids, index.scores(typed), strict=True)}


def nearest_theme(*, session: Session, event_id: int, title: str) -> Theme | None:
    """The event's theme nearest to a title being typed, or None when none is near enough (or it has none)."""
    themes = list_themes(session=session, event_id=event_id)
    scores = theme_scores(session=session, event_id=event_id, title=title, themes=themes)
    best = max(themes, key=lambda theme: scores.get(id_of(theme), 0.0), default=None)
    return best if best is not None and scores.get(id_of(best), 0.0) >= THEME_THRESHOLD else None


def theme_scores(*, session: Session, event_id: int, title: str, themes: list[Theme] | None = None) -> dict[int, float]:
    """How near each theme is to a title, 0 to 1, by theme id: half its name and description, half the centre of
    its topics' titles (a theme with no topics yet has its name alone)."""
    typed = _typed(title)
    themes = list_themes(session=session, event_id=event_id) if themes is None else themes
    if not typed or not themes:
        return {}
    # The names on vectors of their own: a name's words need not be any topic's (a dozen short texts, fast).
    names = _build((0, None, None), [(n, f"{t.name} {t.description}", "") for n, t in enumerate(themes, start=1)])
    scores = names.scores(typed)
    index = _index(session, event_id)
    if index is not None:
        words, chars = index.typed(typed)
        word_centres, char_centres = _theme_centres(session, event_id, index, themes)
        scores = scores + _mix(word_centres @ words, char_centres @ chars)
    return {id_of(theme): _rounded(score / 2) for theme, score in zip(themes, scores, strict=True)}


def _theme_centres(
    session: Session, event_id: int, index: _Index, themes: list[Theme]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """The centre of each theme's topics, words and characters (read now: moving a topic to another theme is not
    an edit of its text, and must not wait for one)."""
    members = exec_select(
        session,
        select(col(Topic.id), col(Topic.theme_id)).where(
            col(Topic.event_id) == event_id,
            col(Topic.status).in_(ACTIVE_TOPIC_STATUSES),
            col(Topic.theme_id).is_not(None),
        ),
    ).all()
    row_of = {id_of(theme): n for n, theme in enumerate(themes)}
    pick = [
        (row_of[theme_id], index.position[topic_id])
        for topic_id, theme_id in members
        if topic_id in index.position and theme_id in row_of
    ]
    belongs = sparse.csr_matrix(
        (np.ones(len(pick), dtype=np.float32), ([t for t, _ in pick], [p for _, p in pick])),
        shape=(len(themes), len(index.ids)),
    )
    return _unit(belongs @ index.word_rows).tocsr(), _unit(belongs @ index.char_rows).tocsr()


def duplicate_pairs(*, session: Session, event_id: int, limit: int = 20) -> list[DuplicatePair]:
    """Likely duplicates among the live topics, most likely first, leaving out pairs the facilitator said
    are different conversations."""
    index = _index(session, event_id)
    if index is None:
        return []
    apart = {
        (a, b)
        for a, b in exec_select(
            session,
            select(col(NotDuplicate.topic_id), col(NotDuplicate.other_topic_id)).where(
                col(NotDuplicate.event_id) == event_id
            ),
        ).all()
    }
    chosen = [(score, a, b) for score, a, b in index.pairs() if (a, b) not in apart][:limit]
    views = _views(session, event_id, {topic_id for _, a, b in chosen for topic_id in (a, b)})
    return [DuplicatePair(views[a], views[b], _rounded(score)) for score, a, b in chosen if a in views and b in views]


def mark_not_duplicate(*, session: Session, event_id: int, topic_id: int, other_topic_id: int) -> Written[NotDuplicate]:
    """The facilitator says two topics are different conversations: never suggested as a pair again."""
    if topic_id == other_topic_id:
        raise InvalidInput(_("A topic is always like itself: choose two different topics."), field="other_topic_id")
    get_active_topic(session=session, event_id=event_id, topic_id=topic_id)
    get_active_topic(session=session, event_id=event_id, topic_id=other_topic_id)
    first, second = sorted((topic_id, other_topic_id))
    known = exec_select(
        session,
        select(NotDuplicate).where(col(NotDuplicate.topic_id) == first, col(NotDuplicate.other_topic_id) == second),
    ).scalar_one_or_none()
    if known is not None:
        return Written(known, None)  # said already: nothing changes
    row = NotDuplicate(event_id=event_id, topic_id=first, other_topic_id=second)
    session.add(row)
    session.flush()
    # Only the facilitator's list of likely duplicates changes: no topic, dot or cell does.
    return Written(row, BoardChange.of(event_id, "duplicates"))


# --- Helpers --------------------------------------------------------------------------------------------


def _typed(title: str | None) -> str:
    """What is compared of a typed title: visible characters, folded spaces, and not more than a title's worth."""
    text = drop_invisible(unicodedata.normalize("NFC", title or ""))[: TYPED_MAX * 4]
    return " ".join(text.split())[:TYPED_MAX]


def _rounded(score: float) -> float:
    return round(min(1.0, max(0.0, float(score))), 3)


def _views(session: Session, event_id: int, ids: Collection[int]) -> dict[int, TopicView]:
    """These live topics as lists show them (dots, convener's name), by id."""
    if not ids:
        return {}
    rows = exec_select(
        session,
        select(Topic, func.count(col(Vote.id)), col(Attendee.display_name), col(Attendee.name_listed))
        .outerjoin(Vote, col(Vote.topic_id) == col(Topic.id))
        .outerjoin(Attendee, col(Attendee.id) == col(Topic.convener_id))
        .where(
            col(Topic.event_id) == event_id,
            col(Topic.id).in_(list(ids)),
            col(Topic.status).in_(ACTIVE_TOPIC_STATUSES),
        )
        .group_by(col(Topic.id), col(Attendee.display_name), col(Attendee.name_listed)),
    ).tuples()
    # The convener's choice comes along: whoever reads these names goes through app/services/privacy.py.
    return {
        id_of(topic): TopicView(topic=topic, votes=votes, convener_name=name, convener_listed=listed is not False)
        for topic, votes, name, listed in rows
    }
