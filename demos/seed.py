"""Demos for the demo portfolio (`seed_demo`): realistic model outputs, share links, feedback.

Each demo's outputs are generated in memory (a fixed random seed, so every run writes the same
rows) and go through the real upload path: save_upload stores the file and the job is processed
in this process, whether or not a broker is configured. A demo whose title exists in its project
is left alone, so seeding again adds nothing.
"""

import csv
import datetime
import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from lifecycle.models import Project

from . import services
from .models import Dataset, Demo, JobStatus, ScaleKind, ShareLink
from .scales import band_index, bands_from_json
from .services.live import dataset_mark_live
from .services.processing import Columns, upload_process
from .services.uploads import save_upload

Rows = list[dict]


@dataclass(frozen=True)
class Version:
    name: str
    days_ago: int
    rows: Callable[[], Rows]


@dataclass(frozen=True)
class DemoSpec:
    project: str  # slug
    by: str  # username of the team member who makes it
    title: str
    intro: str
    kind: str
    versions: list[Version]
    display: list[str]
    classes: list[str] = field(default_factory=list)
    file_format: str = "csv"  # or "jsonl"
    bands: list[dict] | None = None  # a tuned scale, saved after the first upload
    links: list[tuple[str, int]] = field(default_factory=list)  # (viewer name, views)
    reviewers: list[str] = field(default_factory=list)  # signed-in stakeholders (usernames)
    judged: int = 40  # examples judged per link or reviewer
    comments: dict[str, list[str]] = field(default_factory=dict)  # per verdict
    agree_by_band: list[float] = field(default_factory=lambda: [0.85, 0.55, 0.8])
    # Last week's production traffic, scored by the newest version and marked as its live
    # traffic, so the demo and the monitoring page show drift (stable or not).
    live: Version | None = None


def _rng(seed) -> random.Random:
    return random.Random(seed)  # noqa: S311 - made-up outputs, not secrets


def _clip(value: float) -> float:
    return round(min(max(value, 0.001), 0.999), 3)


# Churn: broadband subscribers, two model versions on the same customers -----------------------

FIRST = "Anna Ben Carla David Emma Felix Greta Hamza Ines Jonas Karin Lukas Mia Noah Olga Paul"
FIRST += " Rosa Sven Tara Umut Vera Yusuf Zoe Aylin Bruno Chiara Dennis Elif Filip Hanna"
LAST = "Bauer Weber Yilmaz Schulz Novak Keller Costa Brandt Haas Lindqvist Moreau Kowalski"
LAST += " Richter Hoffmann Nowak Rossi Meyer Kaya Jansen Wolf Petersen Romano Vogel Berg"
PLANS = ["Fibre 150", "Fibre 500", "Fibre 1000", "Copper 50", "Fibre 500 + TV"]
CHURN_SIGNALS = [
    (0.35, "Called twice about slow evening speeds in the last month"),
    (0.30, "Contract ends in {weeks} weeks; has not opened the renewal email"),
    (0.25, "Data usage down {drop} % over three months"),
    (0.20, "Asked about the cancellation notice period in chat"),
    (0.15, "Price rose €{rise} a month at the last renewal"),
    (0.10, "Moved house in the spring; new address has a competitor's fibre"),
    (-0.15, "Added a second line in January"),
    (-0.20, "Uses the TV app daily"),
    (-0.10, "Paid by direct debit without a late payment for {years} years"),
]


def churn_rows(version: int) -> Rows:
    rng = _rng(20_251)  # the same customers for both versions
    noise = _rng(20_251 + version)
    rows = []
    for n in range(400):
        signals = rng.sample(CHURN_SIGNALS, rng.choice([1, 1, 2, 2, 3]))
        base = rng.betavariate(1.3, 6) + sum(weight for weight, _ in signals) * 0.6
        # v2 added usage-trend features: it separates the clear cases better.
        score = base + noise.gauss(0, 0.05) if version == 1 else base * 1.25 - 0.05
        score += noise.gauss(0, 0.04)
        years = rng.randint(0, 9)
        text = "; ".join(
            text.format(
                weeks=rng.randint(2, 8),
                drop=rng.randint(25, 70),
                rise=rng.choice([4, 5, 7]),
                years=max(years, 2),
            )
            for _, text in signals
        )
        rows.append(
            {
                "id": f"C-{104_200 + n * 37}",
                "score": _clip(score),
                "customer": f"{rng.choice(FIRST.split())} {rng.choice(LAST.split())}",
                "plan": rng.choice(PLANS),
                "tenure": f"{years} years {rng.randint(0, 11)} months" if years else "7 months",
                "signals": text,
            }
        )
    return rows


