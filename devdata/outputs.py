"""Model outputs for the demos of the demo portfolio: made-up but realistic rows, generated with
a fixed random seed so every run writes the same ones. devdata/data/demos.json names a generator
of OUTPUTS for each model version it uploads.
"""

import random
from collections.abc import Callable

Rows = list[dict]


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


# The names devdata/data/demos.json gives a model version's outputs.
OUTPUTS: dict[str, Callable[[], Rows]] = {
    "churn-v1": lambda: churn_rows(1),
    "churn-v2": lambda: churn_rows(2),
    "churn-live": churn_live_rows,
    "fraud": fraud_rows,
    "fraud-live": fraud_live_rows,
    "tickets": ticket_rows,
    "recommendations": recommendation_rows,
    "invoices": invoice_rows,
}
