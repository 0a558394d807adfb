"""A labelled set for the duplicate check (app/services/similarity.py): what a marketplace at a community-tech
gathering looks like, and which pairs of its titles are the same conversation.

The gathering holds its open space on five themes (tech for humans; community data, not big data; abundance for
global-majority communities; designing for sustainability; community accountability), so its titles share a lot
of words ("community", "data", "tech", "design") without being about the same thing.

- SAME: two titles for one conversation, written by two people in their own words ("Who owns community data?" /
  "Data sovereignty for communities"). Some share a distinctive word or two, some share almost none: those a
  lexical check can't see, and they are kept to show it, not left out to flatter the figure.
- DIFFERENT: two conversations whose titles share words, often the common ones ("Community data trusts" /
  "Community gardening").
- BACKGROUND: the rest of the marketplace, with descriptions where people wrote one: the corpus that tells common
  words from rare ones.

Written by hand for this purpose (not drawn from any event); bench/similar.py prints the precision and recall
per threshold, and tests/services/test_similarity.py holds the chosen threshold to them.
"""

from __future__ import annotations

from dataclasses import dataclass

# (title, description)
BACKGROUND: list[tuple[str, str]] = [
    ("Tech for humans, not for growth", "What would our tools look like if they were measured by wellbeing?"),
    ("Community data, not big data", "Small, local, owned datasets versus the extraction model."),
    ("Abundance for global-majority communities", "Starting from what communities have, not what they lack."),
    ("Designing for sustainability", ""),
    ("Community accountability in practice", "Stories of holding each other to account without the police."),
    ("Neighbourhood WhatsApp groups: a blessing or a curse?", ""),
    ("Running a hackathon that leaves something behind", "Most hackathon projects die on Monday. How not to."),
    ("Community wifi in social housing", "We installed free wifi in three tower blocks: what worked, what broke."),
    ("Data literacy for community organisers", ""),
    ("Designing with, not for", "Co-design methods that hand over real power."),
    ("The ethics of scraping public data", ""),
    ("Open standards for civic tech", "Why our projects keep reinventing the same wheel."),
    ("Feminist approaches to technology", ""),
    ("Community tech hubs in small towns", "A room, a kettle and some laptops: hubs outside the big cities."),
    ("Grant reporting without drowning in spreadsheets", ""),
    ("Citizen science and air quality sensors", "Cheap sensors, messy data, real campaigns."),
    ("Disability justice and design", ""),
    ("Storytelling with data for campaigns", "Charts that move councillors."),
    ("Tech workers organising", "Unions, petitions and walkouts in tech companies."),
    ("Community-owned energy and the grid", ""),
    ("What does a good digital public service feel like?", ""),
    ("Ethical procurement for charities", "Buying software that matches our values."),
    ("Mapping our neighbourhood's assets", "Asset-based community development with open maps."),
    ("Children's rights online", ""),
    ("Care work and technology", "Who cares for the carers, and what tech has to do with it."),
    ("Community archives and memory", "Keeping the photos and stories of a place alive."),
    ("Design justice principles", ""),
    ("Rethinking growth in the tech sector", "Degrowth ideas applied to software companies."),
    ("Volunteer onboarding", ""),
    ("The long tail of maintenance", "Nobody funds the boring work that keeps things running."),
    ("Community health workers and mobile tools", "Apps for health workers in villages."),
    ("Language justice at events", "Interpretation, translation and who gets to speak."),
    ("Open source governance", ""),
    ("Wellbeing of remote teams", ""),
    ("Data ethics boards for small organisations", "Do we need one? What would it do?"),
    ("Building solidarity across movements", ""),
    ("Public libraries as tech hubs", "Libraries already lend laptops and teach coding."),
    ("Indigenous knowledge and technology", ""),
    ("The politics of cloud computing", "Who owns the servers our communities run on."),
    ("Designing for trust", ""),
    ("Humane notification design", "Fewer pings, more attention."),
    ("Circular economy for electronics", ""),
    ("Community accountability and online harassment", ""),
    ("Data for advocacy: what works", ""),
    ("Global majority leadership in tech", ""),
    ("Water, land and data", "Environmental data in land rights struggles."),
    ("Free software in schools", ""),
    ("Digital security basics for organisers", "Passwords, two-factor, and signal hygiene."),
    ("The carbon cost of AI", "Training and running large models: what we know."),
    ("Community-led evaluation", "Evaluation designed by the people being served."),
    ("Abundance mindset in fundraising", ""),
    ("Emergency communications when the network is down", ""),
    ("Community-run marketplaces", "Local alternatives to the big e-commerce platforms."),
    ("Ethical design patterns", ""),
    ("Sharing economy gone wrong", ""),
    ("Community governance of shared spaces", ""),
    ("Tech and loneliness", "Can tech help, or does it make it worse?"),
    ("Food banks and data", "Dignity, stigma and the data food banks collect."),
    ("Documenting our work for others", ""),
    ("Slow fashion and repair culture", ""),
    ("Community management for open projects", ""),
    ("What should we stop building?", ""),
]