# Card fraud: payments flagged for review --------------------------------------------------------

MERCHANTS_RISKY = [
    ("Online electronics store", "Online, card not present", 380, 2400),
    ("Gift card reseller", "Online, card not present", 50, 500),
    ("Crypto exchange top-up", "Online, card not present", 200, 3000),
    ("Luxury watches, foreign web shop", "Online, card not present", 900, 6000),
]
MERCHANTS_USUAL = [
    ("Supermarket", "Chip and PIN", 12, 140),
    ("Petrol station", "Contactless", 30, 95),
    ("Streaming subscription", "Recurring, card on file", 9, 18),
    ("Airline", "Online, 3-D Secure", 90, 900),
    ("Hotel", "Card present", 80, 450),
    ("Pharmacy", "Contactless", 5, 60),
    ("Furniture store", "Chip and PIN", 150, 1800),
]
COUNTRIES_HOME = ["Germany", "Germany", "Germany", "Austria", "Netherlands"]
COUNTRIES_FAR = ["Brazil", "Indonesia", "Nigeria", "Vietnam", "United States"]
FRAUD_NOTES = [
    "First payment with this card at this merchant",
    "Third attempt in ten minutes after two declines",
    "Shipping address differs from the billing address",
    "Card used in two countries within an hour",
    "Customer's usual pattern: groceries and fuel",
    "Device seen before with this customer",
    "New device, new IP address",
    "Amount just under the rules engine's €500 threshold",
]


def churn_live_rows() -> Rows:
    """This month's customers through gbm-v2: spread like the version's (stable drift)."""
    return churn_rows(3)


def fraud_live_rows() -> Rows:
    """Last week's payments: a wave of gift-card fraud pushed the scores up (significant)."""
    rows = fraud_rows()
    for row in rows:
        row["score"] = _clip(0.08 + 0.92 * row["score"])
    return rows


def fraud_rows() -> Rows:
    rng = _rng(7_311)
    rows = []
    for n in range(300):
        risky = rng.random() < 0.22
        merchant, channel, low, high = rng.choice(MERCHANTS_RISKY if risky else MERCHANTS_USUAL)
        abroad = rng.random() < (0.6 if risky else 0.1)
        hour = rng.choice([1, 2, 3, 4, 23]) if risky and rng.random() < 0.6 else rng.randint(7, 22)
        score = rng.betavariate(5, 2.2) if risky else rng.betavariate(1.1, 9)
        if abroad:
            score += 0.08
        rows.append(
            {
                "id": f"TX-{58_120_000 + n * 1_913}",
                "score": _clip(score),
                "merchant": merchant,
                "amount": f"€{rng.uniform(low, high):,.2f}",
                "where": rng.choice(COUNTRIES_FAR if abroad else COUNTRIES_HOME),
                "time": f"{hour:02d}:{rng.randint(0, 59):02d}",
                "channel": channel,
                "notes": "; ".join(rng.sample(FRAUD_NOTES, rng.choice([1, 2]))),
            }
        )
    return rows


# Ticket triage: one column per queue (multi-class), as JSON lines ------------------------------

