"""Shared plumbing with no domain meaning, used by every app: bulk inserts (bulk.py), how numbers
are written (numbers.py), the charts' look (charts.py), the typed htmx request (htmx.py), CSV
that no spreadsheet runs as a formula (spreadsheet.py), rules about typed text (text.py).

It imports no app (import-linter holds it): a module that needs to know what a project, a demo
or a role is belongs in that app instead.
"""