@dataclass(frozen=True)
class Pair:
    typed: str  # what someone types while proposing
    existing: str  # a topic already on the marketplace


SAME: list[Pair] = [
    Pair("Who owns community data?", "Data sovereignty for communities"),
    Pair("Mesh networks for neighbourhoods", "Building a community mesh network"),
    Pair("Burnout in volunteer-run projects", "Volunteer burnout: how do we look after each other?"),
    Pair("Open source tools for small nonprofits", "Which open-source software should a small nonprofit use?"),
    Pair("Measuring the carbon footprint of our websites", "How much carbon does a website emit?"),
    Pair("Consent in data collection", "Getting real consent before collecting people's data"),
    Pair("Funding community tech without VC money", "Alternatives to venture capital for community technology"),
    Pair("Accessibility testing on a shoestring", "Cheap ways to test accessibility"),
    Pair("Low-bandwidth design for rural users", "Designing apps that work on slow rural connections"),
    Pair("Codes of conduct that actually work", "Enforcing a code of conduct"),
    Pair("Repairing phones and laptops locally", "Community repair cafés for electronics"),
    Pair("AI and job loss in our communities", "Will AI take our jobs?"),
    Pair("Digital literacy for elders", "Teaching older people digital skills"),
    Pair("Participatory budgeting apps", "Tools for participatory budgeting"),
    Pair("Cooperative ownership of platforms", "Platform co-ops: owning the apps we work through"),
    Pair("Translating software into local languages", "Localisation of apps into indigenous languages"),
    Pair("Surveillance of activists", "Protecting activists from state surveillance"),
    Pair("Solar-powered servers", "Running servers on solar power"),
    Pair("E-waste in the global south", "Where our e-waste ends up: dumping in the global south"),
    Pair("Community broadband cooperatives", "Co-operative broadband for underserved towns"),
    Pair("Facial recognition in public spaces", "Ban facial recognition in our streets?"),
    Pair("Mutual aid coordination tools", "Software for organising mutual aid"),
    Pair("Accountability when tech harms people", "Who is accountable when an algorithm does harm?"),
    Pair("Data cooperatives", "Pooling our data in a cooperative"),
    Pair("Open data from local government", "Getting councils to publish open data"),
    Pair("Privacy for domestic violence survivors", "Tech safety for survivors of domestic abuse"),
    Pair("Offline-first apps", "Building apps that work without internet"),
    Pair("Decolonising tech", "Decolonizing technology design"),
    Pair("Sustainable hardware lifecycles", "Making hardware last longer"),
    Pair("Community radio and podcasts", "Starting a community podcast or radio station"),
    Pair("Algorithmic bias in hiring", "Biased hiring algorithms"),
    Pair("Paying community organisers fairly", "Fair pay for community organizers"),
    Pair("Digital commons governance", "How to govern a digital commons"),
    Pair("Climate data for farmers", "Getting climate and weather data to smallholder farmers"),
    Pair("Mobile money and financial inclusion", "Financial inclusion through mobile payments"),
    Pair("Youth coding clubs", "Running a coding club for young people"),
    Pair("Trust and safety for small forums", "Moderating a small online community"),
    Pair("Green web hosting", "Choosing a green hosting provider"),
    Pair("Indigenous data sovereignty", "Data sovereignty for indigenous peoples"),
    Pair("Community-led AI", "AI built and governed by communities"),
    Pair("Restorative justice in online communities", "Restorative approaches to harm in online spaces"),
    Pair("Right to repair", "The right to repair our devices"),
    Pair("Tech for refugees", "Technology supporting refugees and migrants"),
    Pair("Open hardware for health clinics", "Open-source medical hardware for clinics"),
    Pair("Slow tech", "Slowing down: a slow technology movement"),
]

