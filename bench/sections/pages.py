"""Issue 14, item 5, "Page weight and paint": the main pages as a browser gets them from the app
under gunicorn (WhiteNoise's compressed static files), on the cached 2,000-project portfolio with
a 1,000,000-row demo added (bench/pages_probe.py).

- Page weight: each page loaded once in headless Chromium (Playwright, Debian's /usr/bin/chromium,
  a fresh context: nothing cached), every response's size on the wire as Chromium's network layer
  counts it (encoded body, so gzip'd where the server compressed; plus headers). Goals: compressed
  JavaScript <= 60 KB on a page without charts, <= 500 KB on a page with charts.
- Largest contentful paint: the board at 2,015 projects and the stakeholder page of a share link on
  the 1,000,000-row demo, a warm-up load then LCP_LOADS loads, each in a fresh context (cold
  cache), read with PerformanceObserver('largest-contentful-paint', buffered). Goal: every load
  <= 1.5 s.
- Lighthouse (npm, pinned in bench/lighthouse/, installed under WORK at bench time; no Node at the
  app's run time): accessibility and best-practices of the board, a project page and a share
  page. Goal: each score >= 95.

Goals are PostgreSQL's (the orchestrator turns the SQLite pass into figures only).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common import (
    CLK_TCK,
    ROOT,
    WORK,
    Context,
    CpuMeter,
    Row,
    SectionResult,
    Server,
    WaypointServer,
    free_port,
    log,
    login_session,
    proc_tree,
    run_module,
)
from . import portfolio

NAME = "pages"
TITLE = "Page weight, largest contentful paint and Lighthouse (issue 14)"

KB = 1000  # decimal kilobytes: the stricter reading of the goals
JS_GOAL = 60 * KB  # a page without charts
CHART_JS_GOAL = 500 * KB  # a page with charts (the vendored plotly.js)
LCP_GOAL_S = 1.5
LIGHTHOUSE_GOAL = 95
LCP_LOADS = 7
LCP_LOADS_QUICK = 3

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
VIEWPORT = {"width": 1366, "height": 900}  # the journeys' desktop (issue 14)
SESSION_COOKIE = "sessionid"

# key: (label, signed in, has charts)
PAGES: dict[str, tuple[str, bool, bool]] = {
    "login": ("login", False, False),
    "board": ("portfolio board, 2,015 projects", True, False),
    "project": ("project page (charts)", True, True),
    "log": ("experiment log", True, False),
    "monitoring": ("monitoring", True, False),
    "demo": ("demo page, team's (1M-row dataset)", True, False),
    "share": ("stakeholder page by share link (1M rows)", False, False),
    "outcomes": ("portfolio outcomes (charts)", True, True),
}
LCP_PAGES = ("board", "share")
LIGHTHOUSE_PAGES = ("board", "project", "share")
LIGHTHOUSE_CATEGORIES = ("accessibility", "best-practices")

LIGHTHOUSE_SPEC = ROOT / "bench" / "lighthouse"  # package.json (exact pin) + package-lock.json
LIGHTHOUSE_DIR = WORK / "lighthouse"  # kept between runs (run.py's KEEP), keyed by the lockfile


# --------------------------------------------------------------------------- page weight


@dataclass(frozen=True)
class Resource:
    """One response as the browser received it."""

    url: str
    kind: str  # Playwright's resource type: document, script, stylesheet, fetch, ...
    content_type: str
    encoding: str  # Content-Encoding: gzip, br, or "" (sent as is)
    body_bytes: int  # encoded body: what crossed the wire
    header_bytes: int

    @property
    def is_script(self) -> bool:
        return self.kind == "script" or "javascript" in self.content_type


def weigh(resources: list[Resource]) -> dict[str, Any]:
    """JavaScript and total bytes on the wire of one page load."""
    scripts = [r for r in resources if r.is_script]
    return {
        "js_bytes": sum(r.body_bytes for r in scripts),
        "js_files": {
            r.url.rsplit("/", 1)[-1]: {"bytes": r.body_bytes, "encoding": r.encoding or "none"}
            for r in scripts
        },
        "js_uncompressed": [r.url.rsplit("/", 1)[-1] for r in scripts if not r.encoding],
        "total_bytes": sum(r.body_bytes + r.header_bytes for r in resources),
        "requests": len(resources),
        "by_kind": {
            kind: sum(r.body_bytes for r in resources if r.kind == kind)
            for kind in sorted({r.kind for r in resources})
        },
    }


def js_goal(has_charts: bool) -> int:
    return CHART_JS_GOAL if has_charts else JS_GOAL


def _check_landed(page, url: str) -> None:
    """A page that sent the browser elsewhere (the login page, for a lost session) would be
    weighed and timed in place of the one asked for."""
    if page.url != url:
        raise RuntimeError(f"{url} ended on {page.url}")


def _context(browser, base: str, cookie: str | None):
    context = browser.new_context(viewport=VIEWPORT)
    if cookie:
        context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": base}])
    return context


def load_and_weigh(browser, base: str, path: str, cookie: str | None) -> dict[str, Any]:
    """One cold load of `path` (a fresh context): every finished response's encoded size."""
    context = _context(browser, base, cookie)
    page = context.new_page()
    finished: list = []
    failed: list[str] = []
    errors: list[str] = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("console", lambda m: errors.append(m.text[:200]) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)[:200]))
    try:
        response = page.goto(base + path, wait_until="load", timeout=60_000)
        with contextlib.suppress(Exception):  # a page that polls never goes idle: fine
            page.wait_for_load_state("networkidle", timeout=5_000)
        _check_landed(page, base + path)
        status = response.status if response else None
        sent_encoding = response.request.all_headers().get("accept-encoding") if response else None
        resources = []
        for request in finished:
            answer = request.response()
            headers = answer.headers if answer else {}
            sizes = request.sizes()
            resources.append(
                Resource(
                    url=request.url,
                    kind=request.resource_type,
                    content_type=headers.get("content-type", ""),
                    encoding=headers.get("content-encoding", ""),
                    body_bytes=max(sizes["responseBodySize"], 0),
                    header_bytes=max(sizes["responseHeadersSize"], 0),
                )
            )
    finally:
        context.close()
    return {
        "status": status,
        "accept_encoding_sent": sent_encoding,
        **weigh(resources),
        "failed_requests": failed,
        "console_errors": errors,
    }


