/* A paced DNS load that keeps each answer's latency in a histogram, for the benchmark's half-load run.
 *
 * Why not dnsperf: Debian 12's dnsperf (2.10) reports only an average latency; per-query latencies need -v, which
 * prints a line per answer from the thread that receives them. Against the floor server at 75,000 queries/s that
 * printing raised the average from 0.45 to 1.0 ms and the p99 to 5.5 ms: the client's tail, not the server's.
 *
 * One thread sends the queries of the files (dnsperf -B format: 2-byte length, then the message) round-robin over
 * SOCKETS connected UDP sockets (distinct source ports, so SO_REUSEPORT spreads them over the server's threads),
 * at RATE per second for SECONDS; it stamps each query's ID with its send time. Another thread receives and
 * counts each answer's latency in 1 us buckets. An ID is reused after 65,536 queries: an answer later than that
 * counts as lost.
 *
 * usage: latency ADDRESS PORT RATE SECONDS SOCKETS FILE...
 * prints: sent N answered N lost N avg_ms X p50_ms X p99_ms X p999_ms X max_ms X
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOCKETS 16
#define BUCKETS 1000000 /* 1 us each, up to 1 s */

typedef struct { uint16_t length; unsigned char *message; } query;

static query *queries;
static long query_count;
static int sockets[MAX_SOCKETS], socket_count;
static uint64_t sent_at[65536];
static uint32_t histogram[BUCKETS];
static long sent, answered;
static volatile int sending = 1;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t) t.tv_sec * 1000000000u + (uint64_t) t.tv_nsec;
}

static void read_queries(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    unsigned char length[2];
    while (fread(length, 1, 2, f) == 2) {
        query q = {(uint16_t) (length[0] << 8 | length[1]), NULL};
        q.message = malloc(q.length);
        if (q.length < 12 || fread(q.message, 1, q.length, f) != q.length) {
            fprintf(stderr, "%s: query %ld is cut short\n", path, query_count + 1);
            exit(2);
        }
        queries = realloc(queries, (size_t) (query_count + 1) * sizeof *queries);
        queries[query_count++] = q;
    }
    fclose(f);
}

static void count_answer(const unsigned char *reply) {
    uint64_t received_at = now_ns();
    uint16_t id = (uint16_t) (reply[0] << 8 | reply[1]);
    uint64_t sent_ns = __atomic_exchange_n(&sent_at[id], 0, __ATOMIC_ACQ_REL);
    if (!sent_ns) return; /* a duplicate, or an answer to a query whose ID came round again */
    uint64_t us = (received_at - sent_ns) / 1000;
    if (us >= BUCKETS) return;
    histogram[us]++;
    answered++;
}

static void *receive(void *unused) {
    (void) unused;
    struct pollfd fds[MAX_SOCKETS];
    unsigned char reply[4096];
    for (int i = 0; i < socket_count; i++) fds[i] = (struct pollfd) {sockets[i], POLLIN, 0};
    for (;;) {
        int ready = poll(fds, (nfds_t) socket_count, 100);
        if (ready == 0 && !sending) return NULL; /* 100 ms without an answer after the last query */
        for (int i = 0; i < socket_count && ready > 0; i++) {
            while (recv(sockets[i], reply, sizeof reply, MSG_DONTWAIT) >= 12) count_answer(reply);
        }
    }
}

static void send_queries(double rate, double seconds) {
    unsigned char message[65536];
    uint64_t start = now_ns(), end = start + (uint64_t) (seconds * 1e9);
    for (uint64_t t = start; t < end; t = now_ns()) {
        long due = (long) ((double) (t - start) * rate / 1e9);
        for (; sent < due; sent++) {
            query q = queries[sent % query_count];
            uint16_t id = (uint16_t) sent;
            memcpy(message, q.message, q.length);
            message[0] = (unsigned char) (id >> 8), message[1] = (unsigned char) id;
            __atomic_store_n(&sent_at[id], now_ns(), __ATOMIC_RELEASE);
            if (send(sockets[sent % socket_count], message, q.length, 0) < 0 && errno != ECONNREFUSED) {
                perror("latency: send");
                exit(1);
            }
        }
        nanosleep(&(struct timespec) {0, 50000}, NULL); /* about 4 queries per wake-up at 75,000/s */
    }
}

static double percentile(double share) {
    long wanted = (long) ((double) answered * share), seen = 0;
    for (long us = 0; us < BUCKETS; us++) {
        seen += histogram[us];
        if (seen > wanted) return (double) us / 1000.0;
    }
    return (double) BUCKETS / 1000.0;
}

int main(int argc, char **argv) {
    struct sockaddr_in server = {.sin_family = AF_INET};
    if (argc < 7 || inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
        fprintf(stderr, "usage: latency IPV4-ADDRESS PORT RATE SECONDS SOCKETS FILE...\n");
        return 2;
    }
    server.sin_port = htons((unsigned short) atoi(argv[2]));
    double rate = atof(argv[3]), seconds = atof(argv[4]);
    socket_count = atoi(argv[5]);
    if (rate <= 0 || seconds <= 0 || seconds > 600 || socket_count < 1 || socket_count > MAX_SOCKETS) {
        fprintf(stderr, "latency: RATE > 0, SECONDS in (0, 600], SOCKETS in 1..%d\n", MAX_SOCKETS);
        return 2;
    }
    for (int i = 6; i < argc; i++) read_queries(argv[i]);
    if (!query_count) { fprintf(stderr, "latency: no queries in the files\n"); return 2; }
    for (int i = 0; i < socket_count; i++) {
        sockets[i] = socket(AF_INET, SOCK_DGRAM, 0);
        if (sockets[i] < 0 || connect(sockets[i], (struct sockaddr *) &server, sizeof server)) {
            perror("latency: socket");
            return 2;
        }
    }
    pthread_t receiver;
    pthread_create(&receiver, NULL, receive, NULL);
    send_queries(rate, seconds);
    sending = 0;
    pthread_join(receiver, NULL);
    double sum = 0;
    for (long us = 0; us < BUCKETS; us++) sum += (double) us * histogram[us];
    printf("sent %ld answered %ld lost %ld avg_ms %.3f p50_ms %.3f p99_ms %.3f p999_ms %.3f max_ms %.3f\n",
           sent, answered, sent - answered, answered ? sum / (double) answered / 1000.0 : 0.0, percentile(0.5),
           percentile(0.99), percentile(0.999), percentile(1.0 - 1e-9));
    return answered ? 0 : 1;
}
