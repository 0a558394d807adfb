"""Topics: proposing, editing, withdrawing, and the facilitator's moderation (hide, merge)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, delete, func, or_, select
from sqlmodel import Session, col

from app.db import contains_ignoring_case, exec_select
from app.i18n import _, _n
from app.models import ActivityKind, Attendee, Event, Theme, Topic, TopicConvener, TopicStatus, Vote, id_of
from app.models._base import utcnow
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.models.theme import mark_symbol
from app.models.topic import DESCRIPTION_MAX, REQUEST_KEY_MAX, SEARCH_MAX, TITLE_MAX
from app.services import activity, co_conveners
from app.services.actors import Actor
from app.services.changes import BoardChange, Written
from app.services.errors import InvalidInput, NotAllowed, PhaseClosed, TopicLimitReached, TopicNotActive
from app.services.lookups import get_active_topic, get_event_by_id, get_readable_topic, get_topic, status_word
from app.services.placements import unplace_topics
from app.services.privacy import listed_name
from app.services.text import clean_line, clean_text
from app.services.themes import check_theme_given, checked_theme_id

TopicSort = Literal["votes", "newest"]
ThemeFilter = int | Literal["none"] | None


class _Unchanged:
    """An edit that leaves a field alone (None means something for a field that can be cleared)."""


UNCHANGED = _Unchanged()


@dataclass(frozen=True)
class TopicView:
    """A topic as people see it in lists: with its vote count and its convener's name (as they gave it: the
    facilitator's lists show it; whatever others read goes through app/services/privacy.py)."""

    topic: Topic
    votes: int
    convener_name: str | None
    convener_listed: bool = True
    co_conveners: tuple[co_conveners.CoConvener, ...] = ()  # accepted ones, in the order they were invited

    @property
    def listed_convener_name(self) -> str | None:
        """Who convenes it as lists rendered for everyone carry it (the marketplace and its live feed): the
        convener's name, and the co-conveners' ("Ada and Sam")."""
        return co_conveners.shown_conveners(
            listed_name(self.convener_name, listed=self.convener_listed), self.co_conveners
        )


def propose_topic(
    *,
    session: Session,
    event_id: int,
    actor: Actor,
    title: str,
    description: str = "",
    theme_id: int | None = None,
    request_key: str | None = None,
) -> Written[Topic]:
    """A new topic, convened by the attendee who proposes it, or by the facilitator (even when proposals are closed).

    `request_key` names this proposal on the proposer's side: sent again (a phone retrying after the
    connection dropped before the answer came), it gives back the topic the first one made, unchanged.
    """
    _check_known(actor, event_id, _("Join the event first to propose a topic."))
    convener_id = actor.attendee_id
    key = _request_key(request_key)
    if key is not None:
        made = exec_select(
            session, select(Topic).where(col(Topic.event_id) == event_id, col(Topic.request_key) == key)
        ).scalar_one_or_none()
        if made is not None:
            if made.convener_id != convener_id:  # someone else's key: not theirs to replay
                raise InvalidInput(_("This request key was used for another proposal."), field="request_key")
            return Written(made, None)  # already proposed and announced: nothing changes
    event = get_event_by_id(session=session, event_id=event_id)
    if convener_id is not None:
        if not event.proposals_open:
            raise PhaseClosed(_("Proposals are closed for this event."))
        check_theme_given(session=session, event_id=event_id, theme_required=event.theme_required, theme_id=theme_id)
        _check_room_for_a_topic(session, event_id)
    topic = Topic(
        event_id=event_id,
        convener_id=convener_id,
        title=_title(title),
        description=_description(description),
        theme_id=checked_theme_id(session=session, event_id=event_id, theme_id=theme_id),
        request_key=key,
    )
    session.add(topic)
    session.flush()
    _record(session, actor, event_id, topic, _("proposed {topic}", topic=activity.quoted(topic.title)))
    return Written(topic, BoardChange.of(event_id, "topic", topic_ids=id_of(topic), new_topics=True))


def _record(session: Session, actor: Actor, event_id: int, topic: Topic, summary: str) -> None:
    """A line of the activity list when the team changed the topic (nothing for its conveners)."""
    activity.record(
        session=session, actor=actor, event_id=event_id, kind=ActivityKind.topic, summary=summary, topic_id=topic.id
    )


