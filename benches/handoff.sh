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
# Prints one line per run (requests per second; and, which the machine's other
# load disturbs far less, the server's context switches and CPU time per
# request) and, per scenario, the medians of each binary and their ratio.
# With CEILING=1, a third contestant runs too: `examples/ceiling.rs`, a server
# that does nothing but read and answer with the same bytes as ours (captured
# from it at the start), one thread per core, no locks. Its figure is the most
# any server could reach on this machine; the gap is all that is left to win.
# REFERENCE=BIN adds another server to compare with, started as
# `BIN ADDR HEALTHZ_FILE ROOT_FILE` (the captured responses, to serve the same
# bytes): the README's axum-on-tokio figures came from such a program, built
# outside this repository (we add no async runtime to it).
# Needs `wrk`.
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
curl -si "http://127.0.0.1:18402/healthz" >"$WORK/healthz.raw"
curl -si "http://127.0.0.1:18402/" >"$WORK/root.raw"
if [ -n "${CEILING:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet --example ceiling)
    "$ROOT/target/release/examples/ceiling" 127.0.0.1:18403 \
        "/healthz=$WORK/healthz.raw" "/=$WORK/root.raw" >"$WORK/ceiling.log" 2>&1 &
    CEILING_PID=$!
    PIDS+=("$CEILING_PID")
    sleep 0.3
fi
if [ -n "${REFERENCE:-}" ]; then
    "$REFERENCE" 127.0.0.1:18404 "$WORK/healthz.raw" "$WORK/root.raw" >"$WORK/reference.log" 2>&1 &
    REFERENCE_PID=$!
    PIDS+=("$REFERENCE_PID")
    sleep 0.3
fi

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)"
declare -A RESULTS
# Context switches of all of a server's threads so far: a figure the machine's
# other load does not change much, unlike requests per second.
switches() { # pid
    cat /proc/"$1"/task/*/status | awk '/ctxt_switches/ {n += $2} END {print n}'
}
# CPU time (user + system, clock ticks) of all of a server's threads so far.
cpu_ticks() { # pid
    awk '{print $14 + $15}' /proc/"$1"/stat
}
run() { # scenario port pid extra-args... -> "rps switches/request cpu-us/request"
    local scenario=$1 port=$2 pid=$3; shift 3
    local out rps requests before after cpu0 cpu1
    before=$(switches "$pid"); cpu0=$(cpu_ticks "$pid")
    out=$(wrk -t2 -c32 -d5s "$@" "http://127.0.0.1:$port$path" 2>&1)
    after=$(switches "$pid"); cpu1=$(cpu_ticks "$pid")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    printf '%s %.2f %.1f\n' "$rps" \
        "$(awk -v s=$((after - before)) -v r="$requests" 'BEGIN {print s / r}')" \
        "$(awk -v t=$((cpu1 - cpu0)) -v r="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {print t * 1e6 / hz / r}')"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for scenario in "keep-alive /healthz" "keep-alive /" "close /healthz"; do
    case $scenario in
        "keep-alive /healthz") path=/healthz; extra=() ;;
        "keep-alive /") path=/; extra=() ;;
        "close /healthz") path=/healthz; extra=(-H "Connection: close") ;;
    esac
    old=(); new=(); oldcpu=(); newcpu=(); ceil=(); refs=()
    for round in $(seq "$ROUNDS"); do
        read -r o os oc <<<"$(run "$scenario" 18401 "${PIDS[0]}" "${extra[@]}")"
        read -r n ns nc <<<"$(run "$scenario" 18402 "${PIDS[1]}" "${extra[@]}")"
        old+=("$o"); new+=("$n"); oldcpu+=("$oc"); newcpu+=("$nc")
        printf '%-22s round %d  old %10s  new %10s req/s   switches/request old %s new %s   server CPU us/request old %s new %s  load %s\n' \
            "$scenario" "$round" "$o" "$n" "$os" "$ns" "$oc" "$nc" "$(cut -d' ' -f1 /proc/loadavg)"
        if [ -n "${CEILING:-}" ]; then
            read -r c cs cc <<<"$(run "$scenario" 18403 "$CEILING_PID" "${extra[@]}")"
            ceil+=("$c")
            printf '%-22s round %d  ceiling %10s req/s   switches/request %s   CPU us/request %s\n' \
                "$scenario" "$round" "$c" "$cs" "$cc"
        fi
        if [ -n "${REFERENCE:-}" ]; then
            read -r r rs rc <<<"$(run "$scenario" 18404 "$REFERENCE_PID" "${extra[@]}")"
            refs+=("$r")
            printf '%-22s round %d  reference %10s req/s   switches/request %s   CPU us/request %s\n' \
                "$scenario" "$round" "$r" "$rs" "$rc"
        fi
    done
    om=$(printf '%s\n' "${old[@]}" | median); nm=$(printf '%s\n' "${new[@]}" | median)
    ocm=$(printf '%s\n' "${oldcpu[@]}" | median); ncm=$(printf '%s\n' "${newcpu[@]}" | median)
    printf '%-22s median  old %10s  new %10s  new/old %.2f   CPU us/request old %s new %s\n' \
        "$scenario" "$om" "$nm" "$(awk -v o="$om" -v n="$nm" 'BEGIN {print n / o}')" "$ocm" "$ncm"
    if [ -n "${CEILING:-}" ]; then
        cm=$(printf '%s\n' "${ceil[@]}" | median)
        printf '%-22s median  ceiling %10s  ceiling/old %.2f\n' \
            "$scenario" "$cm" "$(awk -v o="$om" -v c="$cm" 'BEGIN {print c / o}')"
    fi
    if [ -n "${REFERENCE:-}" ]; then
        rm_=$(printf '%s\n' "${refs[@]}" | median)
        printf '%-22s median  reference %10s  reference/old %.2f  new/reference %.2f\n' \
            "$scenario" "$rm_" "$(awk -v o="$om" -v r="$rm_" 'BEGIN {print r / o}')" \
            "$(awk -v n="$nm" -v r="$rm_" 'BEGIN {print n / r}')"
    fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
