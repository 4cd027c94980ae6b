/* peerbench: TCP between two guests on one private network, for scripts/bench-fleet. Plain POSIX:
 * the same source is Mayfly's build/peerbench.elf (make APP=tests/bench/peerbench) and the Linux
 * guest's /peerbench (scripts/linux-guest links it statically), so the figures compare the systems.
 *
 *   peerbench server PORT
 *       serve clients one at a time, forever; prints "peerbench: listening on port PORT"
 *   peerbench client NAME PORT [ROUNDS [SIZE [BULK_MIB]]]
 *       resolve NAME (getaddrinfo: Mayfly's host= words, Linux's /etc/hosts), connect (retrying
 *       while the server starts), then on one connection each:
 *         ping-pong: ROUNDS (default 2000) exchanges of SIZE bytes (default 64), after WARMUP_ROUNDS
 *         bulk:      BULK_MIB MiB (default 64) one way, timed until the server's one-byte receipt
 *       and prints one parseable line per figure, then "peerbench done"; exits 0, or 1 on a failure
 *       (after a line saying what failed).
 * Both sides set TCP_NODELAY, so a small message is sent at once rather than held for Nagle.
 * A request is a header of three 32-bit words in network order: kind, count, size. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define KIND_PINGPONG 1                 /* count exchanges of size bytes, echoed back */
#define KIND_BULK 2                     /* count chunks of size bytes, then a one-byte receipt */
#define DEFAULT_ROUNDS 2000
#define DEFAULT_SIZE 64
#define DEFAULT_BULK_MIB 64
#define WARMUP_ROUNDS 100
#define MESSAGE_MAX 65536               /* the largest ping-pong SIZE, and the bulk chunk */
#define CONNECT_WAIT_S 120              /* the server's guest may still be booting (TCG, Linux) */
#define CONNECT_RETRY_MS 200
#define BACKLOG 4
#define NS_PER_US 1000.0

static char buf[MESSAGE_MAX];

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

/* All of len bytes, or -1 (an error, or the peer closed first). */
static int read_all(int fd, void *p, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = recv(fd, (char *)p + done, len - done, 0);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

static int write_all(int fd, const void *p, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = send(fd, (const char *)p + done, len - done, 0);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

static void no_delay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* One client's request on fd: 0 when served, -1 when the connection failed or asked nonsense. */
static int serve_one(int fd)
{
    uint32_t head[3];
    if (read_all(fd, head, sizeof head) < 0)
        return -1;
    uint32_t kind = ntohl(head[0]), count = ntohl(head[1]), size = ntohl(head[2]);
    if (size == 0 || size > MESSAGE_MAX)
        return -1;
    for (uint32_t i = 0; i < count; i++) {
        if (read_all(fd, buf, size) < 0)
            return -1;
        if (kind == KIND_PINGPONG && write_all(fd, buf, size) < 0)
            return -1;
    }
    return kind == KIND_BULK ? write_all(fd, "k", 1) : 0;
}

static int server(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, BACKLOG) < 0) {
        printf("peerbench: cannot listen on port %d: %s\n", port, strerror(errno));
        return 1;
    }
    printf("peerbench: listening on port %d\n", port);
    fflush(stdout);
    for (;;) {
        int c = accept(fd, NULL, NULL);
        if (c < 0)
            continue;
        no_delay(c);
        if (serve_one(c) < 0)
            printf("peerbench: a client's request failed\n");
        fflush(stdout);
        close(c);
    }
}

static int connect_to(const struct addrinfo *ai)
{
    uint64_t deadline = now_ns() + (uint64_t)CONNECT_WAIT_S * 1000000000u;
    while (now_ns() < deadline) {
        int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            no_delay(fd);
            return fd;
        }
        if (fd >= 0)
            close(fd);
        sleep_ms(CONNECT_RETRY_MS);
    }
    return -1;
}

