"""Numbers as people write them."""


def number(value: float | int | str | None) -> str:
    """A metric value as people write it: 0.85, 12, 1,250,000, 3.5 (no trailing zeros)."""
    if value is None or value == "":
        return ""
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")