# --------------------------------------------------------------------------- paint

LCP_SCRIPT = """() => new Promise((resolve) => {
  // At the load event the page may not have painted yet: wait for two frames (a paint has
  // happened), so that the observer's first callback holds every candidate so far.
  requestAnimationFrame(() => requestAnimationFrame(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const done = (entry) => resolve({
    lcp_ms: entry ? entry.startTime : null,
    element: entry && entry.element
      ? entry.element.tagName.toLowerCase() + (entry.element.id ? '#' + entry.element.id : '')
        + (entry.element.className && typeof entry.element.className === 'string'
           ? '.' + entry.element.className.trim().split(/\\s+/).join('.') : '')
      : null,
    size: entry ? entry.size : null,
    ttfb_ms: nav ? nav.responseStart : null,
    fcp_ms: paint ? paint.startTime : null,
    load_ms: nav ? nav.loadEventEnd : null,
  });
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    done(entries[entries.length - 1]);
  }).observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(() => done(null), 5000);
  }));
})"""


def measure_lcp(browser, base: str, path: str, cookie: str | None) -> dict[str, Any]:
    """One cold load (a fresh context); the last LCP candidate once the page has loaded."""
    context = _context(browser, base, cookie)
    try:
        page = context.new_page()
        page.goto(base + path, wait_until="load", timeout=60_000)
        _check_landed(page, base + path)
        return page.evaluate(LCP_SCRIPT)
    finally:
        context.close()


def browser_cpu_s(excluded_roots: list[int]) -> float:
    """CPU of this process's children but the servers under test: Playwright's driver and the
    Chromium it runs, with the renderers they reaped. The client side of a page load, which
    CpuMeter would otherwise count as other tenants' (it knows only this process's own)."""
    me = os.getpid()
    skip = {me}.union(*(proc_tree(pid) for pid in excluded_roots))
    total = 0
    for pid in proc_tree(me):
        if pid in skip:
            continue
        with contextlib.suppress(OSError):
            text = Path(f"/proc/{pid}/stat").read_text(errors="replace")
            fields = text[text.rfind(")") + 2 :].split()
            total += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return total / CLK_TCK


