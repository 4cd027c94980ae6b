/* One QMP command (qmp.h). QEMU greets, we send qmp_capabilities, then the command; each answer
 * is one JSON line, and asynchronous events (lines with "event") may come in between. */
#include "qmp.h"
#include "clock.h"
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define QMP_LINE_MAX 4096

/* Reads one line into buf; -1 on timeout, error or end. */
static int read_line(int fd, char *buf, size_t len, long long deadline)
{
    size_t n = 0;
    while (n + 1 < len) {
        int left = (int)(deadline - now_ms());
        struct pollfd p = { fd, POLLIN, 0 };
        if (left <= 0 || poll(&p, 1, left) <= 0)
            return -1;
        ssize_t r = read(fd, buf + n, 1);
        if (r <= 0)
            return -1;
        if (buf[n] == '\n') {
            buf[n] = '\0';
            return 0;
        }
        n++;
    }
    return -1;
}

/* The next line that is not an event. */
static int read_reply(int fd, char *buf, size_t len, long long deadline)
{
    do {
        if (read_line(fd, buf, len, deadline) < 0)
            return -1;
    } while (strstr(buf, "\"event\""));
    return 0;
}

static int send_command(int fd, const char *command, char *buf, size_t len, long long deadline)
{
    char msg[256];
    int n = snprintf(msg, sizeof msg, "{\"execute\": \"%s\"}\n", command);
    if (write(fd, msg, (size_t)n) != n || read_reply(fd, buf, len, deadline) < 0)
        return -1;
    return strstr(buf, "\"return\"") ? 0 : -1;
}

int qmp_open(const char *path, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof addr.sun_path)
        return -1;
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    char buf[QMP_LINE_MAX];
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0 && read_line(fd, buf, sizeof buf, deadline) == 0 &&
        strstr(buf, "\"QMP\"") && send_command(fd, "qmp_capabilities", buf, sizeof buf, deadline) == 0)
        return fd;
    close(fd);
    return -1;
}

int qmp_command(int fd, const char *command, int timeout_ms)
{
    char buf[QMP_LINE_MAX];
    return send_command(fd, command, buf, sizeof buf, now_ms() + timeout_ms);
}

int qmp_execute(const char *path, const char *command, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    int fd = qmp_open(path, timeout_ms), rc = -1;
    if (fd >= 0) {
        rc = qmp_command(fd, command, (int)(deadline - now_ms()));
        close(fd);
    }
    return rc;
}
