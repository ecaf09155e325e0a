# syntax=docker/dockerfile:1
# positie's container image. Build it in the repository root:
#   docker build -t positie:0.1.0 .
# Run it with the configuration mounted and the secrets as files (Docker or Kubernetes
# secrets) or environment variables:
#   docker run --rm -v "$PWD/positie.toml:/etc/positie/positie.toml:ro" \
#     -v "$PWD/secrets:/run/secrets:ro" \
#     -e POSITIE_SLACK_BOT_TOKEN_FILE=/run/secrets/slack_bot_token \
#     -e POSITIE_SLACK_SIGNING_SECRET_FILE=/run/secrets/slack_signing_secret \
#     -p 3000:3000 positie:0.1.0
# deploy/compose.yaml runs it with PostgreSQL, the migrations first and a nightly backup.

# The Python that constraints.txt was resolved and tested with.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# -- build: the wheel, installed with exactly the tested versions into /opt/positie --------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY constraints.txt ./
RUN python -m pip install --no-cache-dir -c constraints.txt build \
    && python -m venv /opt/positie
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY adapters ./adapters
COPY scheduling ./scheduling
COPY emulators ./emulators
COPY positie ./positie
COPY report ./report
RUN python -m build --wheel --outdir /dist . \
    && /opt/positie/bin/pip install --no-cache-dir -c constraints.txt /dist/positie-*.whl

# -- runtime: the virtualenv only, run by an unprivileged user -------------------------------
FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="positie" \
      org.opencontainers.image.description="Statements out, positions in, per-layer digests." \
      org.opencontainers.image.licenses="EUPL-1.2"
ENV PATH=/opt/positie/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    POSITIE_CONFIG=/etc/positie/positie.toml \
    MPLCONFIGDIR=/tmp/matplotlib
# Pango and a font for `positie report`'s PDF (WeasyPrint); Debian bookworm's versions.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0=1.50.12+ds-1 \
       libpangoft2-1.0-0=1.50.12+ds-1 fonts-dejavu-core=2.37-6 \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 positie \
    && useradd --system --uid 10001 --gid positie --home-dir /var/lib/positie \
       --shell /usr/sbin/nologin positie \
    && install -d -o positie -g positie -m 0750 /var/lib/positie \
    && install -d -m 0755 /etc/positie
COPY --from=build /opt/positie /opt/positie
USER 10001:10001
# The SQLite file (the default database URL is relative) lives here; use PostgreSQL to run
# more than one container.
WORKDIR /var/lib/positie
VOLUME ["/var/lib/positie"]
# Slack events (slack.port), Telegram webhook (telegram.webhook_port), monitoring.
EXPOSE 3000 8443 9464
# /healthz on the monitoring listener ([monitoring] port 9464; change both together).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9464/healthz', timeout=4)"]
ENTRYPOINT ["positie"]
CMD ["run"]