static int request(int fd, uint32_t kind, uint32_t count, uint32_t size)
{
    uint32_t head[3] = { htonl(kind), htonl(count), htonl(size) };
    return write_all(fd, head, sizeof head);
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int pingpong(const struct addrinfo *ai, uint32_t rounds, uint32_t size)
{
    uint64_t *rtt = malloc(rounds * sizeof *rtt);
    int fd = connect_to(ai);
    if (!rtt || fd < 0 || request(fd, KIND_PINGPONG, WARMUP_ROUNDS + rounds, size) < 0) {
        printf("peerbench: ping-pong: cannot start: %s\n", strerror(errno));
        return -1;
    }
    memset(buf, 'p', size);
    for (uint32_t i = 0; i < WARMUP_ROUNDS + rounds; i++) {
        uint64_t t = now_ns();
        if (write_all(fd, buf, size) < 0 || read_all(fd, buf, size) < 0) {
            printf("peerbench: ping-pong: the connection failed at exchange %u\n", (unsigned)i);
            return -1;
        }
        if (i >= WARMUP_ROUNDS)
            rtt[i - WARMUP_ROUNDS] = now_ns() - t;
    }
    close(fd);
    qsort(rtt, rounds, sizeof *rtt, by_value);
    printf("peerbench rtt size=%u rounds=%u min_us=%.1f median_us=%.1f p99_us=%.1f max_us=%.1f\n", (unsigned)size,
           (unsigned)rounds, rtt[0] / NS_PER_US, rtt[rounds / 2] / NS_PER_US, rtt[rounds * 99 / 100] / NS_PER_US,
           rtt[rounds - 1] / NS_PER_US);
    free(rtt);
    return 0;
}

static int bulk(const struct addrinfo *ai, uint32_t mib)
{
    uint32_t chunks = mib * (1024u * 1024u / MESSAGE_MAX);
    int fd = connect_to(ai);
    char receipt;
    if (fd < 0) {
        printf("peerbench: bulk: cannot connect: %s\n", strerror(errno));
        return -1;
    }
    memset(buf, 'b', sizeof buf);
    uint64_t t = now_ns();
    if (request(fd, KIND_BULK, chunks, MESSAGE_MAX) < 0) {
        printf("peerbench: bulk: cannot start\n");
        return -1;
    }
    for (uint32_t i = 0; i < chunks; i++)
        if (write_all(fd, buf, MESSAGE_MAX) < 0) {
            printf("peerbench: bulk: the connection failed at chunk %u\n", (unsigned)i);
            return -1;
        }
    if (read_all(fd, &receipt, 1) < 0) {
        printf("peerbench: bulk: no receipt\n");
        return -1;
    }
    double s = (now_ns() - t) / 1e9;
    close(fd);
    uint64_t bytes = (uint64_t)chunks * MESSAGE_MAX;
    printf("peerbench bulk bytes=%llu seconds=%.3f MBps=%.2f\n", (unsigned long long)bytes, s, bytes / s / 1e6);
    return 0;
}

static long number(const char *s, long lo, long hi)
{
    char *end;
    long v = strtol(s, &end, 10);
    return *s && !*end && v >= lo && v <= hi ? v : -1;
}

static int client(int argc, char **argv)
{
    const char *name = argv[2], *port = argv[3];
    long rounds = argc > 4 ? number(argv[4], 1, 10000000) : DEFAULT_ROUNDS;
    long size = argc > 5 ? number(argv[5], 1, MESSAGE_MAX) : DEFAULT_SIZE;
    long mib = argc > 6 ? number(argv[6], 1, 4096) : DEFAULT_BULK_MIB;
    if (rounds < 0 || size < 0 || mib < 0 || number(port, 1, 65535) < 0) {
        printf("peerbench: bad ROUNDS, SIZE, BULK_MIB or PORT\n");
        return 1;
    }
    struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *ai = NULL;
    int rc = getaddrinfo(name, port, &hints, &ai);
    if (rc != 0) {
        printf("peerbench: getaddrinfo(\"%s\"): %s\n", name, gai_strerror(rc));
        return 1;
    }
    char dotted[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, dotted, sizeof dotted);
    printf("peerbench: %s is %s\n", name, dotted);
    rc = pingpong(ai, (uint32_t)rounds, (uint32_t)size) < 0 || bulk(ai, (uint32_t)mib) < 0;
    freeaddrinfo(ai);
    printf("peerbench %s\n", rc ? "failed" : "done");
    fflush(stdout);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "server") && number(argv[2], 1, 65535) > 0)
        return server((int)number(argv[2], 1, 65535));
    if (argc >= 4 && argc <= 7 && !strcmp(argv[1], "client"))
        return client(argc, argv);
    fprintf(stderr, "usage: peerbench server PORT | peerbench client NAME PORT [ROUNDS [SIZE [BULK_MIB]]]\n");
    return 2;
}
