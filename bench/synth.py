"""Deterministic synthetic Story Portals for benchmarks.

    python3 bench/synth.py OUT_DIR --stories N [--seed S] [--images K] [--plain]

writes, for the same ``--seed``, byte-identical output every time:

- ``OUT_DIR/mkdocs.yml``      the demo's theme and taxonomy, ``custom_dir`` pointing at
                              this repository's ``theme/`` (absolute), and a fixed
                              ``build_date`` (:data:`BUILD_DATE`) so results never depend
                              on the day the benchmark runs;
- ``OUT_DIR/docs/index.md``   one page;
- ``OUT_DIR/assets/``         empty (companies have no logo, advocates no photo);
- ``OUT_DIR/advocates.yaml``  about N/5 companies and N/4 advocates with consent,
                              reference_calls and private blocks. Most consents hold on
                              the build date; a few percent are expired, revoked or miss
                              a scope, so some stories are withheld;
- ``OUT_DIR/stories/``        N stories: about half case studies (Challenge / Solution /
                              Results, bodies of 2-4 KB), 30% testimonials (with quote),
                              20% videos (YouTube URLs, often with a transcript body);
                              ~2% drafts, ~2% scheduled. With ``--images K``, K of them are
                              ``<slug>/index.md`` folders with a small ``hero.jpg``.

With ``--plain`` it writes instead a plain MkDocs + Material site holding the same
Markdown bodies (front matter stripped) as ``docs/stories/<slug>.md``, kept out of the
navigation, to compare ``mkdocs build`` with and without the storyportal plugin.

Importable: :func:`make_portal`, :func:`make_plain_site`, :func:`generate`.
The synthetic data should produce no validation *errors*, only consent warnings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import re
import shutil
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
DEMO_CONFIG = REPO / "mkdocs.yml"
BUILD_DATE = dt.date(2026, 11, 24)
ALL_SCOPES = ["name", "quote", "logo", "case-study", "testimonial", "video", "reference-call"]
OUR = "Lumen"

# --------------------------------------------------------------------------- taxonomy


def demo_config() -> dict:
    with open(DEMO_CONFIG, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def demo_plugin(config: dict) -> dict:
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "storyportal" in entry:
            return entry["storyportal"]
    raise SystemExit(f"{DEMO_CONFIG} has no storyportal plugin block")


# --------------------------------------------------------------------------- word pools

FIRST = ["Aisha", "Alejandro", "Amara", "Ana", "Anders", "Beatriz", "Bilal", "Camille", "Carlos", "Chen", "Chiara", "Daniel", "Dmitri", "Elena", "Emeka", "Emma", "Farah", "Felix", "Fatima", "Gabriel", "Greta", "Hana", "Hugo", "Ingrid", "Isabel", "Ivan", "Jamal", "Jana", "Javier", "Jin", "Jonas", "Julia", "Kai", "Karin", "Kenji", "Lars", "Leila", "Lena", "Liam", "Lucia", "Malik", "Marta", "Mateo", "Maya", "Mei", "Miguel", "Nadia", "Nikos", "Noor", "Olga", "Omar", "Paula", "Pedro", "Priya", "Rafael", "Rania", "Rosa", "Samir", "Sara", "Sofia", "Tariq", "Tomas", "Uma", "Valeria", "Wei", "Yara", "Yusuf", "Zoe"]
LAST = ["Abara", "Alvarez", "Andersen", "Bauer", "Becker", "Bianchi", "Brennan", "Castro", "Chandra", "Costa", "Dahl", "Diallo", "Dubois", "Eriksen", "Farouk", "Fischer", "Fonseca", "Garcia", "Haddad", "Hansen", "Herrera", "Ito", "Jansen", "Kapoor", "Keller", "Kim", "Kowalski", "Larsen", "Laurent", "Lindgren", "Lopez", "Mahmoud", "Marino", "Meyer", "Moreau", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Park", "Petrov", "Quispe", "Rahman", "Reyes", "Rossi", "Sato", "Schmidt", "Silva", "Singh", "Sousa", "Tanaka", "Torres", "Vargas", "Varga", "Vogel", "Wagner", "Walsh", "Yilmaz", "Zhang"]
TITLES = ["VP Customer Experience", "Director of CRM", "Head of Digital", "Chief Digital Officer",
          "Head of Customer Operations", "Marketing Operations Lead", "Head of Service", "CRM Manager",
          "Director of Member Engagement", "Head of Data", "VP Growth", "Customer Success Director",
          "Head of E-commerce", "Chief Operating Officer", "Director of Patient Experience",
          "Head of Retention", "Digital Services Manager", "Head of Analytics", "VP Marketing",
          "Co-founder and CEO"]
OWNERS = ["sam.ortiz", "lena.hoffmann", "jordan.blake", "aiko.sato", "diego.castro", "maya.patel", "tom.reed"]

PREFIX = ["Harbor", "Northwind", "Kestrel", "Brightline", "Tidewater", "Velo", "Quill", "Orbital", "Marlow", "Andina", "Medora", "Campus", "Maison", "Alder", "Birch", "Cedar", "Copper", "Crescent", "Delta", "Ember", "Fjord", "Granite", "Hazel", "Iris", "Juniper", "Lark", "Maple", "Meridian", "North", "Oak", "Onyx", "Pine", "Prairie", "Quartz", "Raven", "Ridge", "River", "Saffron", "Silver", "Sparrow", "Summit", "Thistle", "Tundra", "Umber", "Vale", "Willow", "Zephyr", "Aurora", "Beacon", "Cobalt", "Dune", "Evergreen", "Falcon", "Garnet", "Heron", "Indigo", "Jade", "Kite", "Lumen", "Mosaic", "Nimbus", "Opal"]
MIDDLE = ["Bay", "Bridge", "Brook", "Crest", "Field", "Gate", "Glen", "Grove", "Hill", "Lake", "Mill", "Park", "Point", "Rock", "Stone", "Wood", "Valley", "Coast", "Harbor", "Line", "Peak", "Sky", "Star", "Sun", "Wave", "Wind", "Bloom", "Leaf", "Spring"]
SUFFIX = {
    "retail": ["Goods", "Stores", "Outfitters", "Market", "Home"],
    "healthcare": ["Health", "Clinics", "Care", "Medical", "Hospitals"],
    "financial-services": ["Bank", "Mutual", "Capital", "Insurance", "Credit Union"],
    "manufacturing": ["Works", "Industries", "Machines", "Components", "Werke"],
    "education": ["Learning", "University", "Academy", "Schools", "College"],
    "logistics": ["Freight", "Logistics", "Shipping", "Express", "Transport"],
    "software": ["Labs", "Software", "Systems", "Cloud", "Technologies"],
    "public-sector": ["City Council", "County", "Agency", "Municipality", "Services"],
}
PRODUCT_NAME = {"analytics": "Lumen Analytics", "journeys": "Lumen Journeys", "messaging": "Lumen Messaging",
                "data-platform": "the Lumen data platform", "ai-assistant": "the Lumen AI assistant"}
USE_CASE_TOPIC = {
    "onboarding": ["onboarding", "welcome-journey", "activation", "first-week"],
    "retention": ["retention", "churn", "loyalty", "renewals"],
    "support-automation": ["support-automation", "service-desk", "self-service", "assistant"],
    "personalization": ["personalization", "one-customer-view", "next-best-action", "recommendations"],
    "reporting": ["reporting", "dashboards", "single-source-of-truth", "insights"],
    "compliance": ["compliance", "audit-trail", "consent-management", "data-residency"],
}
USE_CASE_WORDS = {"onboarding": "onboarding", "retention": "retention", "support-automation": "support automation",
                  "personalization": "personalization", "reporting": "reporting", "compliance": "compliance"}
TAGS = ["loyalty", "omnichannel", "point-of-sale", "mobile-app", "whatsapp", "sms", "email", "push-notifications", "self-service", "contact-center", "chatbot", "gdpr", "hipaa", "open-banking", "insurance", "b2b", "saas", "startup", "enterprise", "migration", "integration", "real-time", "segmentation", "ab-testing", "dashboards", "data-quality", "consent", "multilingual", "field-service", "e-commerce", "subscriptions", "students", "patients", "members", "citizens", "drivers", "dealers", "franchise", "cross-border", "scale-up", "executive-interview", "responsible-ai"]
METRICS = [("{p}%", "faster {uc}"), ("+{p}%", "repeat purchases within 30 days"), ("{p}%", "fewer support tickets"),
           ("{x}x", "more engaged members"), ("{d} days", "to launch a new journey"), ("-{p}%", "cost per contact"),
           ("{p}%", "of questions answered without an agent"), ("+{n} pts", "NPS"), ("{k}k", "hours saved a year"),
           ("{a} to 1", "tools consolidated"), ("{p}%", "open rate"), ("${m}M", "new annual revenue")]

OPENINGS = [
    "{company} serves about {n}k customers a month across {channels} channels.",
    "Until {year}, every team at {company} ran its own {ucw} programme with its own tools.",
    "{company} grew quickly, and its {ucw} processes did not keep up.",
    "Customers of {company} told the {dept} team the same thing in every survey: too many messages, too little help.",
    "When {advocate} joined {company} as {title}, the first thing she asked for was one view of the customer.",
    "{company} had data in {k} systems and nobody could say which message actually changed a customer's behaviour.",
]
PROBLEMS = [
    "Campaigns were planned in spreadsheets and sent from {k} different tools.",
    "Only {p}% of new customers completed the first step within a week.",
    "Agents spent a third of their time answering questions a status page could have answered.",
    "Reports arrived at the end of the month, long after anyone could act on them.",
    "Each region wrote its own templates, so the brand spoke with {k} different voices.",
    "Consent records lived in a separate system that marketing could not query.",
    "The {dept} team could not tell which customers were at risk until they had already left.",
    "A new journey took {d} weeks to launch because every change went through IT.",
]
SOLUTIONS = [
    "The {dept} team moved all {ucw} traffic into a single {product} programme.",
    "{advocate_first}'s team connected point-of-sale, web and app events to {product2} in {d} weeks.",
    "Instead of a big-bang migration, {company} moved one region at a time, starting with the smallest.",
    "A shared frequency cap now applies to every team, and {product} reports results by journey branch each morning.",
    "Agents kept their tools, but the first answer now comes from {product2}, with a hand-over when it is unsure.",
    "Templates were rebuilt once, with translations managed in one place for all {k} languages.",
    "Every decision the system makes is logged with the data it used, which satisfied the risk committee.",
    "The team started with three journeys and added one a fortnight, measuring each against a holdout group.",
]
RESULTS = [
    "Time to first value fell from {d} days to {d2}.",
    "The share of customers active after 30 days rose from {p}% to {p2}%.",
    "Support contacts per thousand customers dropped by {p3}%.",
    "Unsubscribes in the first month halved, from {f}% to {f2}%.",
    "The {dept} team now launches a journey in days instead of weeks.",
    "Regional managers read the same dashboard every morning, and argue less about numbers.",
    "Customer satisfaction rose {n} points in the first two quarters.",
    "The programme paid for itself within {m} months.",
]
FILLER = [
    "The project had an executive sponsor from the start, which made the hard conversations easier.",
    "Not everything worked the first time: the first version of the journey sent too many reminders.",
    "The team reviewed the results every two weeks and removed anything that did not move a number.",
    "Legal and compliance were involved from the first workshop, not the last.",
    "Training took less time than expected, because most of the work was removing steps rather than adding them.",
    "Store staff were the first to notice the difference; they stopped getting questions about duplicate messages.",
    "The data team wrote down what each metric means, so that finance and marketing read it the same way.",
    "A small group of pilot customers gave feedback on every message before it went to everyone.",
    "The old tools were switched off one by one, each only after its replacement had run in parallel for a month.",
    "Today the same approach is used for {ucw2}, with the same team and the same reporting.",
]
QUOTES = [
    "We stopped guessing which customers needed help. Now the data tells us, and we act the same day.",
    "{our} gave us one place to run every conversation with our customers, instead of five tools and a spreadsheet.",
    "The biggest change was not the technology. It was that every team finally looked at the same numbers.",
    "We launched in weeks what we had been planning for two years.",
    "Our agents now spend their time on the conversations that need a person.",
    "Compliance used to be the reason we said no. With a full audit trail it is the reason we can say yes.",
    "We are a small team. {our} lets us run the kind of programme I used to see only at much larger companies.",
    "Customers notice when you remember what they told you. That is what {our} made possible for us.",
]
QUESTIONS = [
    "Why did you start with {ucw}?", "What did the situation look like before?", "How long did the rollout take?",
    "What surprised you most?", "How did you get the risk and compliance teams on board?",
    "What are the numbers after six months?", "What would you do differently?", "What comes next?",
    "How did your teams react?", "What advice would you give a company in the same position?",
]

# --------------------------------------------------------------------------- model


@dataclass
class Company:
    id: str
    name: str
    industry: str
    size: str
    region: str


@dataclass
class Advocate:
    id: str
    name: str
    title: str
    company: Company
    scopes: list[str]
    granted: dt.date
    expires: dt.date | None
    revoked: bool
    calls: dict
    private: dict
    note: str = ""  # why this consent is special (written as a YAML comment)


@dataclass
class SynthStory:
    slug: str
    folder: bool  # stories/<slug>/index.md with hero.jpg
    front: str  # the YAML text between the fences
    body: str

    @property
    def text(self) -> str:
        return f"---\n{self.front}---\n\n{self.body}"

    @property
    def relpath(self) -> str:
        return f"stories/{self.slug}/index.md" if self.folder else f"stories/{self.slug}.md"


@dataclass
class SynthPortal:
    config: dict  # the mkdocs.yml data
    companies: list[Company]
    advocates: list[Advocate]
    stories: list[SynthStory] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers

_NEEDS_QUOTES = re.compile(r"""[:#&*!|>'"%@`\[\]{},?]|^[-\s]|\s$|^(true|false|yes|no|on|off|null|~|y|n)$""", re.I)


def q(text: str) -> str:
    """A YAML scalar for ``text``: plain when safe, else double-quoted (JSON is valid YAML)."""
    if not text or _NEEDS_QUOTES.search(text) or re.fullmatch(r"[-+.0-9eE:_]+", text):
        return json.dumps(text, ensure_ascii=False)
    return text


def flow(items) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def unique(base: str, taken: set) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def wrap(text: str) -> str:
    return textwrap.fill(text, width=88, break_on_hyphens=False, break_long_words=False)


class Filler:
    """Fills sentence templates with story-specific words."""

    def __init__(self, rng: random.Random, ctx: dict):
        self.rng, self.ctx = rng, ctx

    def __call__(self, template: str) -> str:
        r = self.rng
        values = dict(self.ctx)
        values.update(n=r.randint(5, 95), k=r.randint(3, 9), d=r.randint(6, 21), d2=r.randint(2, 5),
                      p=r.randint(12, 45), p2=r.randint(46, 80), p3=r.randint(10, 60), f=f"{r.uniform(3, 6):.1f}",
                      f2=f"{r.uniform(1, 2.9):.1f}", m=r.randint(4, 14), year=r.randint(2019, 2024),
                      channels=r.choice(["three", "four", "five", "six"]))
        return template.format(**values)

    def paragraph(self, first: list[str], more: list[str], sentences: int) -> str:
        parts = [self(self.rng.choice(first))]
        parts += [self(s) for s in self.rng.sample(more, min(sentences - 1, len(more)))]
        return wrap(" ".join(parts))


# --------------------------------------------------------------------------- generation


def _companies(rng: random.Random, count: int, taxonomy: dict) -> list[Company]:
    industries, sizes, regions = (list(taxonomy[f]) for f in ("industry", "company_size", "region"))
    taken_ids, companies = set(), []
    for _ in range(count):
        industry = rng.choice(industries)
        for _attempt in range(20):
            words = [rng.choice(PREFIX)] + ([rng.choice(MIDDLE)] if rng.random() < 0.5 else [])
            name = f"{''.join(words) if len(words) == 2 and rng.random() < 0.5 else ' '.join(words)} " \
                   f"{rng.choice(SUFFIX.get(industry, ['Group']))}"
            if slugify(name) not in taken_ids:
                break
        ident = unique(slugify(name), taken_ids)
        companies.append(Company(ident, name, industry, rng.choice(sizes), rng.choice(regions)))
    return companies


def _consent(rng: random.Random) -> tuple[list[str], dt.date, dt.date | None, bool, str]:
    granted = rand_date(rng, dt.date(2023, 6, 1), dt.date(2026, 6, 30))
    expires = None if rng.random() < 0.35 else granted + dt.timedelta(days=365 * rng.choice([2, 3]))
    if expires is not None and expires <= BUILD_DATE:
        expires = BUILD_DATE + dt.timedelta(days=rng.randint(30, 900))
    scopes, revoked, note = list(ALL_SCOPES), False, ""
    roll = rng.random()
    if roll < 0.02:
        expires = rand_date(rng, dt.date(2026, 1, 1), BUILD_DATE - dt.timedelta(days=1))
        granted = expires - dt.timedelta(days=365)
        note = "EXPIRED: renewal pending"
    elif roll < 0.03:
        revoked, note = True, "REVOKED by e-mail"
    elif roll < 0.045:
        scopes.remove("video")
        note = "no on-camera work"
    elif roll < 0.055:
        scopes.remove("quote")
        note = "may not be quoted"
    elif roll < 0.075:
        scopes.remove("name")
        note = "may be quoted, not named"
    elif roll < 0.09:
        scopes.remove("logo")
        note = "no logo in vendor material"
    return scopes, granted, expires, revoked, note


def _advocates(rng: random.Random, count: int, companies: list[Company]) -> list[Advocate]:
    taken, advocates = set(), []
    for index in range(count):
        company = companies[index] if index < len(companies) else rng.choice(companies)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        ident = unique(slugify(f"{first}-{last}"), taken)
        scopes, granted, expires, revoked, note = _consent(rng)
        quota = rng.choice([0, 1, 1, 2, 2, 3])
        log = sorted({rand_date(rng, dt.date(2026, 1, 1), BUILD_DATE - dt.timedelta(days=1))
                      for _ in range(rng.randint(0, 5))})
        calls = {"available": quota > 0 and not revoked, "max_per_quarter": quota, "log": log,
                 "owner": f"{rng.choice(OWNERS)}@lumencloud.example"}
        private = {"email": f"{first.lower()}.{last.lower()}@{company.id}.example",
                   "phone": f"+1 {rng.randint(200, 989)} 555 01{rng.randint(0, 99):02d}",
                   "nps": rng.randint(6, 10),
                   "notes": rng.choice(["Prefers e-mail.", "Happy to talk to prospects in the same industry.",
                                        "No calls in the last two weeks of December.",
                                        "Wants the agenda two days ahead.", "Short calls only (20 min)."])}
        advocates.append(Advocate(ident, f"{first} {last}", rng.choice(TITLES), company, scopes, granted,
                                  expires, revoked, calls, private, note))
    return advocates


def _metrics(fill: Filler, rng: random.Random, ucw: str) -> list[tuple[str, str]]:
    chosen = rng.sample(METRICS, rng.randint(0, 4))
    out = []
    for value, label in chosen:
        value = value.format(p=rng.randint(8, 70), x=rng.randint(2, 6), d=rng.randint(2, 20), n=rng.randint(5, 30),
                             k=rng.randint(2, 40), a=rng.randint(3, 9), m=f"{rng.uniform(0.5, 9):.1f}")
        out.append((value, label.format(uc=ucw)))
    return out


def _sections(lang: str, sections: dict) -> list[str]:
    return list(sections.get(lang) or sections.get("en"))


def _case_study_body(fill: Filler, rng: random.Random, headings: list[str], ctx: dict) -> str:
    target = rng.randint(2100, 3900)
    parts = {h: [] for h in headings}
    challenge, solution, results = headings
    parts[challenge].append(fill.paragraph(OPENINGS, PROBLEMS, rng.randint(2, 3)))
    parts[challenge].append("\n".join(f"- {fill(p)}" for p in rng.sample(PROBLEMS, rng.randint(2, 4))))
    parts[solution].append(fill.paragraph(SOLUTIONS, FILLER, rng.randint(3, 4)))
    if rng.random() < 0.15:
        parts[solution].append(f"| Phase | Weeks | Scope |\n| --- | --- | --- |\n"
                               f"| Pilot | {rng.randint(2, 6)} | one region |\n"
                               f"| Rollout | {rng.randint(6, 16)} | all regions |\n"
                               f"| Optimise | ongoing | every journey |")
    parts[results].append("\n".join(f"- {fill(r)}" for r in rng.sample(RESULTS, rng.randint(3, 4))))
    closing = f"\"{fill(rng.choice(QUOTES))}\" says {ctx['advocate']}, {ctx['title']}."
    parts[results].append(wrap(closing))

    def render() -> str:
        return "\n\n".join(f"## {h}\n\n" + "\n\n".join(parts[h]) for h in headings) + "\n"

    body = render()
    pools = [(challenge, PROBLEMS), (solution, SOLUTIONS), (solution, FILLER), (results, FILLER)]
    while len(body.encode("utf-8")) < target:
        heading, pool = rng.choice(pools)
        paragraph = fill.paragraph(pool, FILLER, rng.randint(2, 4))
        if rng.random() < 0.2:
            paragraph += f" See the [{ctx['product']} documentation](https://docs.lumencloud.example/" \
                         f"{slugify(ctx['product'])}/) for details."
            paragraph = wrap(paragraph)
        parts[heading].insert(-1 if heading == results else len(parts[heading]), paragraph)
        body = render()
    return body


def _testimonial_body(fill: Filler, rng: random.Random, ctx: dict) -> str:
    paragraphs = [wrap(f"{ctx['advocate']} is {ctx['title']} at {ctx['company']}. The company has used "
                       f"{ctx['product']} for its {ctx['ucw']} work since {rng.randint(2019, 2025)}.")]
    for _ in range(rng.randint(0, 2)):
        paragraphs.append(fill.paragraph(SOLUTIONS + RESULTS, FILLER, rng.randint(2, 3)))
    return "\n\n".join(paragraphs) + "\n"


def _video_body(fill: Filler, rng: random.Random, ctx: dict, transcript: bool) -> str:
    if not transcript:
        return wrap(f"{ctx['advocate']}, {ctx['title']} at {ctx['company']}, explains how the team uses "
                    f"{ctx['product']} for {ctx['ucw']}. " + fill(rng.choice(RESULTS))) + "\n"
    lines = []
    for question in rng.sample(QUESTIONS, rng.randint(4, 7)):
        lines.append(wrap(f"**Interviewer:** {fill(question)}"))
        answer = " ".join(fill(s) for s in rng.sample(PROBLEMS + SOLUTIONS + RESULTS + FILLER, rng.randint(2, 4)))
        lines.append(wrap(f"**{ctx['advocate']}:** {answer}"))
    return "\n\n".join(lines) + "\n"


def _youtube_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    return "".join(rng.choice(alphabet) for _ in range(11))


def _story(rng: random.Random, index: int, advocates: list[Advocate], by_company: dict, taxonomy: dict,
           sections: dict, taken: set) -> SynthStory:
    primary = rng.choice(advocates)
    company = primary.company
    team = [primary]
    colleagues = [a for a in by_company[company.id] if a is not primary]
    if colleagues and rng.random() < 0.3:
        team.append(rng.choice(colleagues))
    roll = rng.random()
    kind = "case-study" if roll < 0.5 else "testimonial" if roll < 0.8 else "video"
    products = rng.sample(list(taxonomy["products"]), rng.randint(1, 3))
    use_cases = rng.sample(list(taxonomy["use_cases"]), rng.randint(1, 2))
    topic = rng.choice(USE_CASE_TOPIC.get(use_cases[0], ["story"]))
    slug = unique(f"{company.id}-{topic}" + ("-video" if kind == "video" else ""), taken)
    lang = "de" if rng.random() < 0.04 else "fr" if rng.random() < 0.03 else None
    ucw = USE_CASE_WORDS.get(use_cases[0], use_cases[0])
    # A writer names an advocate only with the name scope (story-name-unconsented): else "our champion".
    named = "name" in primary.scopes
    ctx = {"company": company.name, "advocate": primary.name if named else "our champion",
           "advocate_first": primary.name.split()[0] if named else "Our champion",
           "title": primary.title, "product": PRODUCT_NAME.get(products[0], products[0]),
           "product2": PRODUCT_NAME.get(products[-1], products[-1]), "ucw": ucw,
           "ucw2": USE_CASE_WORDS.get(use_cases[-1], use_cases[-1]), "dept": rng.choice(["CRM", "service", "digital", "marketing", "data"]),
           "our": OUR}
    fill = Filler(rng, ctx)

    if rng.random() < 0.02:
        published = rand_date(rng, BUILD_DATE + dt.timedelta(days=1), BUILD_DATE + dt.timedelta(days=90))
    else:
        published = rand_date(rng, dt.date(2022, 1, 1), BUILD_DATE - dt.timedelta(days=3))
    verb = rng.choice(["cut", "halved", "doubled", "rebuilt", "automated", "unified", "scaled", "simplified"])
    if kind == "video":
        title = f"Video: {company.name} on {ucw} with {ctx['product']}"
    elif kind == "testimonial":
        title = f"{company.name}: {rng.choice(['why we chose', 'a year with', 'growing with', 'what changed with'])} {OUR}"
    else:
        title = f"How {company.name} {verb} {ucw} with {ctx['product']}"
    summary = fill(rng.choice([
        "{company} moved its {ucw} programme to " + ctx["product"] + " and saw results within a quarter.",
        "How the {dept} team at {company} replaced {k} tools with one programme.",
        "{advocate}, {title}, on what changed for {company}'s customers.",
        "{company} cut the time to launch a journey from {d} weeks to {d2}.",
    ]))

    lines = [f"title: {q(title)}", f"type: {kind}", f"advocates: {flow(a.id for a in team)}",
             f"summary: {q(summary)}", f"published: {published.isoformat()}"]
    if rng.random() < 0.25 and published < BUILD_DATE - dt.timedelta(days=30):
        updated = rand_date(rng, published + dt.timedelta(days=7), min(BUILD_DATE, published + dt.timedelta(days=400)))
        lines.append(f"updated: {updated.isoformat()}")
    if rng.random() < 0.08:
        lines.append(f"industry: {rng.choice(list(taxonomy['industry']))}")
    if rng.random() < 0.05:
        lines.append(f"region: {rng.choice(list(taxonomy['region']))}")
    if rng.random() < 0.03:
        lines.append(f"company_size: {rng.choice(list(taxonomy['company_size']))}")
    lines.append(f"products: {flow(products)}")
    lines.append(f"use_cases: {flow(use_cases)}")
    tags = rng.sample(TAGS, rng.randint(0, 5))
    if tags:
        lines.append(f"tags: {flow(tags)}")
    metrics = _metrics(fill, rng, ucw)
    if metrics:
        lines.append("metrics:")
        for value, label in metrics:
            lines += [f"  - value: {json.dumps(value)}", f"    label: {q(label)}"]
    if kind == "testimonial" or (kind == "case-study" and rng.random() < 0.5) or (kind == "video" and rng.random() < 0.4):
        lines.append("quote: >-")
        lines += ["  " + line for line in textwrap.wrap(fill(rng.choice(QUOTES)), width=76)]
    transcript = rng.random() < 0.6
    if kind == "video":
        lines += ["video:", f"  url: https://www.youtube.com/watch?v={_youtube_id(rng)}",
                  f"  duration: \"{rng.randint(1, 14)}:{rng.randint(0, 59):02d}\""]
        if transcript:
            lines.append("  transcript: true")
    if lang:
        lines.append(f"lang: {lang}")
    if rng.random() < 0.05:
        lines.append("featured: true")
    if rng.random() < 0.02:
        lines.append("draft: true")
    if rng.random() < 0.08:
        lines.append(f"aliases: [/stories/{slug}-{published.year}/]")

    if kind == "case-study":
        body = _case_study_body(fill, rng, _sections(lang or "en", sections), ctx)
    elif kind == "testimonial":
        body = _testimonial_body(fill, rng, ctx)
    else:
        body = _video_body(fill, rng, ctx, transcript)
    return SynthStory(slug, False, "\n".join(lines) + "\n", body)


def generate(stories: int, seed: int = 1, images: int = 0, companies: int | None = None,
             advocates: int | None = None) -> SynthPortal:
    """The whole synthetic portal in memory; a pure function of its arguments.

    ``companies`` and ``advocates`` default to about N/5 and N/4 (bench/realistic.py asks for
    the shape of real programs: N/3 companies with one or two advocates each).
    """
    config = demo_config()
    plugin = demo_plugin(config)
    taxonomy, sections = plugin["taxonomy"], plugin.get("case_study_sections") or {"en": ["Challenge", "Solution", "Results"]}
    if isinstance(sections, list):
        sections = {"en": sections}
    rng = random.Random(f"storyportal-synth:{seed}")
    companies = _companies(rng, companies or max(1, round(stories / 5)), taxonomy)
    advocates = _advocates(rng, max(len(companies), advocates or round(stories / 4)), companies)
    by_company: dict[str, list[Advocate]] = {}
    for advocate in advocates:
        by_company.setdefault(advocate.company.id, []).append(advocate)
    taken: set = set()
    portal = SynthPortal(config, companies, advocates)
    portal.stories = [_story(rng, i, advocates, by_company, taxonomy, sections, taken) for i in range(stories)]
    # Which stories become folders with a hero image: its own RNG, so --images never changes the text.
    chooser = random.Random(f"storyportal-synth-images:{seed}")
    for index in sorted(chooser.sample(range(stories), min(images, stories))):
        story = portal.stories[index]
        story.folder = True
        story.front += "image: hero.jpg\n"
    return portal


# --------------------------------------------------------------------------- writing


def _registry_yaml(portal: SynthPortal) -> str:
    out = ["# Synthetic advocate registry (bench/synth.py). Every name is invented; domains are .example.",
           f"# Judged on {BUILD_DATE.isoformat()}.", "", "companies:"]
    for c in portal.companies:
        out += [f"  {c.id}:", f"    name: {q(c.name)}", f"    industry: {c.industry}", f"    size: {c.size}",
                f"    region: {c.region}", f"    website: https://{c.id}.example", ""]
    out.append("advocates:")
    for a in portal.advocates:
        out += [f"  {a.id}:", f"    name: {q(a.name)}", f"    title: {q(a.title)}", f"    company: {a.company.id}",
                "    consent:"]
        if a.note:
            out.append(f"      # {a.note}")
        out += [f"      scopes: {flow(a.scopes)}", f"      granted: {a.granted.isoformat()}"]
        if a.expires:
            out.append(f"      expires: {a.expires.isoformat()}")
        out.append(f"      revoked: {'true' if a.revoked else 'false'}")
        c = a.calls
        out += ["    reference_calls:", f"      available: {'true' if c['available'] else 'false'}",
                f"      max_per_quarter: {c['max_per_quarter']}",
                f"      log: [{', '.join(d.isoformat() for d in c['log'])}]", f"      owner: {c['owner']}"]
        p = a.private
        out += ["    private:", f"      email: {p['email']}", f"      phone: {json.dumps(p['phone'])}",
                f"      nps: {p['nps']}", f"      notes: {q(p['notes'])}", ""]
    return "\n".join(out)


def _portal_config(portal: SynthPortal, stories: int) -> dict:
    demo = portal.config
    theme = dict(demo.get("theme") or {"name": "material"})
    theme["custom_dir"] = str(REPO / "theme")
    plugin = dict(demo_plugin(demo))
    plugin["build_date"] = BUILD_DATE
    plugin.pop("languages", None)  # one site, whatever the demo's languages (bench/bench_languages.py adds them)
    plugins = [{"storyportal": plugin} if isinstance(e, dict) and "storyportal" in e else e
               for e in demo.get("plugins") or []]
    config = {"site_name": f"Synthetic customer stories ({stories})", "site_url": "https://stories.synth.example/",
              "docs_dir": "docs", "theme": theme, "plugins": plugins,
              "watch": ["stories", "advocates.yaml"]}
    if "markdown_extensions" in demo:
        config["markdown_extensions"] = demo["markdown_extensions"]
    return config


def _hero_jpeg() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (480, 270), (40, 60, 140))
    draw = ImageDraw.Draw(img)
    for x in range(0, 480, 4):
        draw.rectangle([x, 0, x + 3, 270], fill=(40 + x // 4, 60 + x // 8, 140))
    draw.ellipse([300, 40, 440, 180], fill=(240, 180, 60))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def _fresh_dir(out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    if out_dir.exists():
        for name in ("stories", "docs", "assets", "mkdocs.yml", "advocates.yaml", "site"):
            target = out_dir / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir


def _dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def make_portal(out_dir: Path, stories: int, seed: int = 1, images: int = 0) -> Path:
    """Write a synthetic portal to ``out_dir`` and return the path of its mkdocs.yml."""
    portal = generate(stories, seed, images)
    out_dir = _fresh_dir(out_dir)
    (out_dir / "docs").mkdir()
    (out_dir / "docs" / "index.md").write_text(
        f"# Synthetic customer stories\n\n{stories} generated stories (seed {seed}).\n", encoding="utf-8")
    (out_dir / "assets").mkdir()
    (out_dir / "stories").mkdir()
    (out_dir / "advocates.yaml").write_text(_registry_yaml(portal), encoding="utf-8")
    hero = _hero_jpeg() if images else b""
    for story in portal.stories:
        path = out_dir / story.relpath
        if story.folder:
            path.parent.mkdir()
            (path.parent / "hero.jpg").write_bytes(hero)
        path.write_text(story.text, encoding="utf-8")
    config_file = out_dir / "mkdocs.yml"
    config_file.write_text("# Generated by bench/synth.py; do not edit.\n" + _dump_yaml(_portal_config(portal, stories)),
                           encoding="utf-8")
    return config_file


def make_plain_site(out_dir: Path, stories: int, seed: int = 1, images: int = 0) -> Path:
    """Write a plain MkDocs + Material site with the same Markdown bodies; return its mkdocs.yml."""
    portal = generate(stories, seed, images)
    out_dir = _fresh_dir(out_dir)
    docs = out_dir / "docs"
    (docs / "stories").mkdir(parents=True)
    (docs / "index.md").write_text(f"# Plain site\n\nThe same {stories} story bodies, without the storyportal plugin.\n",
                                   encoding="utf-8")
    for story in portal.stories:
        (docs / "stories" / f"{story.slug}.md").write_text(story.body, encoding="utf-8")
    return write_plain_config(out_dir, portal.config, stories, "bench/synth.py --plain")


def write_plain_config(out_dir: Path, demo: dict, stories: int, maker: str, search: bool = True) -> Path:
    """The plain site's mkdocs.yml: Material (with its own search unless ``search`` is false), the demo's theme
    settings, no plugin."""
    demo_theme = demo.get("theme") or {}
    theme = {"name": "material", "font": False}
    theme.update({key: demo_theme[key] for key in ("language", "features", "palette") if key in demo_theme})
    config = {"site_name": f"Plain site ({stories} pages)", "site_url": "https://plain.synth.example/",
              "docs_dir": "docs", "theme": theme, "plugins": ["search"] if search else [], "nav": ["index.md"],
              "not_in_nav": "/stories/"}
    if "markdown_extensions" in demo:
        config["markdown_extensions"] = demo["markdown_extensions"]
    config_file = out_dir / "mkdocs.yml"
    config_file.write_text(f"# Generated by {maker}; do not edit.\n" + _dump_yaml(config), encoding="utf-8")
    return config_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--stories", type=int, required=True, help="how many stories")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--images", type=int, default=0, help="how many stories get a folder with hero.jpg")
    parser.add_argument("--plain", action="store_true", help="write the plain MkDocs comparison site instead")
    args = parser.parse_args(argv)
    if args.stories < 1 or args.images < 0:
        parser.error("--stories must be >= 1 and --images >= 0")
    make = make_plain_site if args.plain else make_portal
    config_file = make(args.out_dir, args.stories, args.seed, args.images)
    print(config_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