def _check_room_for_a_topic(session: Session, event_id: int) -> None:
    """The event's cap on topics: many people proposing at once can't make every page of the day heavy.

    Counts what is on the marketplace (hidden, merged and withdrawn topics don't count). The facilitator
    is not held to it. On PostgreSQL the event's row is locked first, so that workers proposing at once
    take turns and the cap is exact; SQLite's write transactions take turns already.
    """
    limit = exec_select(
        session, select(col(Event.topic_limit)).where(col(Event.id) == event_id).with_for_update()
    ).scalar_one()
    on_the_marketplace = exec_select(
        session,
        select(func.count())
        .select_from(Topic)
        .where(col(Topic.event_id) == event_id, col(Topic.status).in_(ACTIVE_TOPIC_STATUSES)),
    ).scalar_one()
    if on_the_marketplace >= limit:
        raise TopicLimitReached(
            _n(
                "This event has reached its limit of {count} topics. Give your dots to a topic already "
                "proposed, or ask the facilitator to make room for more.",
                "This event has reached its limit of {count} topics. Give your dots to a topic already "
                "proposed, or ask the facilitator to make room for more.",
                limit,
            )
        )


def edit_topic(
    *,
    session: Session,
    event_id: int,
    topic_id: int,
    actor: Actor,
    title: str | None = None,
    description: str | None = None,
    theme_id: int | _Unchanged | None = UNCHANGED,
) -> Written[Topic]:
    """A convener (or a co-convener, or the facilitator) changes a topic's title, description or theme (None: no
    theme)."""
    topic = get_active_topic(session=session, event_id=event_id, topic_id=topic_id)
    actor.check_in(topic.event_id)
    if not co_conveners.may_change(session=session, actor=actor, topic=topic):
        raise NotAllowed(_("Only the topic's convener or the facilitator can edit it."))
    was = (topic.title, topic.description, topic.theme_id)
    if title is not None:
        topic.title = _title(title)
    if description is not None:
        topic.description = _description(description)
    if not isinstance(theme_id, _Unchanged):
        topic.theme_id = checked_theme_id(session=session, event_id=event_id, theme_id=theme_id)
    topic.updated_at = utcnow()
    session.add(topic)
    session.flush()
    if (topic.title, topic.description, topic.theme_id) != was:
        _record(session, actor, event_id, topic, _("edited {topic}", topic=activity.quoted(topic.title)))
    return Written(topic, BoardChange.of(event_id, "topic", topic_ids=topic_id))


def withdraw_topic(*, session: Session, event_id: int, topic_id: int, actor: Actor) -> Written[Topic]:
    """The convener takes a topic back: it leaves the wall and everyone's dots on it are returned.

    Its main convener's (the one who proposed it) or the facilitator's alone: a co-convener steps down instead
    (app/services/co_conveners.py), and the topic goes on with the others."""
    topic = get_active_topic(session=session, event_id=event_id, topic_id=topic_id)
    actor.check_in(topic.event_id)
    if not actor.may_change(topic.convener_id) and co_conveners.is_convener(
        session=session, topic=topic, attendee_id=actor.attendee_id
    ):
        raise NotAllowed(
            _(
                "Only the convener who proposed “{title}”, or the facilitator, can withdraw it; as a co-convener, "
                "you can step down instead.",
                title=topic.title,
            )
        )
    _check_convener_or_facilitator(topic, actor, _("Only the topic's convener or the facilitator can withdraw it."))
    withdrawn = _retire(session, topic, TopicStatus.withdrawn)
    _record(session, actor, event_id, topic, _("withdrew {topic}", topic=activity.quoted(topic.title)))
    return Written(withdrawn, _retired(event_id, topic_id))


def hide_topic(*, session: Session, event_id: int, topic_id: int, actor: Actor | None = None) -> Written[Topic]:
    """Moderation: an abusive topic disappears from every page; its dots go back to their owners.

    `actor` is the facilitator whose action the activity list shows (and can undo); a ban hides without one.
    """
    topic = get_topic(session=session, event_id=event_id, topic_id=topic_id)
    if topic.status == TopicStatus.hidden:
        return Written(topic, _retired(event_id, topic_id))
    if topic.status not in ACTIVE_TOPIC_STATUSES:
        raise TopicNotActive(_("'{title}' was {status} already.", title=topic.title, status=status_word(topic.status)))
    dots = _dot_count(session, topic_id)
    _retire(session, topic, TopicStatus.hidden)
    activity.record(
        session=session,
        actor=actor,
        event_id=event_id,
        kind=ActivityKind.hide,
        summary=_("hid {topic}", topic=activity.quoted(topic.title)),
        topic_id=topic_id,
        undo={"dots": dots, "edited": activity.stamp(topic.updated_at)},
    )
    return Written(topic, _retired(event_id, topic_id))


