/* A program that sends and exits at once: sendexit PORT BYTES connects to the host
 * (10.0.2.2:PORT on QEMU's user network), sends BYTES of a counting pattern, closes and
 * returns. What send accepted but TCP had not yet delivered must still reach the host: exit
 * waits for it (net/flush.c). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in host = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
    inet_pton(AF_INET, "10.0.2.2", &host.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&host, sizeof host) < 0) {
        perror("sendexit: connect");
        return 1;
    }
    static unsigned char buf[4096];
    long left = atol(argv[2]), at = 0;
    while (left > 0) {
        size_t n = left < (long)sizeof buf ? (size_t)left : sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char)((at + (long)i) % 251);
        ssize_t sent = send(fd, buf, n, 0);
        if (sent <= 0) {
            perror("sendexit: send");
            return 1;
        }
        left -= sent, at += sent;
    }
    close(fd);
    printf("sent %ld bytes, closed, exiting\n", at);
    return 0;
}
