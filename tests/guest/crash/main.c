/* Crashes on purpose, the way argv[1] says; each must end in a clear report and status 127. */
#define _GNU_SOURCE                 /* pthread_setname_np */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static volatile int zero;
static int *volatile null_pointer;

__attribute__((noinline)) static void crash_null(void) { *null_pointer = 1; }
__attribute__((noinline)) static void crash_write_text(void) { *(volatile char *)(void *)crash_null = 0; }
__attribute__((noinline)) static int crash_divide(void) { return 100 / zero; }

/* Recurses without end on purpose: gcc's warning about exactly that is silenced here only. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"
__attribute__((noinline)) static int crash_recurse(int depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    return crash_recurse(depth + 1) + frame[0];
}
#pragma GCC diagnostic pop

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

/* Stack clash: a frame far larger than the guard below the stack, written at its lowest address
 * first, as a VLA sized by an attacker would be. Without probing, the write lands below the
 * guard, in whatever lies there; with -fstack-clash-protection the frame is touched page by
 * page on the way down, so the guard faults first. */
__attribute__((noinline)) static void clash_array(size_t size)
{
    char frame[size];
    volatile char *lowest = frame;
    for (int i = 0; i < 64; i++)
        lowest[i] = 0;
}   /* no call from here: it would run on the stack pointer the array moved, in the neighbour */

static void clash_and_say(size_t size)
{
    clash_array(size);
    printf("wrote 64 bytes %zu bytes below the stack pointer\n", size);
}

/* Two threads: the prober's stack lies just above the neighbour's (pages are taken from the top
 * of RAM down), and the prober sizes its array to reach the neighbour's pattern. */
#define PATTERN_BYTES 1024
#define PATTERN_BYTE 0xA5
#define CLASH_SMALL_STACK (16 * 1024)
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static volatile char *neighbour_pattern;
static int probe_done;

static void *neighbour_thread(void *arg)
{
    (void)arg;
    char pattern[PATTERN_BYTES];
    memset(pattern, PATTERN_BYTE, sizeof pattern);
    pthread_mutex_lock(&lock);
    neighbour_pattern = pattern;
    pthread_cond_broadcast(&changed);
    while (!probe_done)
        pthread_cond_wait(&changed, &lock);
    pthread_mutex_unlock(&lock);
    int overwritten = 0;
    for (size_t i = 0; i < sizeof pattern; i++)
        overwritten += (unsigned char)pattern[i] != PATTERN_BYTE;
    printf("neighbour: %d of %d pattern bytes overwritten\n", overwritten, PATTERN_BYTES);
    return (void *)(long)overwritten;
}

static void *prober_thread(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!neighbour_pattern)
        pthread_cond_wait(&changed, &lock);
    pthread_mutex_unlock(&lock);
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    uintptr_t target = (uintptr_t)(neighbour_pattern + PATTERN_BYTES / 2);
    if (target >= here) {
        printf("the neighbour's stack is not below the prober's\n");
        exit(3);
    }
    clash_and_say(here - target);
    pthread_mutex_lock(&lock);
    probe_done = 1;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void *clash_thread(void *size) { clash_and_say((size_t)size); return NULL; }

/* A thread with a 16 KiB stack and one frame of the given size. */
static void clash_in_thread(size_t size)
{
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, CLASH_SMALL_STACK);
    pthread_create(&t, &attr, clash_thread, (void *)size);
    pthread_setname_np(t, "clash");
    pthread_join(t, NULL);
}

static int clash_neighbour(void)
{
    pthread_t prober, neighbour;
    void *overwritten;
    pthread_create(&prober, NULL, prober_thread, NULL);
    pthread_setname_np(prober, "prober");
    pthread_create(&neighbour, NULL, neighbour_thread, NULL);
    pthread_setname_np(neighbour, "neighbour");
    pthread_join(prober, NULL);
    pthread_join(neighbour, &overwritten);
    return overwritten ? 1 : 0;
}

/* The boot stack's guard, found from the symbols boot/entry.S exports: written directly, it must
 * fault as an overflow of the boot thread's stack (the boot thread has ended by now, so only a
 * direct write can reach it). */
extern char boot_stack_guard[], boot_stack_guard_end[];
__attribute__((noinline)) static void crash_boot_guard(void)
{
    printf("boot stack guard: %zu KiB\n", (size_t)(boot_stack_guard_end - boot_stack_guard) / 1024);
    *(volatile char *)((uintptr_t)boot_stack_guard_end - 1) = 0;   /* just below the stack */
}

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
    } else if (!strcmp(what, "clash-neighbour"))
        return clash_neighbour();
    else if (!strcmp(what, "clash-64k"))
        clash_in_thread(64 * 1024);
    else if (!strcmp(what, "clash-1m"))
        clash_in_thread(1024 * 1024);
    else if (!strcmp(what, "clash-main"))
        clash_and_say(1024 * 1024);
    else if (!strcmp(what, "boot-guard"))
        crash_boot_guard();
    else if (!strcmp(what, "stack-smash"))
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