DIFFERENT: list[Pair] = [
    Pair("Community data trusts", "Community gardening"),
    Pair("Data visualisation for campaigners", "Data protection law basics"),
    Pair("Mesh networks for neighbourhoods", "Neighbourhood watch apps and racial profiling"),
    Pair("Designing for sustainability in AI", "Designing for accessibility"),
    Pair("Community accountability circles", "Community radio and podcasts"),
    Pair("Open source tools for small nonprofits", "Open source licensing explained"),
    Pair("AI and job loss in our communities", "AI art and artists' rights"),
    Pair("Funding community tech without VC money", "Community tech hubs in rural areas"),
    Pair("Tech for humans, not for profit", "Humans in the loop: content moderation work"),
    Pair("Abundance for global majority communities", "Global majority voices in standards bodies"),
    Pair("Digital literacy for elders", "Media literacy and misinformation"),
    Pair("Mobile money and financial inclusion", "Mobile phone repair"),
    Pair("Solar-powered servers", "Self-hosting servers for your group"),
    Pair("Climate data for farmers", "Climate anxiety among organisers"),
    Pair("Data cooperatives", "Housing cooperatives and tech"),
    Pair("Privacy for domestic violence survivors", "Privacy-preserving analytics"),
    Pair("Open data from local government", "Local government procurement of software"),
    Pair("Youth coding clubs", "Youth mental health online"),
    Pair("Green web hosting", "Green jobs in tech"),
    Pair("Algorithmic bias in hiring", "Hiring your first developer"),
    Pair("Surveillance of activists", "Surveillance capitalism explained"),
    Pair("Restorative justice in online communities", "Online harassment of journalists"),
    Pair("Right to repair", "Right to be forgotten"),
    Pair("Tech for refugees", "Tech for seniors"),
    Pair("Community broadband cooperatives", "Community land trusts"),
    Pair("Facial recognition in public spaces", "Public spaces for teenagers"),
    Pair("Decolonising tech", "Decolonising the curriculum"),
    Pair("Sustainable hardware lifecycles", "Sustainable funding for maintainers"),
    Pair("Paying community organisers fairly", "Fair trade electronics"),
    Pair("Digital commons governance", "Governance of foundation models"),
    Pair("Offline-first apps", "Period tracking apps and privacy"),
    Pair("Trust and safety for small forums", "Building trust with local councils"),
    Pair("Community-led AI", "Community-led housing"),
    Pair("Open hardware for health clinics", "Mental health support for volunteers"),
    Pair("Data sovereignty for communities", "Food sovereignty and seed sharing"),
    Pair("Low-bandwidth design for rural users", "Rural women in tech"),
    Pair("Codes of conduct that actually work", "Code review for beginners"),
    Pair("Translating software into local languages", "Local news deserts"),
    Pair("Mutual aid coordination tools", "Mutual aid and the law"),
    Pair("Measuring the carbon footprint of our websites", "Measuring the impact of community programmes"),
    Pair("Accessibility testing on a shoestring", "Running an event on a shoestring"),
    Pair("Who owns community data?", "Who owns the town square?"),
    Pair("Platform co-ops: owning the apps we work through", "Gig workers organising on platforms"),
    Pair("Community data trusts", "Community data dashboards for neighbourhood health"),
    Pair("Data sovereignty for communities", "Community data literacy workshops"),
]


def marketplace() -> list[tuple[str, str]]:
    """The labelled event's topics, (title, description), in a fixed order: the background and every pair's
    existing topic. The typed titles are not proposed yet (their words may be new to the event), unless one is
    also another pair's existing topic."""
    topics = dict(BACKGROUND)
    for pair in (*SAME, *DIFFERENT):
        topics.setdefault(pair.existing, "")
    return list(topics.items())


