"""Rules about text people type that hold everywhere it is shown."""

import re

# Bidirectional overrides, embeddings and isolates (U+202A-U+202E, U+2066-U+2069) reorder the
# text around them: "invoice\u202egnp.exe" shows as "invoiceexe.png". Right-to-left scripts need
# none of them (the Unicode bidi algorithm orders them), so Markdown drops them when rendered and
# plain-text fields from outside the team (feedback comments) refuse them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
