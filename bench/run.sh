#!/bin/sh
# The DNS benchmark of issue 7: geodns under dnsperf, optionally against gdnsd, Knot DNS and PowerDNS.
#   bench/run.sh                       geodns alone: queries/s, latency, CPU per query, memory, start-up
#   bench/run.sh --compare             the same load against geodns, the floor, gdnsd, Knot and PowerDNS
#   bench/run.sh --compare --latency   also runs at half geodns's peak rate (bench/c/latency.c: average, p99)
#   bench/run.sh --help                every option (runs, seconds, dnsperf processes, JVM flags, ...)
# Installs dnsperf (and with --compare the peers) with apt-get if missing; builds the jar only if it is missing.
# Everything runs on 127.0.0.1 and is stopped by PID when the script ends. See bench/README.md.
set -e
cd "$(dirname "$0")/.."
exec python3 -B bench/perf.py "$@"
