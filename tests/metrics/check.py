#!/usr/bin/env python3
"""Parses helpdesk's GET /metrics with Prometheus's own text parser.

Usage: python3 tests/metrics/check.py target/release/helpdesk

Starts the binary on a free loopback port with a fresh data directory, makes a
few requests (a page, the API, a 404), reads /metrics and parses it with
prometheus_client (pip install prometheus-client). Fails (exit 1) when the text
does not parse, a family is missing or has the wrong type, a label holds an id,
or a histogram's buckets are not cumulative. Run by .ci/run.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

EXPECTED = {
    "helpdesk_http_requests": "counter",
    "helpdesk_http_request_duration_seconds": "histogram",
    "helpdesk_connections_open": "gauge",
    "helpdesk_connections_parked": "gauge",
    "helpdesk_connections_streaming": "gauge",
    "helpdesk_worker_queue_depth": "gauge",
    "helpdesk_workers_busy": "gauge",
    "helpdesk_db_write_wait_seconds": "summary",
    "helpdesk_tickets": "gauge",
    "helpdesk_uptime_seconds": "gauge",
    "process_resident_memory_bytes": "gauge",
    "process_open_fds": "gauge",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/helpdesk"
    data = tempfile.mkdtemp(prefix="helpdesk-metrics-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, RUST_LOG="warn")
    server = subprocess.Popen(
        [binary, "--addr", f"127.0.0.1:{port}", "--data-dir", data],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                if get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("the server did not start")
        get(base + "/")
        get(base + "/api/me")
        get(base + "/api/tickets/12345")
        get(base + "/api/nowhere/67890")
        status, text = get(base + "/metrics")
        assert status == 200, f"/metrics answered {status}: {text}"
        families = {f.name: f for f in text_string_to_metric_families(text)}
        problems = []
        for name, kind in EXPECTED.items():
            f = families.get(name)
            if f is None:
                problems.append(f"missing family {name}")
            elif f.type != kind:
                problems.append(f"{name} is a {f.type}, not a {kind}")
            elif not f.samples:
                problems.append(f"{name} has no samples")
        for f in families.values():
            for s in f.samples:
                for k, v in s.labels.items():
                    if k == "route" and re.search(r"\d", v):
                        problems.append(f"a route label holds a number: {v}")
        routes = {(s.labels.get("route"), s.labels.get("code"))
                  for s in families["helpdesk_http_requests"].samples}
        for want in [("/healthz", "2xx"), ("static", "2xx"), ("/api/me", "4xx"),
                     ("/api/tickets/:number", "4xx"), ("unmatched", "4xx")]:
            if want not in routes:
                problems.append(f"no requests counted for {want}: {sorted(routes)}")
        buckets = [s for s in families["helpdesk_http_request_duration_seconds"].samples
                   if s.name.endswith("_bucket")]
        counts = [s.value for s in buckets]
        if counts != sorted(counts) or buckets[-1].labels["le"] != "+Inf":
            problems.append(f"histogram buckets are not cumulative: {counts}")
        if problems:
            print("\n".join(problems))
            sys.exit(1)
        print(f"/metrics parsed: {len(families)} families, {sum(len(f.samples) for f in families.values())} samples")
    finally:
        server.terminate()
        server.wait(timeout=15)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
