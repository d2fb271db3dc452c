/*
 * The UDP socket calls of geodns's native transport (geodns.server.transport.NativeUdp), in the shape gdnsd and
 * Knot use: one blocking SO_REUSEPORT socket per thread, recvmmsg for a batch of queries, sendmmsg for the batch
 * of replies. Java owns every buffer (direct ByteBuffers); this file only points the kernel at them, so a query
 * costs the kernel's work and nothing per packet on the Java heap.
 *
 * A slot record in the meta buffer, one per datagram of a batch (layout shared with NativeUdp.java):
 *   [0, 4)   received length (a slot holds the largest UDP payload, so no datagram is ever cut)
 *   [4, 8)   reply offset in the out buffer
 *   [8, 12)  reply length (0: no reply)
 *   [12, 16) sender address length
 *   [16, 44) sender address: struct sockaddr_in or sockaddr_in6
 *   [44, 48) control length (0 on a socket bound to one address)
 *   [48, 88) control: the query's IP_PKTINFO / IPV6_PKTINFO, turned into the reply's source address
 *
 * A wildcard socket (0.0.0.0, ::) is told each datagram's destination (IP_PKTINFO, IPV6_RECVPKTINFO), and its
 * reply leaves with that address as its source: on a node with several addresses the kernel would otherwise
 * pick one, and a resolver that asked another drops the reply. The control message is received into the slot
 * and sent back from it, so this costs no copy and no call beyond the recvmmsg and sendmmsg already made.
 */
#define _GNU_SOURCE /* recvmmsg, sendmmsg */
#include <errno.h>
#include <jni.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define SLOT_RECORD 128
#define MAX_BATCH 64
/* Room for one cmsg of either family; in6_pktinfo (20 bytes) is the larger. */
#define CONTROL_SPACE CMSG_SPACE(sizeof(struct in6_pktinfo))

enum { RECEIVED = 0, REPLY_OFFSET = 4, REPLY_LENGTH = 8, ADDRESS_LENGTH = 12, ADDRESS = 16, CONTROL_LENGTH = 44,
       CONTROL = 48 };

_Static_assert(CONTROL + CONTROL_SPACE <= SLOT_RECORD, "a slot record holds its control message");
_Static_assert(CONTROL % sizeof(size_t) == 0, "cmsg headers are aligned");

static int32_t *field(unsigned char *meta, int slot, int at) {
    return (int32_t *) (meta + (size_t) slot * SLOT_RECORD + at);
}

static int fail(int fd) {
    int error = errno;
    if (fd >= 0) {
        close(fd);
    }
    return -error;
}

/* A bound UDP socket for address (4 or 16 bytes) and port, or -errno. */
JNIEXPORT jint JNICALL Java_geodns_server_transport_NativeUdp_open(JNIEnv *env, jclass cls, jbyteArray address,
                                                                     jint port, jint bufferBytes) {
    struct sockaddr_storage bound;
    socklen_t boundLength;
    jsize length = (*env)->GetArrayLength(env, address);
    memset(&bound, 0, sizeof bound);
    if (length == 4) {
        struct sockaddr_in *v4 = (struct sockaddr_in *) &bound;
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t) port);
        (*env)->GetByteArrayRegion(env, address, 0, 4, (jbyte *) &v4->sin_addr);
        boundLength = sizeof *v4;
    } else if (length == 16) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *) &bound;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t) port);
        (*env)->GetByteArrayRegion(env, address, 0, 16, (jbyte *) &v6->sin6_addr);
        boundLength = sizeof *v6;
    } else {
        return -EINVAL;
    }
    int fd = socket(bound.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return fail(-1);
    }
    int on = 1;
    /*
     * Replies leave without DF and the socket ignores ICMP "fragmentation needed": a forged ICMP cannot shrink
     * the path MTU to get replies fragmented, which is how fragment-injection cache poisoning starts (gdnsd and
     * Knot do the same). IP_PMTUDISC_OMIT and IPV6_PMTUDISC_OMIT are both 5.
     */
    int omit = IP_PMTUDISC_OMIT;
    int wildcard = length == 4 ? ((struct sockaddr_in *) &bound)->sin_addr.s_addr == htonl(INADDR_ANY)
                               : IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *) &bound)->sin6_addr);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) < 0
            || setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufferBytes, sizeof bufferBytes) < 0
            || setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufferBytes, sizeof bufferBytes) < 0
            || (length == 16 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) < 0)
            || setsockopt(fd, length == 4 ? IPPROTO_IP : IPPROTO_IPV6, length == 4 ? IP_MTU_DISCOVER : IPV6_MTU_DISCOVER,
                          &omit, sizeof omit) < 0
            || (wildcard && setsockopt(fd, length == 4 ? IPPROTO_IP : IPPROTO_IPV6,
                                       length == 4 ? IP_PKTINFO : IPV6_RECVPKTINFO, &on, sizeof on) < 0)
            || bind(fd, (struct sockaddr *) &bound, boundLength) < 0) {
        return fail(fd);
    }
    return fd;
}

