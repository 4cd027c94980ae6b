/* Kernel options: checked against every layer's keys, kept as words, handed out by key. */
#include "options.h"
#include "format.h"
#include <errno.h>
#include <string.h>

#define KNOWN_MAX 160                   /* the list of known keys in the unknown-option message */

struct word {
    char *key, *value;                  /* value NULL: a bare word */
};

static struct word words[CMDLINE_MAX_WORDS];
static int nwords;

static int check_env(const char *key, const char *value, char *err, size_t errlen)
{
    if (strchr(value, '=') && value[0] != '=')
        return 0;
    ksnprintf(err, errlen, "kernel option '%s' wants NAME=VALUE (got '%s')", key, value);
    return -EINVAL;
}

/* The kernel's own keys: "debug" prints boot details; "env=NAME=VALUE" is the app's environment. */
static const struct option_key kernel_keys[] = {
    { "debug", "debug", 1, 0, NULL },
    { "env", "env=NAME=VALUE", 0, OPTIONS_ENV_MAX, check_env },
    { NULL, NULL, 0, 0, NULL },
};
static const struct option_layer kernel_layer = { kernel_keys, NULL };

/* The i-th layer, the kernel's first; NULL past the last. */
static const struct option_layer *layer(int i)
{
    return i == 0 ? &kernel_layer : option_layers[i - 1];
}

static const struct option_key *find_key(const char *key)
{
    const struct option_layer *l;
    for (int i = 0; (l = layer(i)); i++)
        for (const struct option_key *k = l->keys; k->key; k++)
            if (strcmp(k->key, key) == 0)
                return k;
    return NULL;
}

static void unknown(const char *key, char *err, size_t errlen)
{
    char known[KNOWN_MAX];
    size_t len = 0;
    const struct option_layer *l;
    known[0] = '\0';
    for (int i = 0; (l = layer(i)); i++)
        for (const struct option_key *k = l->keys; k->key && len < sizeof known; k++)
            len += (size_t)ksnprintf(known + len, sizeof known - len, "%s%s", len ? ", " : "", k->usage);
    ksnprintf(err, errlen, "unknown kernel option '%s' (known: %s; app arguments go after '--')", key, known);
}

static int times_given(const char *key)
{
    int n = 0;
    for (int i = 0; i < nwords; i++)
        n += strcmp(words[i].key, key) == 0;
    return n;
}

/* Judge one word against its key; it is kept (counted) only once it passed. */
static int check_word(const struct word *w, char *err, size_t errlen)
{
    const struct option_key *k = find_key(w->key);
    if (!k) {
        unknown(w->key, err, errlen);
        return -EINVAL;
    }
    if (k->flag && w->value) {
        ksnprintf(err, errlen, "kernel option '%s' takes no value (got '%s')", w->key, w->value);
        return -EINVAL;
    }
    if (k->max && times_given(w->key) == k->max) {
        ksnprintf(err, errlen, "kernel option '%s%s%s' is one too many: more than %d %s= options", w->key,
                  w->value ? "=" : "", w->value ? w->value : "", k->max, w->key);
        return -EINVAL;
    }
    if (k->check && k->check(w->key, w->value ? w->value : "", err, errlen) < 0)
        return -EINVAL;
    return 0;
}

int options_apply(const struct cmdline *cl, char *err, size_t errlen)
{
    nwords = 0;
    for (int i = 0; i < cl->nkernel_opts; i++) {
        struct word w;
        cmdline_split_option(cl->kernel_opts[i], &w.key, &w.value);
        if (check_word(&w, err, errlen) < 0)
            return -EINVAL;
        words[nwords++] = w;
    }
    const struct option_layer *l;
    for (int i = 0; (l = layer(i)); i++)
        if (l->check_all && l->check_all(err, errlen) < 0)
            return -EINVAL;
    return 0;
}

int option_given(const char *key) { return times_given(key) > 0; }

const char *option_value(const char *key)
{
    for (int i = nwords - 1; i >= 0; i--)
        if (strcmp(words[i].key, key) == 0)
            return words[i].value;
    return NULL;
}

char *option_next(const char *key, int *pos)
{
    for (; *pos < nwords; (*pos)++)
        if (strcmp(words[*pos].key, key) == 0 && words[*pos].value)
            return words[(*pos)++].value;
    return NULL;
}
