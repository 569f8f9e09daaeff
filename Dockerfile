# helpdesk in a container: a multi-stage build, a non-root runtime with no shell,
# the data in a volume, and a HEALTHCHECK that needs no curl. See docs/install.md.
#
#   docker build -t helpdesk .
#   docker run -d --name helpdesk -p 8080:8080 -v helpdesk-data:/data helpdesk
#   docker logs helpdesk          # the first-run setup link is printed here

# --- build: the release binary, with the web app and SQLite inside it ---
FROM rust:1-bookworm AS build
WORKDIR /src
# Crates first, so editing our own code does not download them again.
COPY Cargo.toml Cargo.lock build.rs ./
COPY benches ./benches
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
 && cargo fetch --locked && rm -r src
COPY src ./src
COPY public ./public
RUN cargo build --release --locked --bin helpdesk \
 && mkdir /data-template

# --- runtime: glibc and CA roots, no shell, no package manager, user 65532 ---
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/helpdesk /usr/local/bin/helpdesk
# The volume's mount point, owned by the non-root user so a fresh named volume
# is writable (Docker copies this ownership into it).
COPY --from=build --chown=65532:65532 /data-template /data
ENV HELPDESK_DATA_DIR=/data \
    HELPDESK_ADDR=0.0.0.0:8080
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
# `helpdesk healthcheck` asks the server at HELPDESK_ADDR for /healthz.
HEALTHCHECK --interval=30s --timeout=6s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/helpdesk", "healthcheck"]
# SIGTERM (docker stop) shuts down gracefully within 10 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/helpdesk"]
CMD ["serve"]