QUEUES = {
    "Billing": [
        (
            "Charged twice this month",
            "My bank statement shows two payments of €{price} on the {day}th. Please refund one.",
        ),
        (
            "Why did my bill go up?",
            "My invoice is €{price} but my contract says €34.99. Nobody "
            "told me about a price change.",
        ),
        (
            "Direct debit failed",
            "I changed banks and the payment bounced. How do I update my "
            "IBAN before you charge a late fee?",
        ),
    ],
    "Network faults": [
        (
            "Internet down since this morning",
            "No connection since 7am, the router light is "
            "red. I work from home and need this fixed today.",
        ),
        (
            "Speed drops every evening",
            "Between 8 and 11pm I get {speed} Mbit/s instead of "
            "500. Restarting the router does not help.",
        ),
        (
            "Wi-Fi keeps disconnecting",
            "The connection drops every few minutes on all devices since the storm on {day}.",
        ),
    ],
    "Account & login": [
        (
            "Can't log in to my account",
            "The app says my password is wrong and the reset email "
            "never arrives. I need to download my invoice.",
        ),
        (
            "Change the account holder",
            "My husband passed away; the contract is in his name. How do I move it to mine?",
        ),
        (
            "Locked out after too many attempts",
            "I tried my old password a few times and now the account is locked for 24 hours.",
        ),
    ],
    "Moves & installs": [
        (
            "Moving house on the {day}th",
            "We move to Lindenstraße 12 next month. Can the line move with us without a gap?",
        ),
        (
            "Technician did not come",
            "I took a day off for the installation appointment and nobody showed up or called.",
        ),
        (
            "Where do I plug in the new router?",
            "The fibre box is in the basement but the old router was upstairs.",
        ),
    ],
    "Cancellations": [
        (
            "I want to cancel",
            "Please cancel my contract at the earliest date. I found a cheaper offer.",
        ),
        (
            "Complaint about your hotline",
            "I waited 50 minutes on the phone twice this week. If this is not solved I will leave.",
        ),
        ("Notice period?", "How much notice do I need to give if my contract ends in {day} days?"),
    ],
}
CHANNELS = ["Email", "Email", "Web form", "App chat", "Email"]


def ticket_rows() -> Rows:
    rng = _rng(4_402)
    queues = list(QUEUES)
    rows = []
    for n in range(300):
        true_queue = rng.choice(queues)
        subject, text = rng.choice(QUEUES[true_queue])
        clear = rng.random()
        weights = {q: rng.gammavariate(1, 1) for q in queues}
        weights[true_queue] += 40 * clear**1.5 + 1
        if rng.random() < 0.12:  # the model's mistakes
            weights[rng.choice(queues)] += 6
        total = sum(weights.values())
        fill = {"price": rng.choice(["39.99", "44.99", "69.98"]), "day": rng.randint(2, 28)}
        fill["speed"] = rng.choice([40, 60, 90])
        rows.append(
            {
                "id": f"T-{310_400 + n * 7}",
                **{q: round(w / total, 3) for q, w in weights.items()},
                "subject": subject.format(**fill),
                "text": text.format(**fill),
                "channel": rng.choice(CHANNELS),
            }
        )
    return rows


# Basket add-ons: how well a suggested product goes with the basket ------------------------------

PAIRS = [
    ("Espresso machine", "Descaling tablets (10)", 0.9),
    ("Espresso machine", "Milk frothing jug", 0.82),
    ("Espresso machine", "Garden hose 20 m", 0.05),
    ("Running shoes", "Sports socks, 3 pairs", 0.86),
    ("Running shoes", "Shoe waterproofing spray", 0.7),
    ("Running shoes", "Kitchen scale", 0.08),
    ("Printer", "Ink cartridge set", 0.93),
    ("Printer", "A4 paper, 500 sheets", 0.8),
    ("Printer", "Yoga mat", 0.04),
    ("Tent for 2", "Sleeping mat", 0.84),
    ("Tent for 2", "Camping stove", 0.66),
    ("Tent for 2", "Phone case", 0.12),
    ("Baby stroller", "Rain cover for strollers", 0.88),
    ("Baby stroller", "Cup holder clip", 0.6),
    ("Baby stroller", "Beard trimmer", 0.03),
    ("Electric toothbrush", "Replacement heads (4)", 0.91),
    ("Electric toothbrush", "Travel case", 0.58),
    ("Gaming laptop", "Wireless mouse", 0.78),
    ("Gaming laptop", "Laptop backpack", 0.62),
    ("Gaming laptop", "Dog leash", 0.02),
]
PRICES = ["€4.99", "€7.49", "€9.99", "€12.90", "€19.99", "€24.95", "€34.00"]


def recommendation_rows() -> Rows:
    rng = _rng(9_090)
    rows = []
    for n in range(240):
        basket, suggestion, fit = rng.choice(PAIRS)
        rows.append(
            {
                "id": f"B-{77_000 + n}",
                "score": _clip(fit + rng.gauss(0, 0.1)),
                "in_basket": basket,
                "suggestion": suggestion,
                "price": rng.choice(PRICES),
                "shown_at": f"position {rng.randint(1, 3)}",
            }
        )
    return rows


