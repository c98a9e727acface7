# Khobor as a container: `khobor run` as a numeric non-root user, its data (SQLite) in the /data volume.
# BASE_IMAGE lets it build where no registry is reachable: any Debian-like image with python3 (>= 3.11),
# its venv module and pip, e.g. the one ../shared/tools/container-check makes. Both stages must use it.
# Secrets are never baked in: pass KHOBOR_*_TOKEN or KHOBOR_*_TOKEN_FILE at run time (see compose.yaml).
ARG BASE_IMAGE=python:3.12-slim

FROM $BASE_IMAGE AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
# `python3 -m venv` works on both the official image (/usr/local/bin) and Debian's python3 (/usr/bin).
RUN python3 -m venv /opt/khobor
WORKDIR /src
COPY pyproject.toml ./
# Dependencies first, in a layer of their own (empty packages and README stand in for the real ones), so
# that a change to the code or the README rebuilds only the steps after it.
RUN mkdir bot digests && touch README.md \
 && /opt/khobor/bin/pip install --no-cache-dir '.[postgres]'
COPY README.md ./
COPY bot ./bot
COPY digests ./digests
# Then the project itself, a regular (not editable) install. pip compiles the bytecode here because the
# runtime user cannot write into the venv; pip itself and the packages' own tests are not needed there.
RUN /opt/khobor/bin/pip install --no-cache-dir --no-deps --force-reinstall . \
 && /opt/khobor/bin/pip uninstall --yes pip \
 && find /opt/khobor/lib -type d -name tests -prune -exec rm -rf {} +

FROM $BASE_IMAGE
LABEL org.opencontainers.image.title="khobor" \
      org.opencontainers.image.description="Self-hosted regional news digest bot for Discord and Slack" \
      org.opencontainers.image.licenses="MIT"
COPY --from=builder /opt/khobor /opt/khobor
# The bot runs as uid 10001 (no account needed), which owns only /data; the venv stays root's, read-only.
RUN mkdir /data && chown 10001:10001 /data && chmod 0750 /data
ENV PATH=/opt/khobor/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/data \
    KHOBOR_DATA_DIR=/data
# No KHOBOR_SETTINGS here: without a file the built-in defaults apply. Mount one and point
# KHOBOR_SETTINGS at it (compose.yaml does), or mount it as /data/settings.toml (the working directory).
VOLUME ["/data"]
WORKDIR /data
USER 10001:10001
# [health] port, default 8080: /healthz answers 200 while the bot runs.
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["khobor", "healthcheck"]
CMD ["khobor", "run"]
