# syntax=docker/dockerfile:1
#
# geodns for linux/amd64 and linux/arm64 (Raspberry Pi 4/5 with a 64-bit OS). On an amd64 builder:
#
#   docker run --privileged --rm tonistiigi/binfmt --install arm64     # QEMU, for the arm64 training run
#   docker buildx create --name geodns-builder --driver docker-container --use
#   docker buildx build --platform linux/amd64,linux/arm64 -t ghcr.io/OWNER/geodns:0.1.0 --push .
#
# The runtime stage runs the image's own java once (the class-data training run below), so every platform but
# the builder's needs QEMU binfmt; the build stage runs natively. Without a registry (docker save, then
# k3s ctr images import on each node of that architecture) and on an arm64 builder: k8s/README.md, "1. Build
# the image (amd64 and arm64)". Runs as user 10001 and answers on port 53 without root (see the runtime stage).

# ---- build: the runnable jar server/target/geodns.jar (maven-shade, outputFile in server/pom.xml) ----------
# The jar is the same for every platform (it carries Netty's epoll library and our native UDP transport for
# x86_64 and aarch64), so it is built once, on the builder's own platform, rather than under emulation for each
# target.
FROM --platform=$BUILDPLATFORM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The native UDP transport (server/src/main/c) is compiled for both: gcc for the builder's architecture, a cross
# compiler for the other one. Without recommends the C library headers (libc6-dev*) must be named. The libraries
# link against glibc, which the runtime image (Ubuntu) has.
RUN set -eux; \
    case "$(dpkg --print-architecture)" in \
        amd64) cross="gcc-aarch64-linux-gnu libc6-dev-arm64-cross" ;; \
        arm64) cross="gcc-x86-64-linux-gnu libc6-dev-amd64-cross" ;; \
        *) echo "no cross compiler known for a $(dpkg --print-architecture) builder" >&2; exit 1 ;; \
    esac; \
    apt-get update; \
    apt-get install -y --no-install-recommends gcc libc6-dev $cross; \
    rm -rf /var/lib/apt/lists/*
# The Maven repository is a BuildKit cache: dependencies are downloaded once and survive changes to the poms
# and the sources alike. The root pom lists every module, so every module's pom is needed; only the server
# and what it depends on (geoip) are built. native.required fails the build if either native library cannot be
# built, rather than shipping an image that silently falls back to Netty on one platform.
COPY pom.xml ./
COPY geoip/pom.xml geoip/
COPY server/pom.xml server/
COPY src/test/pom.xml src/test/
COPY geoip/src geoip/src
COPY server/src server/src
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl server -am package -DskipTests -Dnative.required="x86_64 aarch64"

# ---- runtime: a JRE, the jar, the example zones -------------------------------------------------------------
FROM eclipse-temurin:17-jre

# Port 53 without root. Kubernetes gives a non-root process no capability of its own (no ambient
# capabilities), so java carries cap_net_bind_service as a file capability; the pod keeps NET_BIND_SERVICE in
# its bounding set and drops everything else. A binary with file capabilities runs in secure-execution mode,
# where the loader ignores java's $ORIGIN run path and would not find libjli.so: the loader cache gets it.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends libcap2-bin; \
    setcap cap_net_bind_service=+ep "$JAVA_HOME/bin/java"; \
    ln -s "$JAVA_HOME/lib/libjli.so" /usr/local/lib/libjli.so; \
    ldconfig; \
    apt-get purge -y --auto-remove libcap2-bin; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --gid 10001 geodns; \
    useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin geodns

COPY --from=build /src/server/target/geodns.jar /opt/geodns/geodns.jar
COPY zones/ /zones/

# Class data sharing: a training run (`geodns selftest`: serve the example zones until ready, answer itself over
# UDP and TCP, exit) leaves the classes it loaded, parsed and verified in an archive that every start maps
# instead of doing that work again: ready in 0.5–0.75 s instead of 0.7–1.2 s, and 3 MiB less resident
# (bench/README.md). Under QEMU (the other platform of a multi-platform build) it takes a minute or two. The
# archive belongs to this JDK build and this jar; a java that cannot use it starts without it. The flags are the
# ENTRYPOINT's, but for the archive.
RUN java -XX:+UseSerialGC -XX:MaxRAMPercentage=50 -XX:MaxMetaspaceSize=64m -Xss512k -XX:ReservedCodeCacheSize=24m \
        -XX:TrimNativeHeapInterval=2000 -XX:+ExitOnOutOfMemoryError -XX:CompileCommand=quiet \
        -XX:CompileCommand=dontinline,geodns.server.route.Routing::decide \
        -XX:ArchiveClassesAtExit=/opt/geodns/geodns.jsa -Xlog:cds=error \
        -jar /opt/geodns/geodns.jar selftest --zones /zones --dns 127.0.0.1:5300 --http 127.0.0.1:8053 \
    && test -s /opt/geodns/geodns.jsa

USER 10001:10001
EXPOSE 53/udp 53/tcp 8053

# JVM flags for small machines (1 GB Raspberry Pi, container limit 192 MiB; measured in k8s/README.md, "Memory":
# 97-99 MiB resident after load with the embedded country DB, which lives in the heap, 106 MiB at the peak;
# 67-69 MiB, peak 70, with a memory-mapped City DB instead):
#   SerialGC         one GC thread and the smallest GC overhead; pauses are short on a heap this size
#   MaxRAMPercentage heap at most half the container's memory limit, the rest for metaspace, code, threads,
#                    Netty's buffers and the memory-mapped GeoIP database
#   MaxMetaspaceSize a bound on class metadata (about 10 MB used)
#   Xss512k          half the default thread stack
#   ReservedCodeCacheSize=24m  room for what C1 and C2 compile (5 MB used after a load test), not the
#                    default 240 MB
#   TrimNativeHeapInterval=2000  hand the C2 compiler's freed arenas back to the OS every 2 s (JDK 17.0.9+);
#                    C2 answers with ~30% less CPU than C1 alone, and with the trim costs no resident memory
#   ExitOnOutOfMemoryError  exit and let Kubernetes restart the pod rather than limp on
#   CompileCommand=dontinline,...Routing::decide      keeps the GeoIP lookup and ranking of a client group not
#                    seen before (the cache miss, cold once warm) out of the answer path's C2 compiles, which
#                    then need ~20 MB less compiler memory: peak resident 98.7 -> 77.7 MiB under the bench's load
#                    with a City DB of /20 networks (bench/README.md);
#                    CompileCommand=quiet keeps the JVM from printing it at every start
#   SharedArchiveFile  the training run's class archive (above)
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50", "-XX:MaxMetaspaceSize=64m", "-Xss512k", "-XX:ReservedCodeCacheSize=24m", "-XX:TrimNativeHeapInterval=2000", "-XX:+ExitOnOutOfMemoryError", "-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,geodns.server.route.Routing::decide", "-XX:SharedArchiveFile=/opt/geodns/geodns.jsa", "-jar", "/opt/geodns/geodns.jar"]
CMD ["serve", "--zones", "/zones", "--dns", "0.0.0.0:53,[::]:53", "--http", "0.0.0.0:8053"]