# Invoice fields read from PDFs, with the model's confidence ------------------------------------

SUPPLIERS = [
    "Nordhafen Logistik GmbH",
    "Bürobedarf Schmitt KG",
    "Alpina Facility Services",
    "Rheinland Energie AG",
    "Keller & Sohn Druckerei",
    "Delta Cleaning BV",
    "Brenner IT-Systeme GmbH",
]
FIELDS = {
    "Invoice number": lambda r: f"RE-{r.randint(2024000, 2025999)}",
    "Invoice date": lambda r: f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}.2025",
    "Net amount": lambda r: f"{r.uniform(80, 24000):,.2f} EUR",
    "VAT": lambda r: f"{r.choice([7, 19])} %",
    "Order number": lambda r: f"PO-{r.randint(450000, 459999)}",
    "IBAN": lambda r: (
        f"DE{r.randint(10, 99)} 3705 0198 {r.randint(1000, 9999)} "
        f"{r.randint(1000, 9999)} {r.randint(10, 99)}"
    ),
}
SCAN_QUALITY = ["clean PDF", "clean PDF", "clean PDF", "scan, slightly skewed", "photo of paper"]


def invoice_rows() -> Rows:
    rng = _rng(1_661)
    rows = []
    for n in range(300):
        quality = rng.choice(SCAN_QUALITY)
        name = rng.choice(list(FIELDS))
        score = rng.betavariate(14, 1.2) if quality == "clean PDF" else rng.betavariate(4, 2)
        rows.append(
            {
                "id": f"INV-{8_830 + n // 3}-{n % 3 + 1}",
                "score": _clip(score),
                "supplier": rng.choice(SUPPLIERS),
                "field": name,
                "value_read": FIELDS[name](rng),
                "source": f"{quality}, page {rng.choice([1, 1, 1, 2])}",
            }
        )
    return rows