def without_browser(host: dict[str, Any], browser_s: float) -> dict[str, Any]:
    """CpuMeter's figures with the browser's CPU moved out of "other tenants"."""
    other = host["other_cpu_s"] - browser_s
    share = max(other, 0.0) / (host["wall_s"] * (os.cpu_count() or 1)) if host["wall_s"] else 0.0
    return {
        **host,
        "browser_cpu_s": round(browser_s, 2),
        "other_cpu_s": round(other, 2),
        "other_cpu_share": round(share, 3),
    }


def lcp_summary(loads: list[dict[str, Any]]) -> dict[str, Any]:
    """Median and worst LCP (seconds) of measured loads; a load with no LCP counts as failed."""
    values = [load["lcp_ms"] / 1000 for load in loads if load.get("lcp_ms") is not None]
    missing = len(loads) - len(values)
    return {
        "loads": len(loads),
        "missing": missing,
        "median_s": round(statistics.median(values), 3) if values else None,
        "worst_s": round(max(values), 3) if values else None,
        "passed": bool(values) and not missing and max(values) <= LCP_GOAL_S,
    }


# --------------------------------------------------------------------------- Lighthouse


def lighthouse_pin() -> str:
    spec = json.loads((LIGHTHOUSE_SPEC / "package.json").read_text())
    return spec["dependencies"]["lighthouse"]


def lighthouse_key() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((LIGHTHOUSE_SPEC / name).read_bytes())
    return digest.hexdigest()[:12]


