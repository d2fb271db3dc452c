#!/bin/sh
# Compiles udp.c into OUT/linux-ARCH/libgeodns-udp.so, for this machine's architecture and for each other one
# (x86_64, aarch64) whose cross compiler, ARCH-linux-gnu-gcc, is installed. A missing compiler for this
# machine fails the build; so does a missing one for an architecture named in REQUIRED (the Docker build
# requires both, since the jar is built once for every platform).
#   build.sh OUT JAVA_HOME [REQUIRED...]
set -eu
out=$1
jdk=$2
shift 2
source=$(dirname "$0")/udp.c
host=$(uname -m)
built=""
for arch in x86_64 aarch64; do
    compiler=$arch-linux-gnu-gcc
    if ! command -v "$compiler" >/dev/null 2>&1; then
        [ "$arch" = "$host" ] || continue
        compiler=cc
    fi
    mkdir -p "$out/linux-$arch"
    "$compiler" -std=gnu11 -O2 -fPIC -shared -Wall -Wextra -Wno-unused-parameter \
        -I"$jdk/include" -I"$jdk/include/linux" -o "$out/linux-$arch/libgeodns-udp.so" "$source"
    built="$built $arch"
done
for arch in "$@"; do
    case " $built " in
        *" $arch "*) ;;
        *) echo "build.sh: no C compiler for $arch ($arch-linux-gnu-gcc): cannot build the native UDP transport" >&2
           exit 1 ;;
    esac
done
echo "native UDP transport built for:$built"