/* One thread's receive headers, pointed at its buffers once rather than rebuilt for every call. */
static __thread struct mmsghdr received_messages[MAX_BATCH];
static __thread struct iovec received_vectors[MAX_BATCH];
static __thread unsigned char *received_into;
static __thread unsigned char *received_meta;

/*
 * Receive slots: each holds the largest UDP payload (65,535 bytes), so a legal query of any size arrives whole and
 * is answered, as Knot answers it (Knot's slots are as large). Resident memory stays flat all the same: the slots
 * are mapped, not allocated by Java (which would zero, and so touch, every page), so a page becomes resident only
 * when a datagram reaches it; a query fits in the first page of its slot, and the pages a large datagram touched
 * beyond it are handed back to the kernel (MADV_DONTNEED) before the next receive. So a thread holds 32 slots x
 * 4 KiB resident, large queries or not, as it did when a slot was 4 KiB and a larger query was cut short.
 */
#define RESIDENT_SLOT_BYTES 4096

/* Slots of the last receive that a datagram filled past RESIDENT_SLOT_BYTES (bit i: slot i). */
static __thread uint64_t large_slots;

/* A mapping of bytes for receive slots, as a direct ByteBuffer; null if it cannot be mapped. */
JNIEXPORT jobject JNICALL Java_geodns_server_transport_NativeUdp_map(JNIEnv *env, jclass cls, jlong bytes) {
    void *memory = mmap(NULL, (size_t) bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                        -1, 0);
    return memory == MAP_FAILED ? NULL : (*env)->NewDirectByteBuffer(env, memory, bytes);
}

/* Unmaps a buffer of map(); the caller makes sure no thread uses it any more. */
JNIEXPORT void JNICALL Java_geodns_server_transport_NativeUdp_unmap(JNIEnv *env, jclass cls, jobject buffer) {
    munmap((*env)->GetDirectBufferAddress(env, buffer), (size_t) (*env)->GetDirectBufferCapacity(env, buffer));
}

static void note_large_slots(int received) {
    for (int i = 0; i < received; i++) {
        if (received_messages[i].msg_len > RESIDENT_SLOT_BYTES) {
            large_slots |= (uint64_t) 1 << i;
        }
    }
}

/* Hands back the pages the last receive's large datagrams touched past each slot's first page(s). */
static void release_large_slots(unsigned char *base, int slotSize) {
    if (large_slots == 0) {
        return;
    }
    size_t page = (size_t) sysconf(_SC_PAGESIZE);
    size_t kept = (RESIDENT_SLOT_BYTES + page - 1) / page * page;
    for (int i = 0; i < MAX_BATCH && kept < (size_t) slotSize; i++) {
        if (large_slots & (uint64_t) 1 << i) {
            madvise(base + (size_t) i * slotSize + kept, (size_t) slotSize - kept, MADV_DONTNEED);
        }
    }
    large_slots = 0;
}

static void point_at(unsigned char *base, unsigned char *meta, int slotSize) {
    memset(received_messages, 0, sizeof received_messages);
    for (int i = 0; i < MAX_BATCH; i++) {
        received_vectors[i].iov_base = base + (size_t) i * slotSize;
        received_vectors[i].iov_len = (size_t) slotSize;
        received_messages[i].msg_hdr.msg_iov = &received_vectors[i];
        received_messages[i].msg_hdr.msg_iovlen = 1;
        received_messages[i].msg_hdr.msg_name = meta + (size_t) i * SLOT_RECORD + ADDRESS;
        received_messages[i].msg_hdr.msg_control = meta + (size_t) i * SLOT_RECORD + CONTROL;
    }
    received_into = base;
    received_meta = meta;
}

/*
 * Turns a received datagram's pktinfo, in place, into the one its reply is sent with: source = the address the
 * query was sent to. The interface is left to the routing table (ifindex 0), as nginx does, so a reply to a
 * query that came in on one link may leave on another that routes to the client (a link-local client's scope
 * is in its sockaddr_in6 and picks the link). Returns the control length to send, 0 for none (a socket bound
 * to one address gets no pktinfo and needs none).
 */
static int32_t reply_source(struct msghdr *message) {
    struct cmsghdr *c = message->msg_controllen > 0 ? CMSG_FIRSTHDR(message) : NULL;
    if (c == NULL) {
        return 0;
    }
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        struct in_pktinfo *info = (struct in_pktinfo *) CMSG_DATA(c);
        info->ipi_spec_dst = info->ipi_addr;
        info->ipi_ifindex = 0;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        ((struct in6_pktinfo *) CMSG_DATA(c))->ipi6_ifindex = 0;
    } else {
        return 0;
    }
    return (int32_t) CMSG_SPACE(c->cmsg_len - CMSG_LEN(0));
}

