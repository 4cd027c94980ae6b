#include "options.h"
#include "format.h"
#include <errno.h>
#include <string.h>

#define KNOWN "debug, env=NAME=VALUE"

int options_apply(const struct cmdline *cl, struct kernel_options *opts, char *err, size_t errlen)
{
    memset(opts, 0, sizeof *opts);
    for (int i = 0; i < cl->nkernel_opts; i++) {
        char *key, *value;
        cmdline_split_option(cl->kernel_opts[i], &key, &value);
        if (strcmp(key, "debug") == 0) {
            if (value) {
                ksnprintf(err, errlen, "kernel option 'debug' takes no value (got '%s')", value);
                return -EINVAL;
            }
            opts->debug = 1;
        } else if (strcmp(key, "env") == 0) {
            if (!value || !strchr(value, '=') || value[0] == '=') {
                ksnprintf(err, errlen, "kernel option 'env' wants NAME=VALUE (got '%s')", value ? value : "");
                return -EINVAL;
            }
            if (opts->nenv == OPTIONS_ENV_MAX) {
                ksnprintf(err, errlen, "more than %d env= options", OPTIONS_ENV_MAX);
                return -EINVAL;
            }
            opts->env[opts->nenv++] = value;
        } else {
            ksnprintf(err, errlen, "unknown kernel option '%s' (known: " KNOWN "; app arguments go after '--')", key);
            return -EINVAL;
        }
    }
    return 0;
}
