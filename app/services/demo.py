"""The demo event: a lively open space, seeded through the services so that every rule of the domain holds.

Deterministic for a given seed and date, and created only once: a second call leaves the event alone.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time

from sqlmodel import Session

from app.models import Room, Slot, SlotKind, Topic, id_of
from app.models.event import EventUpdate
from app.services import attendance, attendees, clock, events, placements, themes, topics, votes, wall_setup
from app.services.actors import Actor
from app.services.errors import NotFound

DEMO_SLUG = "demo"
DEMO_NAME = "Hallway demo: Working Better Together"
DEMO_TIMEZONE = "Europe/London"
DEMO_SEED = 20261124
DEMO_BUDGET = 5
PLACED_TOPICS = 7  # the first two session slots partly filled: the wall is alive but not done

ROOMS = [
    ("Main hall", 40, "Ground floor, step-free, hearing loop"),
    ("Garden room", 20, "Ground floor, opens onto the garden"),
    ("Library", 12, "First floor, lift beside reception, quiet"),
    ("Studio", 8, "Basement, step-free via the ramp, has a projector"),
]

SLOTS = [
    ("09:00", "09:30", "Opening circle", SlotKind.plenary),
    ("09:30", "10:15", "Session 1", SlotKind.sessions),
    ("10:30", "11:15", "Session 2", SlotKind.sessions),
    ("11:30", "12:15", "Session 3", SlotKind.sessions),
    ("12:15", "13:15", "Lunch", SlotKind.break_),
    ("13:15", "14:00", "Session 4", SlotKind.sessions),
    ("14:15", "15:00", "Session 5", SlotKind.sessions),
    ("15:15", "16:00", "Closing circle", SlotKind.plenary),
]

ATTENDEES = [
    "Amara Okafor",
    "Ben Carter",
    "Chloé Martin",
    "Dev Patel",
    "Elena Rossi",
    "Finn O'Brien",
    "Grace Liu",
    "Hamid Rahimi",
    "Ingrid Larsen",
    "Jonas Weber",
    "Kemi Adeyemi",
    "Lucía Fernández",
    "Marek Nowak",
    "Nadia Haddad",
    "Oliver Brooks",
    "Priya Raman",
    "Quentin Dubois",
    "Rosa Mendes",
    "Sam Taylor",
    "Tomasz Zieliński",
    "Uma Krishnan",
    "Viktor Petrov",
    "Wen Zhang",
    "Xavier Moreau",
    "Yasmin Ali",
    "Zoe Campbell",
    "Aoife Byrne",
    "Kofi Mensah",
    "Hana Sato",
    "Luca Bianchi",
]

# (title, description, convener's index in ATTENDEES). Listed from most to least appealing: the votes
# follow that order loosely, so a few topics draw a crowd and a long tail draws a handful each.
TOPICS = [
    (
        "Remote and hybrid teams: what actually works?",
        "Rituals, tools and agreements that made a distributed team feel like a team, and the ones that didn't.",
        0,
    ),
    (
        "Burnout: noticing it early, in yourself and in others",
        "Signs we missed, what helped us recover, and how a team can carry someone through a hard patch.",
        1,
    ),
    (
        "AI assistants at work: helpful, harmful or hype?",
        "Where they save us time, where they quietly make things worse, and what we tell new colleagues.",
        2,
    ),
    (
        "Making meetings shorter (or unnecessary)",
        "Bring your best trick for a meeting that ends early, or that turned into a written update.",
        3,
    ),
    (
        "Psychological safety beyond the buzzword",
        "What does it look like on a Tuesday afternoon? Stories of teams where people dared to say 'I don't know'.",
        4,
    ),
    (
        "Four-day week: who has tried it?",
        "Experiences, numbers and pitfalls from organisations that went to 32 hours, and from those that went back.",
        5,
    ),
    (
        "Giving feedback that lands",
        "Practise a hard conversation in pairs, then swap what worked. Bring a real case (anonymised).",
        6,
    ),
    (
        "Onboarding that doesn't drown people",
        "The first two weeks of a new colleague: what to give them, what to hold back, who they should meet.",
        7,
    ),
    (
        "Working across time zones without 7 am calls",
        "Asynchronous habits, overlap hours and handovers that let a team span continents and still sleep.",
        0,
    ),
    (
        "Decision making without a boss: consent and the advice process",
        "How self-organising teams decide, and what happens when they can't. Sociocracy veterans welcome.",
        8,
    ),
    (
        "Accessibility as a habit, not an audit",
        "Small routines that keep products and events usable by everyone, instead of a fix-it sprint each year.",
        9,
    ),
    (
        "Mentoring juniors when everyone is remote",
        "Pairing, office hours, and how to notice that someone is stuck when you can't see them.",
        10,
    ),
    (
        "Retrospectives that lead to change",
        "Our retros produce the same three sticky notes every time. How do we turn talk into experiments?",
        11,
    ),
    (
        "Neurodiversity at work: what helps",
        "Adjustments, environments and team habits that help people think differently, from people who do.",
        12,
    ),
    (
        "Writing documentation nobody has to ask about",
        "Structures, review habits and the one page every project should have. Bring your worst README.",
        13,
    ),
    (
        "Career paths that aren't management",
        "Staff roles, specialist tracks, portfolio careers: how did you grow without managing people?",
        14,
    ),
    (
        "Hiring fairly: interviews that test the job",
        "Work samples, structured interviews and how to stop hiring people who are merely good at interviews.",
        3,
    ),
    (
        "Estimates, deadlines and honesty",
        "Can we give dates without lying? Forecasting, ranges and saying no to a deadline you know is wrong.",
        15,
    ),
    (
        "Sustainable tech: measuring our carbon footprint",
        "Tools and rough numbers for the emissions of our software, our travel and this very event.",
        16,
    ),
    (
        "Open source maintainers: how do we support them?",
        "Funding, recognition and time: what companies that depend on open source can actually do.",
        17,
    ),
    (
        "Facilitation tricks for your own team",
        "Liberating Structures, silent brainstorming, the two-minute check-in: techniques to steal from today.",
        18,
    ),
    (
        "Learning in public",
        "Blogging, talks and notes shared early: how to start, and how to cope with the fear of being wrong.",
        19,
    ),
    (
        "Running a community meetup on no budget",
        "Venues, sponsors, speakers and keeping the volunteers happy: lessons from local meetups.",
        8,
    ),
    (
        "Side projects and rest: do we need both?",
        "Is coding at the weekend a joy, a career move or a trap? An honest conversation, no judgement.",
        20,
    ),
    (
        "What should the next open space be about?",
        "Themes, formats and venues for the next gathering. Everyone who cares about it is the right person.",
        12,
    ),
]


# The gathering's themes: (name, one line, the indexes in TOPICS of the topics proposed under it). The last
# topic, about the next open space, is left without a theme, as some always are.
THEMES = [
    ("Healthy teams", "Rest, safety and looking after each other at work.", [1, 4, 6, 13, 23]),
    ("Remote and async work", "Working apart, across time zones, without drowning in calls.", [0, 3, 8, 11, 14]),
    ("Growing people", "Joining, learning, mentoring and the careers that follow.", [7, 15, 16, 21]),
    ("How we decide", "Decisions, estimates, retrospectives and the shape of the week.", [5, 9, 12, 17, 20]),
    (
        "Tech and the wider world",
        "What our work does beyond the team: AI, the planet, open source, access.",
        [2, 10, 18, 19, 22],
    ),
]


def seed_demo(*, session: Session, today: date | None = None, seed: int = DEMO_SEED) -> events.NewEvent | None:
    """Create the demo event with rooms, a day of slots, attendees, topics, votes, a few placements and
    some attendance. Returns the new event and its facilitator key, or None when the demo exists already.
    Like `event_import.import_event`, a flow in the caller's transaction with nothing to announce."""
    try:
        events.get_event(session=session, slug=DEMO_SLUG)
    except NotFound:
        pass
    else:
        return None
    rng = random.Random(seed)
    # Today at the venue by the one clock the board and the auto-scheduler read, so that they agree on its day.
    day = today or clock.venue_now(DEMO_TIMEZONE).date()
    created = events.create_event(
        session=session,
        name=DEMO_NAME,
        slug=DEMO_SLUG,
        timezone=DEMO_TIMEZONE,
        date=day,
        votes_per_attendee=DEMO_BUDGET,
    ).result
    event_id = id_of(created.event)
    rooms = [
        wall_setup.add_room(
            session=session, event_id=event_id, name=name, capacity=capacity, location_notes=notes
        ).result
        for name, capacity, notes in ROOMS
    ]
    slots = [
        wall_setup.add_slot(
            session=session,
            event_id=event_id,
            starts_at=datetime.combine(day, time.fromisoformat(starts)),
            ends_at=datetime.combine(day, time.fromisoformat(ends)),
            label=label,
            kind=kind,
        ).result
        for starts, ends, label, kind in SLOTS
    ]
    theme_of: dict[int, int] = {}
    for name, line, indexes in THEMES:
        theme = themes.add_theme(session=session, event_id=event_id, name=name, description=line).result
        theme_of.update(dict.fromkeys(indexes, id_of(theme)))
    joined = [attendees.join_event(session=session, event_id=event_id, display_name=name).result for name in ATTENDEES]
    people = [id_of(each.attendee) for each in joined]
    # Proposed in a shuffled order, so that "newest first" doesn't mirror popularity.
    appeal: dict[int, float] = {}
    for index in rng.sample(range(len(TOPICS)), k=len(TOPICS)):
        title, description, convener = TOPICS[index]
        proposer = joined[convener].attendee
        actor = Actor(event_id=event_id, attendee_id=id_of(proposer), attendee_name=proposer.display_name)
        topic = topics.propose_topic(
            session=session,
            event_id=event_id,
            actor=actor,
            title=title,
            description=description,
            theme_id=theme_of.get(index),
        ).result
        appeal[id_of(topic)] = 1 / (index + 1) ** 0.9

    events.update_event(session=session, event_id=event_id, update=EventUpdate(voting_open=True))
    chosen = _cast_votes(session, rng, people, appeal)
    tally = Counter(topic_id for mine in chosen.values() for topic_id in mine)
    placed = _place_popular(session, event_id, tally, rooms, [s for s in slots if s.kind == SlotKind.sessions][:2])
    _say_going(session, rng, people, chosen, tally, placed)
    return created


