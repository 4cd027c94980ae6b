/* The console log and its rotation (console_log.h). */
#include "console_log.h"
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int console_log_open(struct console_log *l, const char *path)
{
    snprintf(l->path, sizeof l->path, "%s", path);
    l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (l->fd < 0)
        return -1;
    struct stat st;
    l->size = fstat(l->fd, &st) == 0 ? st.st_size : 0;
    return 0;
}

static void rotate(struct console_log *l)
{
    char from[PATH_MAX + 8], to[PATH_MAX + 8];
    for (int i = CONSOLE_LOG_KEEP - 1; i >= 1; i--) {
        snprintf(from, sizeof from, "%s.%d", l->path, i);
        snprintf(to, sizeof to, "%s.%d", l->path, i + 1);
        rename(from, to);
    }
    snprintf(to, sizeof to, "%s.1", l->path);
    close(l->fd);
    rename(l->path, to);
    console_log_open(l, l->path);
}

void console_log_write(struct console_log *l, const char *data, size_t len)
{
    if (l->fd < 0)
        return;
    if (l->size >= CONSOLE_LOG_ROTATE)
        rotate(l);
    while (len > 0 && l->fd >= 0) {
        ssize_t n = write(l->fd, data, len);
        if (n <= 0)
            return;
        data += n;
        len -= (size_t)n;
        l->size += n;
    }
}

void console_log_close(struct console_log *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
}
