/* Thread-specific data: one table of keys for the process, one slot per key in each thread. */
#include "pthread_impl.h"
#include <errno.h>
#include <stddef.h>

#define KEYS_MAX MAYFLY_PTHREAD_KEYS
#define DESTRUCTOR_ROUNDS 4             /* POSIX's PTHREAD_DESTRUCTOR_ITERATIONS */

struct key {
    int used;
    void (*destructor)(void *);
};

static struct key keys[KEYS_MAX];

/* A destructor may set values again: run rounds until none is left, or give up. */
void pthread_run_destructors(pthread_t self)
{
    for (int round = 0; round < DESTRUCTOR_ROUNDS; round++) {
        int ran = 0;
        for (int k = 0; k < KEYS_MAX; k++) {
            void *v = (void *)self->specific[k];
            if (v && keys[k].used && keys[k].destructor) {
                self->specific[k] = NULL;
                keys[k].destructor(v);
                ran = 1;
            }
        }
        if (!ran)
            return;
    }
}

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
    for (unsigned k = 0; k < KEYS_MAX; k++)
        if (!keys[k].used) {
            keys[k] = (struct key){ 1, destructor };
            *key = k;
            return 0;
        }
    return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
    if (key >= KEYS_MAX || !keys[key].used)
        return EINVAL;
    keys[key].used = 0;
    return 0;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
    if (key >= KEYS_MAX || !keys[key].used)
        return EINVAL;
    pthread_self()->specific[key] = value;
    return 0;
}

void *pthread_getspecific(pthread_key_t key)
{
    if (key >= KEYS_MAX || !keys[key].used)
        return NULL;
    return (void *)pthread_self()->specific[key];
}
