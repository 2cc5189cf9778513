# govsim in a container, for machines that can pull from a container registry (Docker Hub).
# Not built in this repository's CI (no container registry is reachable there): written from the
# Docker documentation and kept minimal; see docs/cluster.md, "Getting govsim onto a cluster".
#
#   docker build -t govsim .
#   docker run --rm -v "$PWD:/work" -u "$(id -u):$(id -g)" govsim compare /app/scenarios/drivers
#
# Results go to the current folder on the host (mounted at /work, the working folder). The
# repository's scenarios/ and sweeps/ are in /app, as deploy/k8s-indexed-job.yaml expects.
# The build context has no .git (.dockerignore), so `govsim --version` says the commit is unknown.

# Rust 1.85: the crate's rust-version (Cargo.toml).
FROM rust:1.85-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
COPY --from=build /src/target/release/govsim /usr/local/bin/govsim
COPY scenarios /app/scenarios
COPY sweeps /app/sweeps
WORKDIR /work
ENTRYPOINT ["govsim"]
CMD ["--help"]
