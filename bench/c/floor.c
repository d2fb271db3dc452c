/* The benchmark's floor: a UDP "server" that does no lookup at all. It receives a batch of datagrams with recvmmsg
 * and sends each one back with the QR bit set with sendmmsg, on one SO_REUSEPORT socket per thread, as geodns and
 * gdnsd do. What it costs per query, and the latency it shows, is the kernel's and the load generator's share on
 * this machine: no name server can do better on the same loopback.
 *
 * usage: floor ADDRESS PORT THREADS      (runs until SIGTERM)
 */
#define _GNU_SOURCE /* recvmmsg, sendmmsg */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define BATCH 32
#define SLOT 4096

static struct sockaddr_in address;

static int bound_socket(void) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0), on = 1, buffer_bytes = 4 << 20; /* geodns's socket buffers */
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on)
            || setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes)
            || setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes)
            || bind(fd, (struct sockaddr *) &address, sizeof address)) {
        perror("floor: socket");
        exit(1);
    }
    return fd;
}

static void *echo(void *fd_pointer) {
    int fd = *(int *) fd_pointer;
    static __thread char slots[BATCH][SLOT];
    struct mmsghdr messages[BATCH];
    struct iovec vectors[BATCH];
    struct sockaddr_in senders[BATCH];
    for (;;) {
        for (int i = 0; i < BATCH; i++) {
            vectors[i] = (struct iovec) {slots[i], SLOT};
            messages[i] = (struct mmsghdr) {.msg_hdr = {.msg_name = &senders[i], .msg_namelen = sizeof senders[i],
                                                        .msg_iov = &vectors[i], .msg_iovlen = 1}};
        }
        int received = recvmmsg(fd, messages, BATCH, MSG_WAITFORONE, NULL);
        int replies = 0;
        for (int i = 0; i < received; i++) {
            if (messages[i].msg_len < 12) continue; /* not even a DNS header */
            slots[i][2] |= 0x80;                    /* QR: a response */
            vectors[i].iov_len = messages[i].msg_len;
            messages[replies++] = messages[i];
        }
        for (int sent = 0; sent < replies;) {
            int n = sendmmsg(fd, messages + sent, (unsigned int) (replies - sent), 0);
            if (n <= 0) break; /* the datagrams are lost, as a full socket buffer would lose them */
            sent += n;
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4 || inet_pton(AF_INET, argv[1], &address.sin_addr) != 1 || atoi(argv[3]) < 1) {
        fprintf(stderr, "usage: floor IPV4-ADDRESS PORT THREADS\n");
        return 2;
    }
    address.sin_family = AF_INET;
    address.sin_port = htons((unsigned short) atoi(argv[2]));
    int threads = atoi(argv[3]);
    int *fds = calloc((size_t) threads, sizeof *fds);
    for (int i = 0; i < threads; i++) fds[i] = bound_socket(); /* all bound before any answers: no lost first query */
    for (int i = 1; i < threads; i++) {
        pthread_t thread;
        pthread_create(&thread, NULL, echo, &fds[i]);
    }
    echo(&fds[0]);
}