SPECS = [
    DemoSpec(
        project="churn-prediction-for-subscription-customers",
        by="dana",
        title="Who is about to cancel?",
        intro="Each card is a broadband subscriber and how likely the model thinks they are to "
        "cancel in the next 60 days, with the signals it saw. **Would you call this customer "
        "this week?** Agree if the label matches your instinct, disagree if not, and tell us "
        "why in a few words: that is what we learn most from.",
        kind=ScaleKind.BANDS,
        bands=[
            {
                "label": "Call this week",
                "colour": "#b42318",
                "description": "High risk of cancelling soon.",
                "min": 0.6,
            },
            {
                "label": "Keep an eye on",
                "colour": "#a15c00",
                "description": "Some warning signs.",
                "min": 0.3,
            },
            {
                "label": "Likely to stay",
                "colour": "#1f7a4d",
                "description": "No reason to call.",
                "min": 0.0,
            },
        ],
        versions=[
            Version("gbm-v1-contract-features", 34, lambda: churn_rows(1)),
            Version("gbm-v2-usage-trends", 9, lambda: churn_rows(2)),
        ],
        live=Version("live-traffic-last-week", 2, churn_live_rows),
        display=["customer", "plan", "tenure", "signals"],
        links=[("Head of customer retention", 23), ("Retention team leads", 41)],
        reviewers=["sam"],
        comments={
            "agree": [
                "Yes, classic pattern before a cancellation.",
                "Would call. The speed complaints are the giveaway.",
                "Agree, loyal customer, no need to call.",
                "Matches what we hear on the phone.",
            ],
            "disagree": [
                "Long-time customer, only one complaint; I would not call.",
                "Price increase alone rarely makes people leave.",
                "They moved and took the contract with them. Not a risk.",
                "This one already signed a renewal last week.",
            ],
            "unsure": ["Hard to say without the call history.", "Depends on the renewal offer."],
        },
        agree_by_band=[0.82, 0.5, 0.86],
    ),
    DemoSpec(
        project="card-fraud-flags-for-manual-review",
        by="priya",
        title="Which payments should an analyst review first?",
        intro="Card payments from last Tuesday, scored by the new model. Green means the "
        "payment looks normal, amber means check it, red means hold it and call the customer. "
        "Do you agree with the colour? The notes show what the model had to go on.",
        kind=ScaleKind.TRAFFIC_LIGHT,
        bands=[
            {
                "label": "Red",
                "colour": "#b42318",
                "description": "Hold it and call the customer.",
                "min": 0.7,
            },
            {
                "label": "Amber",
                "colour": "#a15c00",
                "description": "An analyst checks it.",
                "min": 0.35,
            },
            {
                "label": "Green",
                "colour": "#1f7a4d",
                "description": "Looks like a normal payment.",
                "min": 0.0,
            },
        ],
        versions=[Version("xgb-2025-06-graph-features", 12, fraud_rows)],
        live=Version("live-traffic-last-week", 3, fraud_live_rows),
        display=["merchant", "amount", "where", "time", "channel", "notes"],
        links=[("Fraud operations, night shift", 17)],
        reviewers=["grace"],
        comments={
            "agree": [
                "Textbook card testing.",
                "Normal spend for this customer, fine.",
                "Would have held it too.",
            ],
            "disagree": [
                "Customer is travelling, we have a travel notice on file.",
                "Recurring subscription, never fraud in my experience.",
                "Too low: gift cards at 3am should be red.",
            ],
            "unsure": ["Need the device history to decide."],
        },
        agree_by_band=[0.88, 0.6, 0.93],
    ),
    DemoSpec(
        project="support-ticket-triage",
        by="lena",
        title="Which queue does each ticket go to?",
        intro="Tickets from the first week of the month, with the queue the model would send "
        "them to and how sure it is. Dispatchers: would you have sent it to the same queue?",
        kind=ScaleKind.BANDS,
        versions=[Version("distilbert-queues-v3", 15, ticket_rows)],
        display=["subject", "text", "channel"],
        classes=list(QUEUES),
        file_format="jsonl",
        links=[("Dispatch team", 12), ("Head of customer service", 5)],
        judged=35,
        comments={
            "agree": ["Right queue.", "Yes, billing.", "Correct, and urgent."],
            "disagree": [
                "This is a complaint, should go to cancellations.",
                "Router problem, not account access.",
                "Move requests go to installs, not billing.",
            ],
            "unsure": ["Could be either billing or cancellations."],
        },
        agree_by_band=[0.9, 0.62, 0.45],
    ),
    DemoSpec(
        project="product-recommendations-on-the-basket-page",
        by="eli",
        title="Does the suggestion fit the basket?",
        intro="For a product in the basket, the add-on the model would show and how good a "
        "fit it thinks it is (five stars: a perfect add-on). Would you, as a shopper, find "
        "the suggestion useful?",
        kind=ScaleKind.STARS,
        versions=[Version("two-tower-v2", 20, recommendation_rows)],
        display=["in_basket", "suggestion", "price", "shown_at"],
        links=[("E-commerce product manager", 9)],
        reviewers=["sam"],
        comments={
            "agree": ["Obvious add-on, yes.", "Would buy that.", "Good fit."],
            "disagree": ["Makes no sense with this product.", "Too expensive as an add-on."],
            "unsure": ["Maybe, depends on the model."],
        },
        agree_by_band=[0.9, 0.7, 0.55, 0.7, 0.9],
    ),
    DemoSpec(
        project="invoice-field-extraction",
        by="tom",
        title="Can we trust the fields read from invoices?",
        intro="Fields the model read from supplier invoices in May. Green fields would go to "
        "the ERP without a second look. Clerks: is the label right for how much you would "
        "trust the value?",
        kind=ScaleKind.BANDS,
        bands=[
            {
                "label": "Post as read",
                "colour": "#1f7a4d",
                "description": "No check needed.",
                "min": 0.9,
            },
            {
                "label": "Check",
                "colour": "#a15c00",
                "description": "Compare with the PDF.",
                "min": 0.6,
            },
            {
                "label": "Retype",
                "colour": "#b42318",
                "description": "Type it in by hand.",
                "min": 0.0,
            },
        ],
        versions=[Version("layoutlm-ap-v4", 6, invoice_rows)],
        display=["supplier", "field", "value_read", "source"],
        links=[("Accounts payable clerks", 14)],
        comments={
            "agree": ["Value matches the PDF.", "Yes, would retype that scan anyway."],
            "disagree": [
                "IBAN was misread, should not be green.",
                "Date is fine, no need to check.",
            ],
            "unsure": ["Cannot tell without the original."],
        },
        agree_by_band=[0.84, 0.66, 0.8],
    ),
]


