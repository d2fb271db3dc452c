#!/usr/bin/env bash
# The packaged jar on arm64, a Raspberry Pi's architecture: Debian's arm64 JRE (under qemu-user on another
# architecture) runs server/target/geodns.jar with the example zones and the embedded DB. It must load the
# jar's aarch64 native UDP library and answer geo queries over UDP and TCP. Fails loudly; stops what it starts.
#
# Needs root on Debian for `dpkg --add-architecture arm64` and the downloads, once: the JRE and qemu are unpacked
# into $GEODNS_ARM64_ROOT (default /tmp/geodns-arm64), nothing is installed.
set -euo pipefail
cd "$(dirname "$0")/../.."

jar=server/target/geodns.jar
root="${GEODNS_ARM64_ROOT:-/tmp/geodns-arm64}"
jre=usr/lib/jvm/java-17-openjdk-arm64/bin/java
fail() { echo "arm64 smoke: FAILED: $*" >&2; exit 1; }

# Through a variable: `grep -q` in a pipe may close it early, and pipefail then fails the script.
entries="$(jar tf "$jar")"
grep -q '^native/linux-aarch64/libgeodns-udp.so$' <<<"$entries" \
  || fail "$jar has no aarch64 native library (the build needs gcc-aarch64-linux-gnu)"

unpack() {
  local debs="$root/debs"
  mkdir -p "$debs/partial" "$root/fs" "$root/qemu"
  dpkg --add-architecture arm64
  apt-get update -qq
  apt-get install -y -qq --download-only -o Dir::Cache::archives="$debs" \
    openjdk-17-jre-headless:arm64 qemu-user-static >/dev/null
  for deb in "$debs"/*_arm64.deb; do dpkg-deb -x "$deb" "$root/fs"; done
  dpkg-deb -x "$(ls "$debs"/qemu-user-static_*.deb)" "$root/qemu"
}

if [ "$(uname -m)" = aarch64 ]; then
  run=(java)
else
  [ -x "$root/fs/$jre" ] && [ -x "$root/qemu/usr/bin/qemu-aarch64-static" ] || unpack
  run=("$root/qemu/usr/bin/qemu-aarch64-static" -L "$root/fs" "$root/fs/$jre")
fi

dns=$((20000 + RANDOM % 20000))  # a clash shows as "Address already in use" in the log below
http=$((dns + 1))
log="$(mktemp)"
"${run[@]}" -XX:+UseSerialGC -jar "$jar" serve --zones zones --dns "127.0.0.1:$dns" --http "127.0.0.1:$http" \
  >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 180); do  # an emulated JVM starts in about 30 s here
  grep -q 'listening on udp+tcp' "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "the server exited"; }
  sleep 1
done
grep 'listening on udp+tcp' "$log" || { cat "$log"; fail "not listening after 180 s"; }
grep -q '(udp: recvmmsg' "$log" || { cat "$log"; fail "the native UDP transport did not load on arm64"; }

expect() {  # expect WHAT ANSWER dig-args...
  local what="$1" want="$2"
  shift 2
  local got
  got="$(dig @127.0.0.1 -p "$dns" +short +tries=1 +time=10 "$@" | sort | tr '\n' ' ')"
  [ "$got" = "$want " ] || fail "$what: got '$got', want '$want'"
  echo "arm64 smoke: $what: $want"
}
expect "London client over UDP" "192.0.2.11 192.0.2.12" app.example.com A +subnet=81.2.69.0/24
expect "Tokyo client over TCP" "203.0.113.41 203.0.113.42" app.example.com A +subnet=1.0.16.0/24 +tcp
expect "a static name" "192.0.2.80" www.example.com A
echo "arm64 smoke: ok ($(uname -m) host)"
