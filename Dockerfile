# syntax=docker/dockerfile:1
#
# Ferrio's container: a release build of the `ferrio` binary on Debian bookworm-slim.
#   docker build -t ferrio .
#   docker run --rm -p 8080:8080 -e CONFIG_SECRET=... ferrio
#
# The binary is self-contained: manifest.json, templates/ and static/ (logo, background,
# status videos) are compiled into it, so the runtime image holds nothing else of Ferrio's.

ARG RUST_VERSION=1.95

# --- Build -----------------------------------------------------------------------------------
FROM rust:${RUST_VERSION}-slim-bookworm AS builder
WORKDIR /app

# jemalloc (the binary's allocator) is built from source by its crate, which needs make.
RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*

# 1. Dependencies alone, so this layer is rebuilt only when a manifest or the lockfile changes.
#    Cargo loads the whole workspace, so every member's manifest is copied and every target it
#    declares gets a stub source (tests/api/docker.rs checks that none is missing). The members
#    other than Ferrio itself (the test fakes, the test kit, the benchmark driver) are never
#    compiled here: only the `ferrio` binary is built.
COPY Cargo.toml Cargo.lock ./
COPY fakes/Cargo.toml fakes/Cargo.toml
COPY testkit/Cargo.toml testkit/Cargo.toml
COPY bench/Cargo.toml bench/Cargo.toml
RUN mkdir -p src fakes/src testkit/src bench/src/bin \
    && printf 'fn main() {}\n' > src/main.rs \
    && : > src/lib.rs \
    && : > fakes/src/lib.rs \
    && : > testkit/src/lib.rs \
    && printf 'fn main() {}\n' > bench/src/main.rs \
    && printf 'fn main() {}\n' > bench/src/bin/baseline.rs \
    && cargo build --release --locked --bin ferrio \
    && rm -rf src

# 2. The sources (.dockerignore keeps out target/, tests, the other members' sources,
#    node_modules, .git); the stubs of step 1 stand in for the members' sources.
#    COPY keeps the files' own mtimes, which may be older than the stub build above: touch the
#    crate roots so cargo rebuilds Ferrio itself instead of keeping the stub.
COPY . .
RUN touch src/lib.rs src/main.rs \
    && cargo build --release --locked --bin ferrio \
    && cp target/release/ferrio /usr/local/bin/ferrio

# --- Run -------------------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime

# ca-certificates: TLS roots for anything that reads the system store (Ferrio's rustls client
# ships its own, this is belt and braces). curl: the HEALTHCHECK below. The slim image has no
# HTTP client, and a probe through bash's /dev/tcp cannot check the status line reliably;
# curl -f fails on any non-2xx answer and --max-time bounds a hung server.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 ferrio \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin ferrio

COPY --from=builder /usr/local/bin/ferrio /usr/local/bin/ferrio

# Numeric, so platforms that check runAsNonRoot can verify it.
USER 10001:10001

# Listen on every interface inside the container. Every other setting (see .env.example) has a
# working default; set CONFIG_SECRET, REDIS_URL and PUBLIC_URL at run time.
ENV HOST=0.0.0.0 \
    PORT=8080
EXPOSE 8080

# /healthz answers 200 as long as the process serves; it touches no dependency. The probe goes
# to 127.0.0.1, which HOST=0.0.0.0 covers, on whatever PORT the container runs with.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD curl -fsS --max-time 4 -o /dev/null "http://127.0.0.1:${PORT}/healthz" || exit 1

# actix-web drains requests in flight on SIGTERM (up to 10 s), then exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/ferrio"]