def install_lighthouse() -> Path:
    """The pinned Lighthouse under WORK/lighthouse (npm, the committed lockfile), once per
    lockfile; returns its command."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed: Lighthouse comes from the npm registry")
    marker = LIGHTHOUSE_DIR / f".installed-{lighthouse_key()}"
    command = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if marker.exists() and command.exists():
        return command
    log(f"lighthouse: npm install lighthouse@{lighthouse_pin()} into {LIGHTHOUSE_DIR}")
    shutil.rmtree(LIGHTHOUSE_DIR, ignore_errors=True)
    LIGHTHOUSE_DIR.mkdir(parents=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(LIGHTHOUSE_SPEC / name, LIGHTHOUSE_DIR / name)
    # `npm install` on the lockfile, not `npm ci`: a dependency of Lighthouse asks for two
    # packages by the "latest" tag, and `npm ci` refuses a lockfile once that tag has moved.
    subprocess.run(
        [npm, "install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=LIGHTHOUSE_DIR,
        check=True,
        timeout=600,
        capture_output=True,
    )
    installed = json.loads(
        (LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json").read_text()
    )["version"]
    if installed != lighthouse_pin():
        raise RuntimeError(f"npm installed lighthouse {installed}, not {lighthouse_pin()}")
    marker.touch()
    return command


def lighthouse_scores(report: dict[str, Any]) -> dict[str, Any]:
    """Category scores (0-100) of a Lighthouse JSON report, and the audits that failed in each
    (score below 1, weighed in the category)."""
    out: dict[str, Any] = {"scores": {}, "failed": {}}
    audits = report["audits"]
    for key in LIGHTHOUSE_CATEGORIES:
        category = report["categories"][key]
        score = category["score"]
        out["scores"][key] = None if score is None else round(score * 100)
        out["failed"][key] = [
            {"id": ref["id"], "title": audits[ref["id"]]["title"], "weight": ref["weight"]}
            for ref in category["auditRefs"]
            if ref.get("weight")
            and audits[ref["id"]].get("score") is not None
            and audits[ref["id"]]["score"] < 1
        ]
    return out


class DebugChromium(Server):
    """Chromium with its DevTools port open, for Lighthouse to audit signed-in pages in
    (`lighthouse --port`): the session cookie goes into its cookie jar, so the page's own
    requests (htmx fragments) carry it too. `--extra-headers` with a Cookie reaches the page's
    document but not its fetches: the project page's htmx card was answered with the login page.
    Started in its own session, stopped by PID like every server of the bench."""

    name = "chromium"
    ready_path = "/json/version"

    def command(self) -> list[str]:
        return [
            CHROMIUM,
            *CHROMIUM_ARGS,
            f"--remote-debugging-port={self.port}",
            f"--user-data-dir={self.workdir / 'profile'}",
            "--no-first-run",
            "about:blank",
        ]

    def start(self, timeout: float = 90.0) -> Server:
        shutil.rmtree(self.workdir / "profile", ignore_errors=True)
        self.workdir.mkdir(parents=True, exist_ok=True)
        return super().start(timeout)


def login_redirects(access_log: Path, login_path: str) -> list[str]:
    """Requests that the app sent to the login page (gunicorn's access log): a signed-in page,
    or a fragment it fetched, that lost its session and would be measured as the login page."""
    lines = access_log.read_text(errors="replace").splitlines()
    return [line for line in lines if f"GET {login_path}?next=" in line]


def run_lighthouse(command: Path, url: str, out: Path, *, port: int | None) -> dict[str, Any]:
    """Lighthouse on `url`: in the signed-in Chromium on `port`, or (no port) in a Chromium it
    launches itself, as an anonymous visitor."""
    args = [
        str(command),
        url,
        "--output=json",
        f"--output-path={out}",
        "--only-categories=" + ",".join(LIGHTHOUSE_CATEGORIES),
        "--max-wait-for-load=60000",
        "--quiet",
    ]
    if port is None:
        args.append("--chrome-flags=" + " ".join(CHROMIUM_ARGS))
    else:
        args += [f"--port={port}", "--disable-storage-reset"]  # keep the session cookie
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    t0 = time.perf_counter()
    process = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        _, stderr = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        # Lighthouse and the Chromium it launched share this process group (its own session).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise RuntimeError(f"lighthouse on {url} took more than 300 s") from None
    if process.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse on {url} failed:\n{stderr.decode()[-2000:]}")
    report = json.loads(out.read_text())
    if report.get("finalDisplayedUrl") != url:
        raise RuntimeError(f"lighthouse on {url} ended on {report.get('finalDisplayedUrl')}")
    result = lighthouse_scores(report)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


def audit(
    playwright, command: Path, base: str, paths: dict[str, str], cookie: str, port: int, workdir
) -> dict[str, Any]:
    """Lighthouse on each of LIGHTHOUSE_PAGES: the signed-in ones in a Chromium of the bench's
    whose cookie jar holds the session, the others in a Chromium Lighthouse launches."""
    scores: dict[str, Any] = {}
    with DebugChromium(free_port(port + 300), workdir / "chromium") as chrome:
        connected = playwright.chromium.connect_over_cdp(chrome.base_url)
        connected.contexts[0].add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": base}])
        connected.close()  # disconnects; the browser and its cookie jar stay
        for key in LIGHTHOUSE_PAGES:
            log(f"pages: lighthouse on {key}")
            try:
                scores[key] = run_lighthouse(
                    command,
                    base + paths[key],
                    workdir / f"lighthouse-{key}.json",
                    port=chrome.port if PAGES[key][1] else None,
                )
            except RuntimeError as e:
                scores[key] = {"error": str(e)[-2000:]}
    return scores


# --------------------------------------------------------------------------- the run


def _kb(n: int) -> str:
    return f"{n / KB:,.1f} KB"


def run(ctx: Context) -> SectionResult:
    from playwright.sync_api import sync_playwright

    quick = ctx.args.quick
    figures: dict[str, Any] = {}
    rows: list[Row] = []
    goals: dict[str, bool] = {}
    workdir = WORK / ctx.engine / NAME
    workdir.mkdir(parents=True, exist_ok=True)

    snapshot, seed = portfolio.seeded_db(ctx)
    figures["seed"] = {"seed_s": seed["seed_s"], "cached": seed["cached"]}
    db = ctx.database(NAME, template=snapshot)
    log(f"pages: a {ctx.args.pages_rows:,}-row demo and a share link (the upload's storing path)")
    setup = run_module(db, "bench.pages_probe", "--rows", str(ctx.args.pages_rows), timeout=1800)
    figures["setup"] = setup
    paths: dict[str, str] = setup["paths"]
    rows.append(
        Row(
            f"setup: {setup['rows']:,}-row demo stored in {setup['chart_project']} (s)",
            setup["store_s"],
        )
    )
    lighthouse = None
    try:
        lighthouse = install_lighthouse()
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        figures["lighthouse_install_error"] = str(e)[-2000:]

    server = WaypointServer(free_port(ctx.port), workdir, db, ctx.config)
    with server:
        base = server.base_url
        cookie = login_session(base, setup["reader"]).cookies[SESSION_COOKIE]
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # -- page weight
            weights = {}
            for key, (_label, signed_in, _charts) in PAGES.items():
                weights[key] = load_and_weigh(
                    browser, base, paths[key], cookie if signed_in else None
                )
                log(
                    f"pages: {key}: {_kb(weights[key]['js_bytes'])} JS, "
                    f"{_kb(weights[key]['total_bytes'])} in all"
                )
            figures["weight"] = weights

            # -- largest contentful paint
            figures["quiet_gate"] = ctx.quiet()
            loads = LCP_LOADS_QUICK if quick else LCP_LOADS
            paint: dict[str, Any] = {}
            servers = [server.pid]
            if ctx.postgres is not None and (postmaster := ctx.postgres.pid()):
                servers.append(postmaster)
            browser0 = browser_cpu_s(servers)
            with CpuMeter(server.pid) as meter:
                for key in LCP_PAGES:
                    cookie_here = cookie if PAGES[key][1] else None
                    measure_lcp(browser, base, paths[key], cookie_here)  # warm-up
                    runs = [
                        measure_lcp(browser, base, paths[key], cookie_here) for _ in range(loads)
                    ]
                    paint[key] = {**lcp_summary(runs), "runs": runs}
                    log(
                        f"pages: LCP {key}: median {paint[key]['median_s']} s, "
                        f"worst {paint[key]['worst_s']} s"
                    )
            paint["host"] = without_browser(meter.result, browser_cpu_s(servers) - browser0)
            figures["lcp"] = paint
            browser.close()

            # -- Lighthouse
            scores: dict[str, Any] = {}
            if lighthouse is not None:
                scores = audit(playwright, lighthouse, base, paths, cookie, ctx.port, workdir)
        finally:
            playwright.stop()

        figures["lighthouse"] = scores
        figures["server_log"] = server.log_counts()
        lost = login_redirects(server.access_log, paths["login"])
        if lost:
            raise RuntimeError(f"a signed-in page lost its session: {lost[0]}")

    # -- the table
    for key, (label, _signed_in, charts) in PAGES.items():
        w = weights[key]
        goal = js_goal(charts)
        ok = w["status"] == 200 and w["js_bytes"] <= goal
        goals[f"js_{key}"] = ok
        rows.append(
            Row(
                f"{label}: compressed JS ({len(w['js_files'])} files) / whole page "
                f"({w['requests']} requests)",
                f"{_kb(w['js_bytes'])} / {_kb(w['total_bytes'])}"
                + ("" if w["status"] == 200 else f" (HTTP {w['status']})"),
                goal=f"JS <= {goal // KB} KB",
                passed=ok,
            )
        )
    loads_label = f"{figures['lcp']['board']['loads']} cold loads"
    for key, what in (
        ("board", f"board at {setup['projects']:,} projects"),
        ("share", f"stakeholder page (share link), {setup['rows']:,}-row demo"),
    ):
        p = figures["lcp"][key]
        goals[f"lcp_{key}"] = p["passed"]
        rows.append(
            Row(
                f"largest contentful paint, {what}: median / worst of {loads_label}",
                f"{p['median_s']} / {p['worst_s']} s",
                goal=f"every load <= {LCP_GOAL_S:g} s",
                passed=p["passed"],
            )
        )
    share = figures["lcp"]["host"].get("other_cpu_share")
    if share is not None:
        rows.append(
            Row("other tenants' share of the machine during the paint loads", f"{share:.0%}")
        )
    version = lighthouse_pin()
    if lighthouse is None:
        rows.append(
            Row(
                f"Lighthouse {version}",
                "not run: " + figures["lighthouse_install_error"][:120],
                goal=f">= {LIGHTHOUSE_GOAL}",
                passed=False,
            )
        )
        goals["lighthouse"] = False
    for key, result in scores.items():
        label = PAGES[key][0]
        if "error" in result:
            value, ok = "failed: " + result["error"].splitlines()[-1][:120], False
        else:
            got = result["scores"]
            ok = all(v is not None and v >= LIGHTHOUSE_GOAL for v in got.values())
            below = sorted(
                {a["id"] for c in result["failed"].values() for a in c}
            )  # the audits to look at
            value = " / ".join(str(got[c]) for c in LIGHTHOUSE_CATEGORIES) + (
                f" (failed: {', '.join(below)})" if below else ""
            )
        goals[f"lighthouse_{key}"] = ok
        rows.append(
            Row(
                f"Lighthouse {version}, {label}: accessibility / best practices",
                value,
                goal=f">= {LIGHTHOUSE_GOAL} each",
                passed=ok,
            )
        )
    return SectionResult(figures, rows, goals)