def _file(rows: Rows, spec: DemoSpec) -> ContentFile:
    if spec.file_format == "jsonl":
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        return ContentFile(text.encode(), name="outputs.jsonl")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return ContentFile(out.getvalue().encode(), name="outputs.csv")


def _upload(demo: Demo, spec: DemoSpec, version: Version, by) -> Dataset:
    job = save_upload(
        demo=demo,
        uploaded=_file(version.rows(), spec),
        model_version=version.name,
        columns=Columns(
            id="id",
            score="" if spec.classes else "score",
            classes=spec.classes,
            display=spec.display,
        ),
        by=by,
        queue=False,
    )
    upload_process(job.pk)  # here and now, broker or not
    job.refresh_from_db()
    if job.status != JobStatus.SUCCEEDED:
        raise RuntimeError(f"Seeding {spec.title!r} failed: {job.error}")
    when = timezone.now() - datetime.timedelta(days=version.days_ago)
    Dataset.objects.filter(pk=job.dataset_id).update(created_at=when)
    return Dataset.objects.select_related("scale").get(pk=job.dataset_id)


def _feedback(spec: DemoSpec, dataset: Dataset, sources: list[dict], rng: random.Random) -> int:
    bands = bands_from_json(dataset.scale.bands)
    examples = list(dataset.examples.all())
    count = 0
    for source in sources:
        for example in rng.sample(examples, min(spec.judged, len(examples))):
            band = band_index(bands, example.score)
            agree = spec.agree_by_band[min(band, len(spec.agree_by_band) - 1)]
            roll = rng.random()
            verdict = "agree" if roll < agree else "unsure" if roll < agree + 0.08 else "disagree"
            comments = spec.comments.get(verdict, [])
            comment = rng.choice(comments) if comments and rng.random() < 0.35 else ""
            services.feedback_record(
                example=example, verdict=verdict, comment=comment, tell=False, **source
            )
            count += 1
    return count


def seed_demo_spec(spec: DemoSpec, users: dict) -> bool:
    """One demo with its datasets, links and feedback; False if it exists (or its project
    does not)."""
    project = Project.objects.filter(slug=spec.project).first()
    if project is None or project.demos.filter(title=spec.title).exists():
        return False
    by = users[spec.by]
    rng = _rng(spec.title)
    # The jobs are processed right here (upload_process), so nothing goes to the broker.
    with transaction.atomic():
        demo = services.demo_create(
            project=project, title=spec.title, intro=spec.intro, kind=spec.kind, by=by
        )
        first_days = spec.versions[0].days_ago + 2
        Demo.objects.filter(pk=demo.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=first_days)
        )
        datasets = [_upload(demo, spec, spec.versions[0], by)]
        if spec.bands:
            services.scale_change(demo=demo, kind=spec.kind, bands=spec.bands, by=by)
        datasets += [_upload(demo, spec, version, by) for version in spec.versions[1:]]
        latest = Dataset.objects.select_related("scale").get(pk=datasets[-1].pk)
        sources = []
        for viewer_name, views in spec.links:
            link = services.share_link_create(demo=demo, viewer_name=viewer_name, by=by)
            ShareLink.objects.filter(pk=link.pk).update(
                view_count=views, last_viewed_at=timezone.now() - datetime.timedelta(hours=5)
            )
            sources.append({"link": link})
        sources += [{"user": users[name]} for name in spec.reviewers]
        _feedback(spec, latest, sources, rng)
        if len(datasets) > 1:  # a few judgements of the older version, for comparison
            _feedback(spec, datasets[0], sources[:1], rng)
        if spec.live:
            traffic = _upload(demo, spec, spec.live, by)
            dataset_mark_live(dataset=traffic, reference=latest)
    return True


def seed_demos(users: dict) -> tuple[int, int]:
    """(created, already there) over SPECS."""
    created = sum(seed_demo_spec(spec, users) for spec in SPECS)
    return created, len(SPECS) - created
