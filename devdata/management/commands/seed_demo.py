"""Fill a development database with the demo portfolio (devdata/data/), demo logins and, on
request, a large synthetic portfolio for benchmarks. Safe to run again: whatever exists is left
alone.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from devdata.loader import seed_manager_group, seed_people, seed_project, seed_teams
from devdata.portfolio import DEMO_LOGINS, DEMO_PASSWORD, PROJECTS
from devdata.seed_demos import seed_demos
from devdata.synthetic import seed_synthetic, seed_synthetic_logs
from lifecycle.models import Experiment, Project, Reading, Timebox
from lifecycle.services import monitoring
from lifecycle.services.derived import refresh_all


class Command(BaseCommand):
    help = "Create demo logins and a realistic demo portfolio (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects",
            type=int,
            default=0,
            metavar="N",
            help="Also create N synthetic projects for benchmarks.",
        )
        parser.add_argument(
            "--weeks",
            type=int,
            default=0,
            metavar="W",
            help="Give each synthetic project W weeks of experiment log (with --projects).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Seed only an empty database (what `make run` does), so demo projects you "
            "deleted do not come back; the logins are printed either way.",
        )

    def handle(self, *args, projects: int, weeks: int, once: bool, **options):
        if not getattr(settings, "DEV", False):
            raise CommandError(
                "seed_demo creates accounts with a published password, so it only runs in "
                "development. Set WAYPOINT_DEV=1 to use it."
            )
        if projects < 0:
            raise CommandError("--projects takes a number of projects, 0 or more.")
        if weeks < 0 or (weeks and not projects):
            raise CommandError("--weeks takes a number of weeks, with --projects N.")
        if once and Project.objects.exists():
            self.stdout.write("The database already has projects: demo data left as it is.")
            self.print_logins()
            return
        today = timezone.localdate()

        users, new_users = seed_people()
        seed_manager_group(users["manager"])
        teams = seed_teams(users)
        new_projects = sum(seed_project(spec, users, teams, today) for spec in PROJECTS)

        self.stdout.write(f"Users: {new_users} created, {len(users) - new_users} already there.")
        self.stdout.write(
            f"Demo projects: {new_projects} created, {len(PROJECTS) - new_projects} already there."
        )
        new_demos, old_demos = seed_demos(users)
        self.stdout.write(f"Demos: {new_demos} created, {old_demos} already there.")
        if projects:
            created = seed_synthetic(projects, teams, users, today)
            self.stdout.write(
                f"Synthetic projects: {created} created, {projects - created} already there."
            )
        if weeks:
            started = time.monotonic()

            def report(done: int, total: int) -> None:
                elapsed = time.monotonic() - started
                self.stdout.write(
                    f"  logs of {done:,} / {total:,} projects written ({elapsed:.0f} s)"
                )

            logged, counts = seed_synthetic_logs(weeks, today, report)
            self.stdout.write(
                f"Synthetic logs: {logged} projects given {weeks} weeks each "
                f"({counts[Timebox]:,} timeboxes, {counts[Experiment]:,} experiments, "
                f"{counts[Reading]:,} readings) in {time.monotonic() - started:.1f} s; "
                "projects that had a log kept it."
            )
        # The synthetic portfolio is bulk-inserted past the services that keep derived data.
        started = time.monotonic()
        summarised = refresh_all()
        self.stdout.write(
            f"Board summaries and hourly rollups: {summarised:,} projects in "
            f"{time.monotonic() - started:.1f} s."
        )
        # The alerts a live portfolio would have by now, in the demo people's bells but not emailed.
        checked = monitoring.monitoring_run(email=False)
        self.stdout.write(
            f"Monitoring: {checked.projects} live projects checked, {checked.opened} alerts opened."
        )
        self.print_logins()

    def print_logins(self) -> None:
        width = max(len("username"), *(len(username) for username, _ in DEMO_LOGINS))
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  {'username'.ljust(width)}  what they see")
        for username, description in DEMO_LOGINS:
            self.stdout.write(f"  {username.ljust(width)}  {description}")
