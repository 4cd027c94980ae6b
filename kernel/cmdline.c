#include "cmdline.h"
#include <errno.h>
#include <string.h>

int cmdline_parse(const char *line, char *storage, struct cmdline *out)
{
    memset(out, 0, sizeof *out);
    const char *p = line;
    char *w = storage;
    int after_separator = 0;

    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            return 0;
        char *word = w;
        int quoted = 0, in_quotes = 0;
        for (; *p && (in_quotes || (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')); p++) {
            if (*p == '"') {
                in_quotes = !in_quotes;
                quoted = 1;
            } else if (*p == '\\') {
                if (!*++p)
                    return -EINVAL;
                *w++ = *p;
            } else {
                *w++ = *p;
            }
        }
        if (in_quotes)
            return -EINVAL;
        *w++ = '\0';
        if (!after_separator && !quoted && strcmp(word, "--") == 0) {
            after_separator = 1;
            continue;
        }
        char **list = after_separator ? out->app_args : out->kernel_opts;
        int *n = after_separator ? &out->napp_args : &out->nkernel_opts;
        if (*n == CMDLINE_MAX_WORDS)
            return -E2BIG;
        list[(*n)++] = word;
    }
}

void cmdline_split_option(char *opt, char **key, char **value)
{
    char *eq = strchr(opt, '=');
    *key = opt;
    *value = NULL;
    if (eq) {
        *eq = '\0';
        *value = eq + 1;
    }
}
