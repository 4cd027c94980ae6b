/* Crashes on purpose, the way argv[1] says; each must end in a clear report and status 127. */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int zero;
static int *volatile null_pointer;

__attribute__((noinline)) static void crash_null(void) { *null_pointer = 1; }
__attribute__((noinline)) static void crash_write_text(void) { *(volatile char *)(void *)crash_null = 0; }
__attribute__((noinline)) static int crash_divide(void) { return 100 / zero; }

__attribute__((noinline)) static int crash_recurse(int depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    return crash_recurse(depth + 1) + frame[0];
}

/* Writes past the end of its own array, over the canary and the saved registers but short of
 * the saved frame pointer (48 bytes: GCC 12 puts the 16-byte array 48 bytes below it), so the
 * canary check on return must stop it and the backtrace still names this function. The length
 * is volatile so that the compiler cannot see the overflow coming. */
static volatile size_t smash_length = 48;
__attribute__((noinline)) static void crash_smash(void)
{
    char buf[16];
    memset(buf, 'A', smash_length);
    __asm__ volatile("" : : "r"(buf) : "memory");
}

static void *overflow_thread(void *arg) { (void)arg; crash_recurse(0); return NULL; }

__attribute__((noinline)) static void crash_execute_data(void)
{
    static unsigned char code[16] = { 0xC3 };      /* ret, in a non-executable page */
    ((void (*)(void))(void *)code)();
    zero++;                                         /* a real call, not a tail jump */
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static void *waits_forever(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    pthread_cond_wait(&never, &lock);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    printf("crashing: %s\n", what);
    if (!strcmp(what, "null"))
        crash_null();
    else if (!strcmp(what, "write-text"))
        crash_write_text();
    else if (!strcmp(what, "divide"))
        return crash_divide();
    else if (!strcmp(what, "stack"))
        return crash_recurse(0);
    else if (!strcmp(what, "thread-stack")) {
        pthread_t t;
        pthread_create(&t, NULL, overflow_thread, NULL);
        pthread_join(t, NULL);
    } else if (!strcmp(what, "stack-smash"))
        crash_smash();
    else if (!strcmp(what, "execute-data"))
        crash_execute_data();
    else if (!strcmp(what, "abort"))
        abort();
    else if (!strcmp(what, "assert"))
        assert(argc == 1000);
    else if (!strcmp(what, "deadlock")) {
        pthread_t t;
        pthread_create(&t, NULL, waits_forever, NULL);
        pthread_join(t, NULL);
    }
    printf("no crash happened\n");
    return 0;
}
