/* echo: RFC 862 on TCP and UDP, port 7 (--port N to change). Each TCP connection gets its
 * own thread and plain blocking calls; UDP datagrams (up to 64 KiB) go back as they came. */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_PORT 7
#define TCP_BUF 16384
#define UDP_MAX 65535
#define CONN_STACK (32 * 1024)

static int open_socket(int type, int port)
{
    int fd = socket(AF_INET, type, 0), on = 1;
    if (fd < 0) {
        perror("echo: socket");
        exit(1);
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("echo: bind");
        exit(1);
    }
    return fd;
}

/* Write all of buf, or fail. */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0)
            return -1;
        buf += n, len -= (size_t)n;
    }
    return 0;
}

static void *serve_connection(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char *buf = malloc(TCP_BUF);
    ssize_t n;
    while (buf && (n = read(fd, buf, TCP_BUF)) > 0)
        if (write_all(fd, buf, (size_t)n) < 0)
            break;
    free(buf);
    close(fd);
    return NULL;
}

static void *serve_udp(void *arg)
{
    int fd = open_socket(SOCK_DGRAM, (int)(intptr_t)arg);
    char *buf = malloc(UDP_MAX);
    for (;;) {
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(fd, buf, UDP_MAX, 0, (struct sockaddr *)&from, &len);
        if (n >= 0 && sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len) < 0)
            perror("echo: sendto");
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int port = DEFAULT_PORT;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc && (port = (int)strtol(argv[++i], &end, 10), !*end) &&
            port > 0 && port < 65536)
            continue;
        fprintf(stderr, "usage: echo [--port N]\n");
        return 2;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, CONN_STACK);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);

    int lfd = open_socket(SOCK_STREAM, port);
    if (listen(lfd, SOMAXCONN) < 0) {
        perror("echo: listen");
        return 1;
    }
    pthread_t udp;
    if (pthread_create(&udp, &attr, serve_udp, (void *)(intptr_t)port) != 0) {
        fprintf(stderr, "echo: no thread for UDP\n");
        return 1;
    }
    printf("echo: listening on port %d (TCP and UDP)\n", port);
    fflush(stdout);
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            perror("echo: accept");
            continue;
        }
        pthread_t t;
        if (pthread_create(&t, &attr, serve_connection, (void *)(intptr_t)fd) != 0)
            close(fd);                  /* out of memory: this client is refused, the rest go on */
    }
}