# The gathering's themes, (name, description), and where some of its topics were filed by their proposers.
THEMES: list[tuple[str, str]] = [
    ("Tech for humans", "Technology measured by wellbeing, care and dignity, not growth."),
    ("Community data, not big data", "Who collects, owns and governs the data about us."),
    ("Abundance for global-majority communities", "Starting from what communities have: money, networks, skills."),
    ("Designing for sustainability", "Hardware, software and services that last and cost the planet less."),
    ("Community accountability", "Holding each other, and the tech that shapes us, to account."),
]
FILED: dict[str, str] = {
    "Tech for humans, not for growth": "Tech for humans",
    "Humane notification design": "Tech for humans",
    "Tech and loneliness": "Tech for humans",
    "Care work and technology": "Tech for humans",
    "Community data, not big data": "Community data, not big data",
    "Data literacy for community organisers": "Community data, not big data",
    "The ethics of scraping public data": "Community data, not big data",
    "Data ethics boards for small organisations": "Community data, not big data",
    "Food banks and data": "Community data, not big data",
    "Abundance for global-majority communities": "Abundance for global-majority communities",
    "Global majority leadership in tech": "Abundance for global-majority communities",
    "Abundance mindset in fundraising": "Abundance for global-majority communities",
    "Community-run marketplaces": "Abundance for global-majority communities",
    "Designing for sustainability": "Designing for sustainability",
    "Circular economy for electronics": "Designing for sustainability",
    "The carbon cost of AI": "Designing for sustainability",
    "Slow fashion and repair culture": "Designing for sustainability",
    "Community accountability in practice": "Community accountability",
    "Community accountability and online harassment": "Community accountability",
    "Tech workers organising": "Community accountability",
}
# Titles typed while proposing, and the theme their proposer would choose.
THEMED: list[tuple[str, str]] = [
    ("Who owns community data?", "Community data, not big data"),
    ("Consent in data collection", "Community data, not big data"),
    ("Data cooperatives", "Community data, not big data"),
    ("Indigenous data sovereignty", "Community data, not big data"),
    ("Open data from local government", "Community data, not big data"),
    ("Measuring the carbon footprint of our websites", "Designing for sustainability"),
    ("Solar-powered servers", "Designing for sustainability"),
    ("Sustainable hardware lifecycles", "Designing for sustainability"),
    ("Right to repair", "Designing for sustainability"),
    ("Green web hosting", "Designing for sustainability"),
    ("Accountability when tech harms people", "Community accountability"),
    ("Codes of conduct that actually work", "Community accountability"),
    ("Restorative justice in online communities", "Community accountability"),
    ("Surveillance of activists", "Community accountability"),
    ("Mobile money and financial inclusion", "Abundance for global-majority communities"),
    ("Funding community tech without VC money", "Abundance for global-majority communities"),
    ("E-waste in the global south", "Abundance for global-majority communities"),
    ("Burnout in volunteer-run projects", "Tech for humans"),
    ("Digital literacy for elders", "Tech for humans"),
    ("Slow tech", "Tech for humans"),
]


@dataclass(frozen=True)
class Measure:
    threshold: float
    precision: float
    recall: float
    true_positives: int
    false_positives: int

    @property
    def f_half(self) -> float:
        """F0.5: precision counts twice as much as recall."""
        p, r = self.precision, self.recall
        return 1.25 * p * r / (0.25 * p + r) if p + r else 0.0


def measure(scores_same: list[float], scores_different: list[float], threshold: float) -> Measure:
    """Precision and recall of "a duplicate when the score reaches the threshold" on the labelled pairs."""
    found = sum(score >= threshold for score in scores_same)
    wrong = sum(score >= threshold for score in scores_different)
    precision = found / (found + wrong) if found + wrong else 1.0
    return Measure(threshold, precision, found / len(scores_same), found, wrong)


THRESHOLDS = [round(0.20 + 0.02 * n, 2) for n in range(26)]  # 0.20 to 0.70


def table(scores_same: list[float], scores_different: list[float]) -> list[Measure]:
    return [measure(scores_same, scores_different, threshold) for threshold in THRESHOLDS]


def best_threshold(measures: list[Measure]) -> Measure:
    """The rule the threshold was picked by: the best F0.5, precision weighing twice as much as recall. A hint
    that is often wrong teaches people to ignore it, and the facilitator's list of duplicates is a second net."""
    return max(measures, key=lambda m: (round(m.f_half, 6), -m.threshold))
