/* Kernel options: the words before "--" on the command line. */
#ifndef KERNEL_OPTIONS_H
#define KERNEL_OPTIONS_H
#include "cmdline.h"

#define OPTIONS_ENV_MAX 64

struct kernel_options {
    int debug;                          /* "debug": boot details on the console */
    char *env[OPTIONS_ENV_MAX + 1];     /* "env=NAME=VALUE", repeatable: the app's environment */
    int nenv;
};

/* Apply every kernel option in cl. Returns 0, or -EINVAL with a message naming the bad
 * option in err (an unknown option, a flag given a value, a value missing). */
int options_apply(const struct cmdline *cl, struct kernel_options *opts, char *err, size_t errlen);
#endif
