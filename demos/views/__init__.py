"""Demo pages: the team's (team.py), the stakeholder view (stakeholder.py), share links
(sharing.py) and version comparison (compare.py)."""
