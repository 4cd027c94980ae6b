/* An instance's console, kept in STATE/instances/NAME/console.log and rotated: past
 * CONSOLE_LOG_ROTATE bytes the file becomes console.log.1 (the older ones shift up to
 * console.log.CONSOLE_LOG_KEEP, the oldest dropped) and a new one starts. */
#ifndef MAYFLY_CONSOLE_LOG_H
#define MAYFLY_CONSOLE_LOG_H
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#define CONSOLE_LOG_ROTATE (1 << 20)
#define CONSOLE_LOG_KEEP 3

struct console_log {
    int fd;
    off_t size;
    char path[PATH_MAX];
};

int console_log_open(struct console_log *l, const char *path);
void console_log_write(struct console_log *l, const char *data, size_t len);
void console_log_close(struct console_log *l);
#endif
