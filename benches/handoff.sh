#!/usr/bin/env bash
# Old binary against new, alternated in one run on one machine (issue 18).
#
#   benches/handoff.sh [BASE_COMMIT] [ROUNDS]
#
# Builds BASE_COMMIT (default: the commit before the leader/follower change)
# from `git archive` into target/base, and the working tree into
# target/release; starts both on loopback with their own data directories; and
# runs `wrk -t2 -c32 -d5s` against each in turn, ROUNDS times (default 3), for
# keep-alive GET /healthz, keep-alive GET / and `Connection: close` GET /healthz.
# Alternating old and new spreads the machine's other load over both.
# Prints one line per run (requests per second, and the server's context
# switches per request, which the machine's other load disturbs far less) and,
# per scenario, the median of each binary and their ratio. Needs `wrk`.
set -euo pipefail
BASE=${1:-ae91bcc}
ROUNDS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/helpdesk-handoff.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# OLD_BIN / NEW_BIN: use binaries already built instead.
if [ -z "${OLD_BIN:-}" ]; then
    mkdir -p "$WORK/src"
    git -C "$ROOT" archive "$BASE" | tar -x -C "$WORK/src"
    # `git archive` dates files at the commit; cargo would then think a binary
    # built from newer sources in the same target dir is up to date.
    find "$WORK/src" -type f -exec touch {} +
    (cd "$WORK/src" && cargo build --release --quiet --target-dir "$ROOT/target/base")
    OLD_BIN="$ROOT/target/base/release/helpdesk"
fi
if [ -z "${NEW_BIN:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
    NEW_BIN="$ROOT/target/release/helpdesk"
fi

start() { # name binary port
    mkdir -p "$WORK/$1"
    RUST_LOG=warn "$2" --addr "127.0.0.1:$3" --data-dir "$WORK/$1" >"$WORK/$1.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$3/healthz" >/dev/null && return
        sleep 0.1
    done
    echo "$1 did not start" >&2; cat "$WORK/$1.log" >&2; exit 1
}
start old "$OLD_BIN" 18401
start new "$NEW_BIN" 18402

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)"
declare -A RESULTS
# Context switches of all of a server's threads so far: a figure the machine's
# other load does not change much, unlike requests per second.
switches() { # pid
    cat /proc/"$1"/task/*/status | awk '/ctxt_switches/ {n += $2} END {print n}'
}
run() { # scenario port pid extra-args...
    local scenario=$1 port=$2 pid=$3; shift 3
    local out rps requests before after
    before=$(switches "$pid")
    out=$(wrk -t2 -c32 -d5s "$@" "http://127.0.0.1:$port$path" 2>&1)
    after=$(switches "$pid")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    printf '%s %.2f\n' "$rps" "$(awk -v s=$((after - before)) -v r="$requests" 'BEGIN {print s / r}')"
}
for scenario in "keep-alive /healthz" "keep-alive /" "close /healthz"; do
    case $scenario in
        "keep-alive /healthz") path=/healthz; extra=() ;;
        "keep-alive /") path=/; extra=() ;;
        "close /healthz") path=/healthz; extra=(-H "Connection: close") ;;
    esac
    old=(); new=()
    for round in $(seq "$ROUNDS"); do
        read -r o os <<<"$(run "$scenario" 18401 "${PIDS[0]}" "${extra[@]}")"
        read -r n ns <<<"$(run "$scenario" 18402 "${PIDS[1]}" "${extra[@]}")"
        old+=("$o"); new+=("$n")
        printf '%-22s round %d  old %10s  new %10s req/s   switches/request old %s new %s  load %s\n' \
            "$scenario" "$round" "$o" "$n" "$os" "$ns" "$(cut -d' ' -f1 /proc/loadavg)"
    done
    om=$(printf '%s\n' "${old[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    nm=$(printf '%s\n' "${new[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%-22s median  old %10s  new %10s  new/old %.2f\n' "$scenario" "$om" "$nm" \
        "$(awk -v o="$om" -v n="$nm" 'BEGIN {print n / o}')"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
