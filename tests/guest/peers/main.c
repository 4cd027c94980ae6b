/* Peers by name (host=NAME=ADDR) and interfaces by position (ip=, one per NIC).
 *   peers             the resolution checks; run with host=peer=10.0.2.2 host=Other.Name=192.0.2.7
 *                     on QEMU's user network
 *   peers --up        start the network and stop: the console shows each interface's address
 *   peers --echo NAME PORT
 *                     resolve NAME, connect to its TCP echo service, send a line and check that
 *                     the same line comes back (the two-guest test, tests/services/peer_by_name.sh) */
#include "../check.h"
#include "../../../kernel/clock.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define ECHO_WAIT_S 10
#define CONNECT_TRIES 20                /* a second apart: the peer may still be starting */

static int is_address(const struct addrinfo *ai, const char *dotted, int port)
{
    const struct sockaddr_in *sa = (const struct sockaddr_in *)ai->ai_addr;
    struct in_addr want;
    return ai->ai_family == AF_INET && ai->ai_addrlen == sizeof *sa && sa->sin_family == AF_INET &&
           inet_pton(AF_INET, dotted, &want) == 1 && sa->sin_addr.s_addr == want.s_addr && sa->sin_port == htons(port);
}

static void resolve_table(void)
{
    struct addrinfo *a = NULL, *b = NULL, *c = NULL;
    CHECK(getaddrinfo("peer", NULL, NULL, &a) == 0 && a && is_address(a, "10.0.2.2", 0) && !a->ai_canonname && !a->ai_next,
          "getaddrinfo(\"peer\") is host=peer's 10.0.2.2");
    struct addrinfo stream = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
    CHECK(getaddrinfo("PEER", "7", &stream, &b) == 0 && b && is_address(b, "10.0.2.2", 7) && b->ai_socktype == SOCK_STREAM,
          "getaddrinfo(\"PEER\", \"7\", AF_INET, SOCK_STREAM): any case, the port, the socket type");
    struct addrinfo udp = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_protocol = IPPROTO_UDP, .ai_flags = AI_CANONNAME };
    CHECK(getaddrinfo("other.name", "80", &udp, &c) == 0 && c && is_address(c, "192.0.2.7", 80) &&
              c->ai_socktype == SOCK_DGRAM && c->ai_protocol == IPPROTO_UDP && c->ai_canonname &&
              !strcmp(c->ai_canonname, "Other.Name"),
          "getaddrinfo(\"other.name\", \"80\", AF_UNSPEC, UDP, AI_CANONNAME): 192.0.2.7 port 80, named Other.Name");
    CHECK(a && b && c && a != b && b != c, "three results held at once");
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(c && fd >= 0 && connect(fd, c->ai_addr, c->ai_addrlen) == 0, "connect takes ai_addr and ai_addrlen as given");
    close(fd);
    freeaddrinfo(a);
    freeaddrinfo(b);
    freeaddrinfo(c);

    struct addrinfo *r = (struct addrinfo *)1, other = { .ai_family = 12345 }, numeric = { .ai_flags = AI_NUMERICHOST };
    CHECK(getaddrinfo("peer", NULL, &other, &r) == EAI_FAMILY && !r, "a family not IPv4: EAI_FAMILY, as for any name");
    CHECK(getaddrinfo("peer", "http", NULL, &r) == EAI_SERVICE, "a service name: EAI_SERVICE, as for any name");
    CHECK(getaddrinfo("peer", NULL, &numeric, &r) == EAI_NONAME, "AI_NUMERICHOST: a name is not looked up");
    CHECK(getaddrinfo("10.0.2.2", "80", &numeric, &r) == 0 && is_address(r, "10.0.2.2", 80), "a numeric address still resolves");
    freeaddrinfo(r);

    struct hostent *h = gethostbyname("Peer");
    CHECK(h && h->h_addrtype == AF_INET && h->h_length == 4 && !strcmp(h->h_name, "peer") && h->h_addr_list[0] &&
              !memcmp(h->h_addr_list[0], "\x0a\x00\x02\x02", 4) && !h->h_addr_list[1] && !h->h_aliases[0],
          "gethostbyname(\"Peer\") is host=peer's 10.0.2.2");
}

/* A name in no host= word goes to DNS (QEMU's 10.0.2.3), which knows no .invalid name. */
static void unknown_goes_to_dns(void)
{
    struct addrinfo *r = (struct addrinfo *)1;
    uint64_t t0 = clock_monotonic_ns();
    int rc = getaddrinfo("no-such-peer.invalid", "80", NULL, &r);
    uint64_t ms = (clock_monotonic_ns() - t0) / NSEC_PER_MSEC;
    CHECK(rc != 0 && !r, "an unknown name fails cleanly through DNS: %s, after %llu ms", gai_strerror(rc), (unsigned long long)ms);
    CHECK(gethostbyname("no-such-peer.invalid") == NULL, "gethostbyname of an unknown name: NULL");
}

static int echo(const char *name, const char *port)
{
    struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *ai = NULL;
    int rc = getaddrinfo(name, port, &hints, &ai);
    CHECK(rc == 0, "getaddrinfo(\"%s\", \"%s\"): %s", name, port, gai_strerror(rc));
    if (rc != 0)
        return check_exit();
    char dotted[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, dotted, sizeof dotted);
    int fd = -1, connected = 0;
    for (int i = 0; i < CONNECT_TRIES && !connected; i++) {
        if (i)
            sleep(1);
        if (fd >= 0)
            close(fd);
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        connected = fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
    }
    CHECK(connected, "connected to %s (%s) port %s", name, dotted, port);
    freeaddrinfo(ai);
    if (!connected)
        return check_exit();
    static const char line[] = "a line from one peer to another\n";
    struct timeval tv = { ECHO_WAIT_S, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    CHECK(send(fd, line, sizeof line - 1, 0) == (ssize_t)sizeof line - 1, "sent a line");
    char got[sizeof line] = "";
    size_t have = 0;
    ssize_t n;
    while (have < sizeof line - 1 && (n = recv(fd, got + have, sizeof line - 1 - have, 0)) > 0)
        have += (size_t)n;
    CHECK(have == sizeof line - 1 && !memcmp(got, line, have), "the line came back (%zu bytes)", have);
    close(fd);
    return check_exit();
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--echo"))
        return echo(argv[2], argv[3]);
    if (argc == 2 && !strcmp(argv[1], "--up")) {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);  /* the first socket starts the network */
        CHECK(fd >= 0, "a socket, and the network up");
        close(fd);
        return check_exit();
    }
    if (argc != 1) {
        fprintf(stderr, "usage: peers [--up | --echo NAME PORT]\n");
        return 2;
    }
    resolve_table();
    unknown_goes_to_dns();
    return check_exit();
}
