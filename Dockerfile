# Hallway in a container: SQLite in the /app/data volume, or PostgreSQL with DATABASE_URL.
#
#   docker build -t hallway .
#   docker run -p 8000:8000 -v hallway-data:/app/data \
#       -e HALLWAY_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" \
#       -e HALLWAY_PUBLIC_URL=https://hallway.example.org hallway
#
# Several replicas with PostgreSQL, Redis and Caddy in front: compose.yaml, and docs/deploying.md.
#
# HALLWAY_ENVIRONMENT=production refuses to start without HALLWAY_SECRET_KEY (at least 32 random
# characters): it signs every session cookie. Production cookies are Secure, so serve it over HTTPS
# (see docs/deploying.md), or set HALLWAY_COOKIE_SECURE=false to try it over plain HTTP.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HALLWAY_ENVIRONMENT=production \
    HALLWAY_DATA_DIR=/app/data

RUN useradd --create-home --home-dir /home/hallway --uid 10001 hallway

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY static ./static
COPY deploy/entrypoint.sh /usr/local/bin/hallway-entrypoint
# Editable on purpose: the app finds migrations/ and static/ beside its package directory, in /app.
RUN pip install --editable . \
    && mkdir -p /app/data \
    && chown hallway:hallway /app/data

USER hallway
VOLUME ["/app/data"]
EXPOSE 8000

# The process answers (no database: a database restarting must not get every replica killed). Readiness,
# database and Redis included, is /readyz, for a load balancer. No curl in the slim image: Python asks.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# Migrates, then execs the command: SIGTERM reaches `hallway serve`, which drains its writes and tells the
# live pages to reconnect. Give it time: `docker stop -t 30` (compose.yaml's stop_grace_period).
ENTRYPOINT ["hallway-entrypoint"]
CMD ["hallway", "serve", "--host", "0.0.0.0", "--port", "8000"]
