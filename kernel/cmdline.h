/* The command line: "kernel options -- app arguments" (ARCHITECTURE.md, boot and run contract).
 * Pure parsing: the host unit tests drive it. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H
#include <stddef.h>

#define CMDLINE_MAX_WORDS 128

struct cmdline {
    char *kernel_opts[CMDLINE_MAX_WORDS];   /* the words before "--" */
    int nkernel_opts;
    char *app_args[CMDLINE_MAX_WORDS];      /* the words after "--" */
    int napp_args;
};

/* Split line into words at spaces and tabs; double quotes group words ("a b"), a backslash
 * takes the next character literally. The words are written into storage (at least
 * strlen(line) + 1 bytes). Returns 0, -E2BIG for more than CMDLINE_MAX_WORDS words on a side,
 * or -EINVAL for an unterminated quote or a trailing backslash. */
int cmdline_parse(const char *line, char *storage, struct cmdline *out);

/* Split a kernel option "key=value" into key and value (NULL for a bare flag like "debug").
 * Modifies opt. */
void cmdline_split_option(char *opt, char **key, char **value);
#endif