def merge_topics(
    *, session: Session, event_id: int, source_id: int, target_id: int, actor: Actor | None = None
) -> Written[Topic]:
    """Merge a duplicate (source) into another topic (target); the source's dots move with it.

    An attendee who had a dot on both keeps one on the target and gets the other back, so nobody
    ends up with two dots on one topic, and nobody can go over budget (merging never adds dots).
    Who had which is written down for the activity list's undo (app/services/undo.py).
    """
    if source_id == target_id:
        raise InvalidInput(_("A topic can't be merged into itself."))
    source = get_active_topic(session=session, event_id=event_id, topic_id=source_id)
    target = get_active_topic(session=session, event_id=event_id, topic_id=target_id)
    on_target = set(
        exec_select(session, select(col(Vote.attendee_id)).where(col(Vote.topic_id) == target.id)).scalars()
    )
    on_source = list(exec_select(session, select(Vote).where(col(Vote.topic_id) == source.id)).scalars())
    both = sorted(vote.attendee_id for vote in on_source if vote.attendee_id in on_target)
    moved = sorted(vote.attendee_id for vote in on_source if vote.attendee_id not in on_target)
    session.exec(delete(Vote).where(col(Vote.topic_id) == source.id, col(Vote.attendee_id).in_(both)))
    for vote in on_source:
        if vote.attendee_id not in on_target:
            vote.topic_id = id_of(target)
            session.add(vote)
    _retire(session, source, TopicStatus.merged, keep_votes=True)
    source.merged_into_id = target.id
    target.updated_at = utcnow()
    session.add_all([source, target])
    session.flush()
    activity.record(
        session=session,
        actor=actor,
        event_id=event_id,
        kind=ActivityKind.merge,
        summary=_(
            "merged {topic} into {other}", topic=activity.quoted(source.title), other=activity.quoted(target.title)
        ),
        topic_id=source_id,
        other_topic_id=target_id,
        undo={"moved": moved, "both": both, "edited": activity.stamp(target.updated_at)},
    )
    return Written(target, _retired(event_id, source_id).merge(BoardChange.of(event_id, "topic", topic_ids=target_id)))


def _dot_count(session: Session, topic_id: int) -> int:
    count: int = exec_select(
        session, select(func.count(col(Vote.id))).where(col(Vote.topic_id) == topic_id)
    ).scalar_one()
    return count


MERGE_SUGGESTIONS = 8


def merge_candidates(*, session: Session, event_id: int, topic_id: int, typed: str) -> list[TopicView]:
    """Active topics whose title or description has every word typed, most dotted first, for the facilitator
    choosing what a duplicate merges into: a few at a time, whatever the number of topics.

    The duplicate must be this event's (404 otherwise): asked at another event's address with this one's
    topic, the suggestions would be that event's topics, offered for a merge that cannot happen."""
    get_topic(session=session, event_id=event_id, topic_id=topic_id)
    if not typed.strip():
        return []
    try:
        found = list_topics(session=session, event_id=event_id, search=typed[:SEARCH_MAX])
    except InvalidInput:
        return []
    return [view for view in found if view.topic.id != topic_id][:MERGE_SUGGESTIONS]


def merge_target(*, session: Session, event_id: int, topic_id: int, typed: str) -> int:
    """The topic a merge form names: a suggestion ("Title (#12)") by its number, or a title typed in full."""
    number = re.search(r"#(\d{1,9})\)?\s*$", typed)
    if number:
        return int(number.group(1))
    title = " ".join(typed.split()).casefold()
    matches = [
        id_of(view.topic)
        for view in list_topics(session=session, event_id=event_id)
        if view.topic.id != topic_id and view.topic.title.casefold() == title
    ]
    if len(matches) == 1:
        return matches[0]
    said = typed.strip()[:60]
    if not matches:
        raise InvalidInput(
            _(
                "No topic is called “{title}”: type a few words of its title and pick it from the suggestions.",
                title=said,
            ),
            field="into",
        )
    raise InvalidInput(
        _("Several topics are called “{title}”: pick one from the suggestions.", title=said), field="into"
    )


