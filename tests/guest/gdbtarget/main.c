/* The program tests/guest/gdb.sh debugs: a global whose value is computed at run time, a call chain
 * main -> middle -> leaf to stop in, and a second cooperative thread blocked in a chain of its own
 * (worker_main -> worker_wait) while main is stopped, so that a backtrace of another thread shows.
 * It also runs alone: it prints the answer and exits 0. */
#define _GNU_SOURCE                 /* pthread_setname_np */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

/* Read by gdb at the breakpoint in leaf: the sum of the squares of 1..n, n from the command line
 * (default 100: 338350), so the compiler cannot fold it into a constant. */
volatile long gdb_answer;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int go;

/* noinline and a result used after each call: every function keeps a frame of its own, and no
 * call becomes a jump that would hide its caller from the backtrace. */
__attribute__((noinline)) static void worker_wait(void)
{
    pthread_mutex_lock(&lock);
    while (!go)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
}

__attribute__((noinline)) static void *worker_main(void *arg)
{
    worker_wait();
    printf("worker released\n");
    return arg;
}

__attribute__((noinline)) long leaf(long n)
{
    __asm__ volatile("" ::: "memory");
    return gdb_answer + n;
}

__attribute__((noinline)) long middle(long n)
{
    long sum = 0;
    for (long i = 1; i <= n; i++)
        sum += i * i;
    gdb_answer = sum;
    long r = leaf(n);
    return r - n;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100;
    pthread_t worker;
    if (pthread_create(&worker, NULL, worker_main, NULL) != 0) {
        printf("gdbtarget: pthread_create failed\n");
        return 1;
    }
    pthread_setname_np(worker, "gdb-worker");
    sched_yield();                              /* the worker runs until it blocks in worker_wait */
    long answer = middle(n);
    printf("answer %ld\n", answer);
    pthread_mutex_lock(&lock);
    go = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
    pthread_join(worker, NULL);
    return answer == gdb_answer ? 0 : 1;
}