/*
 * Waits for at least one datagram, then takes what else is queued, up to count; datagram i goes to
 * in[i * slotSize, ...). Returns how many arrived, 0 once the socket is shut down (or a signal interrupted the wait), or
 * -errno. A thread passes the same buffers and slot size every time (see NativeUdpLoop).
 */
JNIEXPORT jint JNICALL Java_geodns_server_transport_NativeUdp_receive(JNIEnv *env, jclass cls, jint fd,
                                                                        jobject in, jint slotSize, jint count,
                                                                        jobject metaBuffer) {
    unsigned char *base = (*env)->GetDirectBufferAddress(env, in);
    unsigned char *meta = (*env)->GetDirectBufferAddress(env, metaBuffer);
    if (count > MAX_BATCH) {
        count = MAX_BATCH;
    }
    if (base != received_into || meta != received_meta) {
        point_at(base, meta, slotSize);
    }
    release_large_slots(base, slotSize);
    for (int i = 0; i < count; i++) {
        received_messages[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_in6);
        received_messages[i].msg_hdr.msg_controllen = CONTROL_SPACE;
    }
    int received = recvmmsg(fd, received_messages, (unsigned int) count, MSG_WAITFORONE, NULL);
    if (received < 0) {
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
    }
    for (int i = 0; i < received; i++) {
        *field(meta, i, RECEIVED) = (int32_t) received_messages[i].msg_len;
        *field(meta, i, ADDRESS_LENGTH) = (int32_t) received_messages[i].msg_hdr.msg_namelen;
        *field(meta, i, REPLY_LENGTH) = 0;
        *field(meta, i, CONTROL_LENGTH) = reply_source(&received_messages[i].msg_hdr);
    }
    note_large_slots(received);
    return received;
}

/*
 * Sends the replies of slots [0, count) that have one, each to its slot's sender, from the address it asked. A datagram the kernel refuses
 * (say, an ICMP error queued for its client) is skipped rather than holding back the rest. Returns how many were
 * sent.
 */
JNIEXPORT jint JNICALL Java_geodns_server_transport_NativeUdp_send(JNIEnv *env, jclass cls, jint fd,
                                                                     jobject outBuffer, jobject metaBuffer,
                                                                     jint count) {
    unsigned char *out = (*env)->GetDirectBufferAddress(env, outBuffer);
    unsigned char *meta = (*env)->GetDirectBufferAddress(env, metaBuffer);
    struct mmsghdr messages[MAX_BATCH];
    struct iovec vectors[MAX_BATCH];
    int replies = 0;
    if (count > MAX_BATCH) {
        count = MAX_BATCH;
    }
    for (int i = 0; i < count; i++) {
        int32_t length = *field(meta, i, REPLY_LENGTH);
        if (length <= 0) {
            continue;
        }
        vectors[replies].iov_base = out + *field(meta, i, REPLY_OFFSET);
        vectors[replies].iov_len = (size_t) length;
        memset(&messages[replies], 0, sizeof messages[replies]);
        messages[replies].msg_hdr.msg_iov = &vectors[replies];
        messages[replies].msg_hdr.msg_iovlen = 1;
        messages[replies].msg_hdr.msg_name = meta + (size_t) i * SLOT_RECORD + ADDRESS;
        messages[replies].msg_hdr.msg_namelen = (socklen_t) *field(meta, i, ADDRESS_LENGTH);
        int32_t control = *field(meta, i, CONTROL_LENGTH);
        if (control > 0) {
            messages[replies].msg_hdr.msg_control = meta + (size_t) i * SLOT_RECORD + CONTROL;
            messages[replies].msg_hdr.msg_controllen = (size_t) control;
        }
        replies++;
    }
    int done = 0;
    int skipped = 0;
    while (done < replies) {
        int n = sendmmsg(fd, messages + done, (unsigned int) (replies - done), 0);
        if (n > 0) {
            done += n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            done++;  /* messages[done] failed: skip it */
            skipped++;
        }
    }
    return replies - skipped;
}

/* The slot record's size, which NativeUdp checks against its own when it loads this library. */
JNIEXPORT jint JNICALL Java_geodns_server_transport_NativeUdp_slotRecord(JNIEnv *env, jclass cls) {
    return SLOT_RECORD;
}

/* Wakes threads blocked in receive (they see 0) without freeing the descriptor under them. */
JNIEXPORT void JNICALL Java_geodns_server_transport_NativeUdp_shutdown(JNIEnv *env, jclass cls, jint fd) {
    shutdown(fd, SHUT_RDWR);
}

JNIEXPORT void JNICALL Java_geodns_server_transport_NativeUdp_close(JNIEnv *env, jclass cls, jint fd) {
    close(fd);
}
