# syntax=docker/dockerfile:1
#
# Waypoint production image: gunicorn serves config.wsgi, WhiteNoise serves the collected static
# files. The same image runs the Celery worker and beat (see docker-compose.yml).
#
#   docker build -t waypoint .
#   docker run --env-file prod.env -p 8000:8000 waypoint
#
# Configuration comes only from the environment at run time (SECRET_KEY, ALLOWED_HOSTS,
# DATABASE_URL, REDIS_URL, EMAIL_URL, ...); nothing secret is baked into the image.

# ---------------------------------------------------------------------------------------------
# builder: a virtualenv holding the runtime dependencies pinned in pyproject.toml
# ---------------------------------------------------------------------------------------------
FROM python:3.11.14-slim-bookworm AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"

WORKDIR /build
# Only the dependency list first, so this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
# Install [project].dependencies (already pinned there), not the project itself: the app runs
# from its source tree in /app, where BASE_DIR finds templates/ and static/. Every dependency
# ships wheels (psycopg[binary] bundles libpq), so no compiler or system library is needed.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip install --no-cache-dir -r requirements.txt

# ---------------------------------------------------------------------------------------------
# runtime
# ---------------------------------------------------------------------------------------------
FROM python:3.11.14-slim-bookworm AS runtime

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WEB_CONCURRENCY=2

RUN groupadd --system --gid 10001 waypoint \
    && useradd --system --uid 10001 --gid waypoint --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin waypoint

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# Source stays owned by root: the app user can read it but not change it.
COPY . .

# Static files are collected (hashed and compressed) at build time. Settings refuse to load without
# a SECRET_KEY of 50+ characters, so this one RUN line gets a throwaway key that is never used to
# sign anything and does not persist in the image's environment.
RUN SECRET_KEY=build-only-collectstatic-key-not-secret-never-used-at-runtime-0000 \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown waypoint:waypoint /app/media

# Numeric, so orchestrators can verify runAsNonRoot without reading /etc/passwd.
USER 10001:10001

EXPOSE 8000

# GET /healthz (database and Redis reachable?) with the first ALLOWED_HOSTS entry as Host, else
# Django answers 400; /healthz is exempt from the HTTPS redirect. scripts/healthcheck.py is
# standard library only (the image has no curl). The worker and beat turn this off (compose).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/scripts/healthcheck.py"]

# Workers: the WEB_CONCURRENCY environment variable (gunicorn reads it; default 2 above), each
# with 4 threads: keep-alive for training scripts' sessions, and a slow client does not hold a
# whole worker (the configuration make bench measures).
# The control socket (for gunicornc) goes to /tmp: the default, $HOME/.gunicorn, is read-only here.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--worker-class", "gthread", "--threads", "4", "--control-socket", "/tmp/gunicorn.ctl"]
