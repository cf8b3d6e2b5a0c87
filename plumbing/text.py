"""Rules about text people type that hold everywhere it is shown."""

import re
from typing import Any

# Bidirectional overrides, embeddings and isolates (U+202A-U+202E, U+2066-U+2069) reorder the
# text around them: "invoice\u202egnp.exe" shows as "invoiceexe.png". Right-to-left scripts need
# none of them (the Unicode bidi algorithm orders them), so Markdown drops them when rendered and
# plain-text fields from outside the team (feedback comments) refuse them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def storable(value: Any) -> bool:
    """Whether decoded JSON holds only text a database stores: no NUL character (PostgreSQL
    refuses it) and no lone surrogate (not encodable), at any depth, keys included."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode()
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(storable(k) and storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(storable(v) for v in value)
    return True
