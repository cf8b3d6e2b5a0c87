"""The demo portfolio, read from devdata/data/ and checked once, on first import."""

from .specs import load

PORTFOLIO = load()

DEMO_PASSWORD = PORTFOLIO.people.password
MANAGER_GROUP = PORTFOLIO.people.manager_group
PEOPLE = PORTFOLIO.people.people
TEAMS = PORTFOLIO.people.teams
# (username, what they see): seed_demo prints them after seeding.
DEMO_LOGINS = [(person.username, person.sees) for person in PEOPLE]
DEFAULT_STAGE_PLANS = PORTFOLIO.stage_plans.by_kind()
IDEAS = PORTFOLIO.ideas
PROJECTS = PORTFOLIO.projects
# The weekly experiment logs and the monitoring of the projects that have one, by slug.
LOGS = {project.slug: project.log for project in PROJECTS if project.log}
MONITORING = {project.slug: project.monitoring for project in PROJECTS if project.monitoring}
DEMOS = PORTFOLIO.demos
