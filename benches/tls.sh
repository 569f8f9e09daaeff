#!/usr/bin/env bash
# Plain HTTP against HTTPS on one binary (issue 18): keep-alive requests per
# second and p99, and new TLS connections per second (`Connection: close`:
# every request is a full handshake).
#
#   benches/tls.sh            (builds the release binary; BIN=... to use another)
#
# Starts two instances on loopback, one plain and one with a self-signed
# certificate from `helpdesk cert`, and runs `wrk -t2 -c32 -d5s --latency`
# against GET /healthz on each. Needs `wrk` built with TLS (the usual package).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/helpdesk-tls.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
if [ -z "${BIN:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
    BIN="$ROOT/target/release/helpdesk"
fi
"$BIN" cert --host localhost --out "$WORK" >/dev/null

start() { # name port url extra-args...
    local name=$1 port=$2 url=$3; shift 3
    mkdir -p "$WORK/$name"
    RUST_LOG=warn "$BIN" --addr "127.0.0.1:$port" --data-dir "$WORK/$name" "$@" \
        >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do
        curl -skf "$url/healthz" >/dev/null && return
        sleep 0.1
    done
    echo "$name did not start" >&2; cat "$WORK/$name.log" >&2; exit 1
}
start plain 18411 http://127.0.0.1:18411
start tls 18412 https://localhost:18412 \
    --tls-cert "$WORK/helpdesk-cert.pem" --tls-key "$WORK/helpdesk-key.pem"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)"
measure() { # label url extra-args...
    local label=$1 url=$2; shift 2
    local out
    out=$(wrk -t2 -c32 -d5s --latency "$@" "$url" 2>&1)
    printf '%-34s %10s req/s   p50 %8s   p99 %8s\n' "$label" \
        "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
        "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
        "$(awk '$1 == "99%" {print $2}' <<<"$out")"
}
for round in 1 2; do
    measure "plain keep-alive /healthz" http://127.0.0.1:18411/healthz
    measure "TLS keep-alive /healthz" https://localhost:18412/healthz
    measure "TLS new connections (close)" https://localhost:18412/healthz -H "Connection: close"
    measure "plain new connections (close)" http://127.0.0.1:18411/healthz -H "Connection: close"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
