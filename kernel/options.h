/* Kernel options: the words before "--" on the command line, "key=value" or a bare flag
 * (ARCHITECTURE.md, boot and run contract). The kernel checks every word at boot against the
 * keys each layer declares, so that a bad word stops the boot before the app runs, and then
 * hands the values out; each layer parses the values of its own keys. */
#ifndef KERNEL_OPTIONS_H
#define KERNEL_OPTIONS_H
#include "cmdline.h"
#include <stddef.h>

#define OPTIONS_ENV_MAX 64

/* One key a layer accepts. */
struct option_key {
    const char *key;
    const char *usage;                  /* for the unknown-option message: "ip=dhcp|ADDR/PREFIX" */
    int flag;                           /* a bare word: given a value, it is refused */
    int max;                            /* times it may be given; 0: any, the last one counts */
    /* Judge one value ("" when the word has none): 0, or -EINVAL with a message in err that
     * names the key. NULL: any value will do. */
    int (*check)(const char *key, const char *value, char *err, size_t errlen);
};

/* The keys of one layer, and the rules that span them. */
struct option_layer {
    const struct option_key *keys;      /* ended by an entry whose key is NULL */
    /* Run once every word passed its own check: 0, or -EINVAL with a message. NULL: none. */
    int (*check_all)(char *err, size_t errlen);
};

/* The layers above the kernel that take options, ended by NULL. The top of the stack defines it
 * (libc/options.c), as it defines app_start: the kernel names no layer above it. */
extern const struct option_layer *const option_layers[];

/* Take the kernel options of cl (its words are split in place and kept) and check every one.
 * Returns 0, or -EINVAL with a message naming the bad word in err (an unknown key, a flag given a
 * value, a value its layer refuses, a key given too often). */
int options_apply(const struct cmdline *cl, char *err, size_t errlen);

/* After options_apply: whether key was given (flag or not). */
int option_given(const char *key);
/* The value of the last word with this key, NULL when none has one. */
const char *option_value(const char *key);
/* Repeatable keys: the next value of key after *pos (start with *pos = 0), NULL after the last.
 * The value is the command line's own storage, which lives as long as the kernel. */
char *option_next(const char *key, int *pos);
#endif