def _cast_votes(
    session: Session, rng: random.Random, people: list[int], appeal: dict[int, float]
) -> dict[int, set[int]]:
    """Each attendee spends 2 to 5 dots (never past the budget), drawn by appeal without repeats."""
    chosen: dict[int, set[int]] = {}
    for attendee_id in people:
        remaining = dict(appeal)
        mine: set[int] = set()
        for _ in range(min(rng.randint(2, 5), DEMO_BUDGET)):
            topic_id = rng.choices(list(remaining), weights=list(remaining.values()))[0]
            del remaining[topic_id]
            votes.cast_vote(session=session, attendee_id=attendee_id, topic_id=topic_id)
            mine.add(topic_id)
        chosen[attendee_id] = mine
    return chosen


def _place_popular(
    session: Session, event_id: int, tally: Counter[int], rooms: list[Room], slots: list[Slot]
) -> dict[int, list[Topic]]:
    """The most voted topics into the biggest free rooms of the first slots, never a convener twice in a slot."""
    ranked = [view.topic for view in topics.list_topics(session=session, event_id=event_id, sort="votes")]
    ranked.sort(key=lambda topic: (-tally[id_of(topic)], id_of(topic)))
    by_size = sorted(rooms, key=lambda room: -room.capacity)
    placed: dict[int, list[Topic]] = {id_of(slot): [] for slot in slots}
    facilitator = Actor.facilitator(event_id)
    for topic in ranked:
        if sum(len(each) for each in placed.values()) >= PLACED_TOPICS:
            break
        for slot in slots:
            here = placed[id_of(slot)]
            if len(here) < len(by_size) and all(other.convener_id != topic.convener_id for other in here):
                placements.place_topic(
                    session=session,
                    event_id=event_id,
                    actor=facilitator,
                    topic_id=id_of(topic),
                    room_id=id_of(by_size[len(here)]),
                    slot_id=id_of(slot),
                )
                here.append(topic)
                break
    return placed


def _say_going(
    session: Session,
    rng: random.Random,
    people: list[int],
    chosen: dict[int, set[int]],
    tally: Counter[int],
    placed: dict[int, list[Topic]],
) -> None:
    """Conveners go to their own session; most others pick one, drawn to popular topics and their own dots."""
    for attendee_id in people:
        for slot_id, here in placed.items():
            if not here:
                continue
            own = [topic for topic in here if topic.convener_id == attendee_id]
            if own:
                pick = own[0]
            elif rng.random() < 0.7:
                weights = [
                    (tally[id_of(topic)] + 1) * (3 if id_of(topic) in chosen[attendee_id] else 1) for topic in here
                ]
                pick = rng.choices(here, weights=weights)[0]
            else:
                continue
            attendance.attend(session=session, attendee_id=attendee_id, slot_id=slot_id, topic_id=id_of(pick))