def list_topics(
    *,
    session: Session,
    event_id: int,
    sort: TopicSort = "votes",
    search: str | None = None,
    convener_id: int | None = None,
    theme: ThemeFilter = None,
    include_retired: bool = False,
) -> list[TopicView]:
    """Topics with their vote counts, most voted (or newest) first, optionally filtered by a search, a theme
    (a theme's id, or "none": the topics in no theme) and a convener (those they convene or co-convene)."""
    votes = func.count(col(Vote.id)).label("votes")
    query = (
        select(Topic, votes, col(Attendee.display_name), col(Attendee.name_listed))
        .outerjoin(Vote, col(Vote.topic_id) == col(Topic.id))
        .outerjoin(Attendee, col(Attendee.id) == col(Topic.convener_id))
        .where(col(Topic.event_id) == event_id)
        .group_by(col(Topic.id), col(Attendee.display_name), col(Attendee.name_listed))
    )
    if not include_retired:
        query = query.where(col(Topic.status).in_(ACTIVE_TOPIC_STATUSES))
    if convener_id is not None:
        co_convened = select(col(TopicConvener.topic_id)).where(
            col(TopicConvener.attendee_id) == convener_id, col(TopicConvener.accepted_at).is_not(None)
        )
        query = query.where(or_(col(Topic.convener_id) == convener_id, col(Topic.id).in_(co_convened)))
    if theme == "none":
        query = query.where(col(Topic.theme_id).is_(None))
    elif theme is not None:
        query = query.where(col(Topic.theme_id) == theme)
    words = clean_line(search, field="q", label=_("The search"), max_length=SEARCH_MAX, required=False).split()
    for word in words:
        query = query.where(
            or_(contains_ignoring_case(col(Topic.title), word), contains_ignoring_case(col(Topic.description), word))
        )
    order: list[ColumnElement[Any]] = (
        [col(Topic.created_at).desc(), col(Topic.id).desc()]
        if sort == "newest"
        else [votes.desc(), col(Topic.id).asc()]
    )
    rows = exec_select(session, query.order_by(*order)).tuples().all()
    co = co_conveners.co_conveners_of(session=session, topic_ids=[id_of(topic) for topic, *_ in rows])
    return [
        TopicView(
            topic=topic,
            votes=count,
            convener_name=name,
            convener_listed=listed is not False,
            co_conveners=co.get(id_of(topic), ()),
        )
        for topic, count, name, listed in rows
    ]


def get_topic_view(*, session: Session, event_id: int, topic_id: int, actor: Actor) -> TopicView:
    """One topic as lists show it, with its vote count and convener's name (a hidden or merged one: the
    facilitator's alone)."""
    topic = get_readable_topic(session=session, event_id=event_id, topic_id=topic_id, actor=actor)
    votes = exec_select(session, select(func.count(col(Vote.id))).where(col(Vote.topic_id) == topic_id)).scalar_one()
    convener = session.get(Attendee, topic.convener_id) if topic.convener_id else None
    return TopicView(
        topic=topic,
        votes=votes,
        convener_name=convener.display_name if convener else None,
        convener_listed=convener.name_listed if convener else True,
        co_conveners=co_conveners.co_conveners_of(session=session, topic_ids=[topic_id]).get(topic_id, ()),
    )


@dataclass(frozen=True)
class CardEvent:
    """What a topic's card says of its event: where its buttons post, and whether and how much one can vote."""

    slug: str
    voting_open: bool
    votes_per_attendee: int
    language: str | None


@dataclass(frozen=True)
class CardTopic:
    """What a card shows of its topic (plain values: building a model instance costs more than the read)."""

    id: int
    title: str
    description: str
    theme_id: int | None


@dataclass(frozen=True)
class CardView:
    """The card's topic as lists show it, as TopicView gives it to the templates."""

    topic: CardTopic
    votes: int
    listed_convener_name: str | None


@dataclass(frozen=True)
class CardTheme:
    id: int
    name: str
    mark: str

    @property
    def symbol(self) -> str:
        return mark_symbol(self.mark)


@dataclass(frozen=True)
class VoteCard:
    """One active topic's card on the marketplace, with its theme: the answer to a tap on its dot button."""

    event: CardEvent
    view: CardView
    theme: CardTheme | None


