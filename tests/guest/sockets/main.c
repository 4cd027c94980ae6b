/* The socket API over loopback (127.0.0.1; no NIC needed): descriptors shared with the console,
 * TCP and UDP, select and poll, non-blocking sockets, SO_RCVTIMEO, shutdown, getaddrinfo and
 * the address conversions. */
#include "../check.h"
#include "../../../kernel/clock.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 5555

static struct sockaddr_in loopback(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    return a;
}

static void *client(void *arg)
{
    (void)arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = loopback(PORT);
    CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0, "TCP_NODELAY");
    CHECK(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect to 127.0.0.1:%d", PORT);
    CHECK(write(fd, "ping", 4) == 4, "write on a socket descriptor");
    char buf[8] = { 0 };
    CHECK(read(fd, buf, sizeof buf) == 4 && !memcmp(buf, "pong", 4), "read the answer");
    CHECK(shutdown(fd, SHUT_WR) == 0, "shutdown(SHUT_WR)");
    CHECK(read(fd, buf, sizeof buf) == 0, "the server's close reads as end of file");
    close(fd);
    return NULL;
}

static void tcp(void)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    CHECK(lfd >= 3, "a socket's descriptor comes after the console's 0-2 (got %d)", lfd);
    CHECK(setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0, "SO_REUSEADDR");
    struct sockaddr_in a = loopback(PORT);
    CHECK(bind(lfd, (struct sockaddr *)&a, sizeof a) == 0, "bind");
    CHECK(listen(lfd, 4) == 0, "listen");
    pthread_t t;
    pthread_create(&t, NULL, client, NULL);

    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(lfd, &rd);
    struct timeval tv = { 5, 0 };
    CHECK(select(lfd + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(lfd, &rd), "select: the listener is readable");
    struct sockaddr_in peer;
    socklen_t plen = sizeof peer;
    int fd = accept(lfd, (struct sockaddr *)&peer, &plen);
    CHECK(fd > lfd, "accept");
    char ip[INET_ADDRSTRLEN];
    CHECK(inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip) && !strcmp(ip, "127.0.0.1"), "the peer is 127.0.0.1");

    struct pollfd p = { fd, POLLIN, 0 };
    CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN), "poll: data to read");
    char buf[8];
    CHECK(recv(fd, buf, sizeof buf, 0) == 4 && !memcmp(buf, "ping", 4), "recv");
    CHECK(send(fd, "pong", 4, 0) == 4, "send");

    /* the client shuts its side after reading: wait for that, then close */
    p.revents = 0;
    CHECK(poll(&p, 1, 5000) == 1, "poll: the client's shutdown");
    CHECK(recv(fd, buf, sizeof buf, 0) == 0, "the client's shutdown reads as end of file");
    close(fd);
    pthread_join(t, NULL);

    /* non-blocking: accept with nobody waiting */
    CHECK(fcntl(lfd, F_SETFL, O_NONBLOCK) == 0 && (fcntl(lfd, F_GETFL) & O_NONBLOCK), "O_NONBLOCK by fcntl");
    errno = 0;
    CHECK(accept(lfd, NULL, NULL) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK), "accept would block: EAGAIN");
    p = (struct pollfd){ lfd, POLLIN, 0 };
    uint64_t t0 = clock_monotonic_ns();
    CHECK(poll(&p, 1, 100) == 0, "poll times out with nothing to do");
    CHECK(clock_monotonic_ns() - t0 >= 100 * NSEC_PER_MSEC, "after at least its timeout");
    close(lfd);
    errno = 0;
    CHECK(close(lfd) < 0 && errno == EBADF, "a closed descriptor is EBADF");
}

static void udp(void)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in aa = loopback(PORT + 1), ba = loopback(PORT + 2);
    CHECK(bind(a, (struct sockaddr *)&aa, sizeof aa) == 0 && bind(b, (struct sockaddr *)&ba, sizeof ba) == 0, "UDP bind");
    CHECK(sendto(a, "datagram", 8, 0, (struct sockaddr *)&ba, sizeof ba) == 8, "sendto");
    char buf[16];
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    CHECK(recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen) == 8 && !memcmp(buf, "datagram", 8) &&
              from.sin_port == htons(PORT + 1), "recvfrom, with the sender's address");
    struct timeval tv = { 0, 100000 };
    CHECK(setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0, "SO_RCVTIMEO");
    uint64_t t0 = clock_monotonic_ns();
    errno = 0;
    CHECK(recv(b, buf, sizeof buf, 0) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK), "recv times out: EAGAIN");
    CHECK(clock_monotonic_ns() - t0 >= 90 * NSEC_PER_MSEC, "after about 100 ms");
    close(a);
    close(b);
}

static void names(void)
{
    struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res = NULL;
    CHECK(getaddrinfo("127.0.0.1", "80", &hints, &res) == 0 && res && res->ai_family == AF_INET &&
              ((struct sockaddr_in *)res->ai_addr)->sin_port == htons(80), "getaddrinfo of a numeric address");
    freeaddrinfo(res);
    CHECK(getaddrinfo("127.0.0.1", "http", &hints, &res) != 0, "a service name is refused (%s)", gai_strerror(EAI_SERVICE));
    struct in_addr in;
    CHECK(inet_pton(AF_INET, "10.0.2.15", &in) == 1 && in.s_addr == htonl(0x0a00020f), "inet_pton");
    CHECK(inet_pton(AF_INET, "10.0.2", &in) == 0 && inet_pton(AF_INET, "1.2.3.256", &in) == 0 &&
              inet_pton(AF_INET, "0x1.2.3.4", &in) == 0, "inet_pton refuses what is not a.b.c.d");
    CHECK(inet_pton(AF_INET, "010.0.2.015", &in) == 1 && in.s_addr == htonl(0x0a00020f), "inet_pton reads decimal, never octal");
    errno = 0;
    CHECK(inet_pton(12345, "x", &in) < 0 && errno == EAFNOSUPPORT, "inet_pton: EAFNOSUPPORT");
    errno = 0;
    CHECK(send(1, "x", 1, 0) < 0 && errno == ENOTSOCK, "send on the console is ENOTSOCK");
}

int main(void)
{
    tcp();
    udp();
    names();
    return check_exit();
}