def vote_card(*, session: Session, event_id: int, topic_id: int) -> VoteCard | None:
    """The card of a topic after a vote, in two prebuilt statements: a hall voting at once asks for one a tap
    (app/routes/pages/votes.py). None for a topic that is not (or no longer) active, or not this event's:
    the marketplace answers those with its whole list (a hidden topic's card is nobody's to see)."""
    connection = session.connection()
    row = connection.execute(_VOTE_CARD, {"event_id": event_id, "topic_id": topic_id}).first()
    if row is None or row.status not in ACTIVE_TOPIC_STATUSES:
        return None
    co = tuple(
        co_conveners.CoConvener(
            topic_id=topic_id,
            attendee_id=each.attendee_id,
            display_name=each.display_name,
            name_listed=each.name_listed is not False,
            invited_at=each.invited_at,
            accepted_at=each.accepted_at,
        )
        for each in connection.execute(_VOTE_CARD_CO_CONVENERS, {"topic_id": topic_id})
    )
    main_name = listed_name(row.convener_name, listed=row.convener_listed is not False)
    view = CardView(
        topic=CardTopic(id=topic_id, title=row.title, description=row.description, theme_id=row.theme_id),
        votes=row.votes,
        listed_convener_name=co_conveners.shown_conveners(main_name, co),
    )
    theme = None
    if row.theme_id is not None:
        theme = CardTheme(id=row.theme_id, name=row.theme_name, mark=row.theme_mark)
    event = CardEvent(
        slug=row.slug, voting_open=row.voting_open, votes_per_attendee=row.votes_per_attendee, language=row.language
    )
    return VoteCard(event=event, view=view, theme=theme)


def _build_vote_card_queries() -> tuple[Select[Any], Select[Any]]:
    topic_id: BindParameter[int] = bindparam("topic_id")
    event_id: BindParameter[int] = bindparam("event_id")
    votes = select(func.count()).select_from(Vote).where(col(Vote.topic_id) == topic_id).scalar_subquery()
    card = (
        select(
            col(Event.slug),
            col(Event.voting_open),
            col(Event.votes_per_attendee),
            col(Event.language),
            col(Topic.title),
            col(Topic.description),
            col(Topic.convener_id),
            col(Topic.theme_id),
            col(Topic.status),
            col(Attendee.display_name).label("convener_name"),
            col(Attendee.name_listed).label("convener_listed"),
            col(Theme.name).label("theme_name"),
            col(Theme.mark).label("theme_mark"),
            votes.label("votes"),
        )
        .select_from(Topic)
        .join(Event, col(Event.id) == col(Topic.event_id))
        .outerjoin(Attendee, col(Attendee.id) == col(Topic.convener_id))
        .outerjoin(Theme, col(Theme.id) == col(Topic.theme_id))
        .where(col(Topic.id) == topic_id, col(Topic.event_id) == event_id)
    )
    co = (
        select(
            col(TopicConvener.attendee_id),
            col(TopicConvener.invited_at),
            col(TopicConvener.accepted_at),
            col(Attendee.display_name),
            col(Attendee.name_listed),
        )
        .join(Attendee, col(Attendee.id) == col(TopicConvener.attendee_id))
        .where(col(TopicConvener.topic_id) == bindparam("topic_id"), col(TopicConvener.accepted_at).is_not(None))
        .order_by(col(TopicConvener.invited_at), col(TopicConvener.id))
    )
    return card, co


# Built once, with bound parameters, as the vote's own statement is (app/services/votes.py): building a
# statement and its cache key each time costs more than running it.
_VOTE_CARD, _VOTE_CARD_CO_CONVENERS = _build_vote_card_queries()


def _retired(event_id: int, topic_id: int) -> BoardChange:
    """A topic left the marketplace, and the wall if it was placed (with its "I'm going"s)."""
    return BoardChange.of(event_id, "topic", topic_ids=topic_id, wall=True)


def _retire(session: Session, topic: Topic, status: TopicStatus, *, keep_votes: bool = False) -> Topic:
    unplace_topics(session=session, topic_ids=[id_of(topic)])
    if not keep_votes:
        session.exec(delete(Vote).where(col(Vote.topic_id) == topic.id))
    topic.status = status
    topic.updated_at = utcnow()
    session.add(topic)
    session.flush()
    return topic


def _check_known(actor: Actor, event_id: int, refusal: str) -> None:
    actor.check_in(event_id)
    if not actor.is_known:
        raise NotAllowed(refusal)


def _check_convener_or_facilitator(topic: Topic, actor: Actor, refusal: str) -> None:
    actor.check_in(topic.event_id)
    if not actor.may_change(topic.convener_id):
        raise NotAllowed(refusal)


def _request_key(key: str | None) -> str | None:
    if key is None or not key.strip():
        return None
    key = key.strip()
    if len(key) > REQUEST_KEY_MAX or not key.isascii() or not key.isprintable():
        raise InvalidInput(
            _("A request key is up to {most} printable ASCII characters (a UUID, say).", most=REQUEST_KEY_MAX),
            field="request_key",
        )
    return key


def _title(title: str) -> str:
    return clean_line(title, field="title", label=_("The title"), max_length=TITLE_MAX)


def _description(description: str) -> str:
    return clean_text(description, field="description", label=_("The description"), max_length=DESCRIPTION_MAX)
