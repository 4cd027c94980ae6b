/* Cooperative threads through pthreads: many threads, ping-pong, sleep ordering, mutexes,
 * condition timeouts, timed mutex locks, once, keys, detached threads, per-thread errno, stack reuse. */
#include "../check.h"
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* many threads, each yielding between increments */
#define MANY 500
#define ROUNDS 10
static int counter;

static void *incrementer(void *arg)
{
    for (int i = 0; i < ROUNDS; i++) {
        counter++;
        sched_yield();
    }
    return (void *)((long)arg * 2);
}

static void test_many(void)
{
    static pthread_t t[MANY];
    int created = 0, joined_ok = 1;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
    for (long i = 0; i < MANY; i++)
        created += pthread_create(&t[i], &attr, incrementer, (void *)i) == 0;
    for (long i = 0; i < created; i++) {
        void *ret;
        if (pthread_join(t[i], &ret) != 0 || (long)ret != i * 2)
            joined_ok = 0;
    }
    CHECK(created == MANY, "created %d threads", created);
    CHECK(joined_ok, "joined each with its return value");
    CHECK(counter == MANY * ROUNDS, "counter is %d after interleaved increments", counter);
}

/* ping-pong: two threads take turns through one mutex and a condition variable */
#define PINGS 1000
static pthread_mutex_t pp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pp_cond = PTHREAD_COND_INITIALIZER;
static int pp_turn, pp_log[2 * PINGS], pp_n;

static void *player(void *arg)
{
    int me = (int)(long)arg;
    for (int i = 0; i < PINGS; i++) {
        pthread_mutex_lock(&pp_lock);
        while (pp_turn != me)
            pthread_cond_wait(&pp_cond, &pp_lock);
        pp_log[pp_n++] = me;
        pp_turn = !me;
        pthread_cond_signal(&pp_cond);
        pthread_mutex_unlock(&pp_lock);
    }
    return NULL;
}

static void test_ping_pong(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, player, (void *)1);
    pthread_create(&b, NULL, player, (void *)0);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    int alternates = pp_n == 2 * PINGS;
    for (int i = 0; i < pp_n && alternates; i++)
        alternates = pp_log[i] == i % 2;
    CHECK(alternates, "%d ping-pong turns strictly alternate", pp_n);
}

/* sleep ordering: threads wake in the order of their deadlines, not of their creation */
static const int sleep_ms[] = { 50, 10, 40, 20, 30 };
#define SLEEPERS (int)(sizeof sleep_ms / sizeof sleep_ms[0])
static int wake_order[SLEEPERS], woke;
static int slept_enough = 1;

static void *sleeper(void *arg)
{
    int i = (int)(long)arg;
    uint64_t start = now_ms();
    usleep(sleep_ms[i] * 1000);
    if (now_ms() - start < (uint64_t)sleep_ms[i])
        slept_enough = 0;
    wake_order[woke++] = sleep_ms[i];
    return NULL;
}

static void test_sleep_order(void)
{
    pthread_t t[SLEEPERS];
    for (long i = 0; i < SLEEPERS; i++)
        pthread_create(&t[i], NULL, sleeper, (void *)i);
    for (int i = 0; i < SLEEPERS; i++)
        pthread_join(t[i], NULL);
    int sorted = woke == SLEEPERS;
    for (int i = 1; i < woke; i++)
        sorted &= wake_order[i - 1] < wake_order[i];
    CHECK(sorted, "sleepers woke in deadline order: %d %d %d %d %d", wake_order[0], wake_order[1],
          wake_order[2], wake_order[3], wake_order[4]);
    CHECK(slept_enough, "no sleeper woke before its time");
}

/* a mutex held across a sleep keeps others out */
static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static int in_section, overlap;

static void *holder(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++) {
        pthread_mutex_lock(&held);
        if (in_section++)
            overlap = 1;
        usleep(2000);
        in_section--;
        pthread_mutex_unlock(&held);
        sched_yield();
    }
    return NULL;
}

static void test_mutex(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, holder, NULL);
    usleep(1000);
    int busy = pthread_mutex_trylock(&held);
    if (busy == 0)
        pthread_mutex_unlock(&held);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    CHECK(!overlap, "no two threads were inside the mutex at once");
    CHECK(busy == EBUSY, "trylock on a held mutex says EBUSY (got %d)", busy);
    CHECK(pthread_mutex_unlock(&held) == EPERM, "unlocking a mutex one does not hold is EPERM");

    pthread_mutex_t r;
    pthread_mutexattr_t ra;
    pthread_mutexattr_init(&ra);
    pthread_mutexattr_settype(&ra, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&r, &ra);
    int rec = pthread_mutex_lock(&r) == 0 && pthread_mutex_lock(&r) == 0 && pthread_mutex_unlock(&r) == 0 &&
              pthread_mutex_unlock(&r) == 0 && pthread_mutex_unlock(&r) == EPERM;
    CHECK(rec, "a recursive mutex locks twice and unlocks twice");
    pthread_mutex_t n = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&n);
    CHECK(pthread_mutex_lock(&n) == EDEADLK, "relocking a normal mutex reports EDEADLK instead of hanging");
    pthread_mutex_unlock(&n);
}

static void test_cond_timeout(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 30 * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    uint64_t start = now_ms();
    pthread_mutex_lock(&m);
    int rc = pthread_cond_timedwait(&c, &m, &deadline);
    pthread_mutex_unlock(&m);
    uint64_t waited = now_ms() - start;
    CHECK(rc == ETIMEDOUT, "timedwait with no signal times out (rc %d)", rc);
    CHECK(waited >= 29, "it waited %llu ms of 30", (unsigned long long)waited);
}

/* timedlock: gives up at the deadline while another thread holds the mutex, and takes it when
 * the holder lets go before then */
static pthread_mutex_t contended = PTHREAD_MUTEX_INITIALIZER;

static struct timespec in_ms(int ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += (long)ms * 1000000;
    t.tv_sec += t.tv_nsec / 1000000000;
    t.tv_nsec %= 1000000000;
    return t;
}

static void *timed_locker(void *arg)
{
    struct timespec deadline = in_ms((int)(long)arg);
    long rc = pthread_mutex_timedlock(&contended, &deadline);
    if (rc == 0)
        pthread_mutex_unlock(&contended);
    return (void *)rc;
}

static void test_mutex_timedlock(void)
{
    pthread_t t;
    void *rc;
    pthread_mutex_lock(&contended);
    uint64_t start = now_ms();
    pthread_create(&t, NULL, timed_locker, (void *)30L);
    pthread_join(t, &rc);
    uint64_t waited = now_ms() - start;
    CHECK((long)rc == ETIMEDOUT, "timedlock on a contended mutex times out (rc %ld)", (long)rc);
    CHECK(waited >= 29, "it waited %llu ms of 30", (unsigned long long)waited);
    pthread_create(&t, NULL, timed_locker, (void *)5000L);
    usleep(10000);
    pthread_mutex_unlock(&contended);
    pthread_join(t, &rc);
    CHECK(rc == 0, "timedlock takes the mutex once its holder lets go (rc %ld)", (long)rc);
    struct timespec bad = { 0, 1000000000 };
    CHECK(pthread_mutex_timedlock(&contended, &bad) == EINVAL, "timedlock refuses a malformed time");
    CHECK(pthread_mutex_unlock(&contended) == EPERM, "and did not take the mutex");
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void once_init(void) { once_runs++; usleep(1000); }
static void *once_user(void *arg) { (void)arg; pthread_once(&once, once_init); return NULL; }

static void test_once(void)
{
    pthread_t t[10];
    for (int i = 0; i < 10; i++)
        pthread_create(&t[i], NULL, once_user, NULL);
    for (int i = 0; i < 10; i++)
        pthread_join(t[i], NULL);
    CHECK(once_runs == 1, "pthread_once ran its routine %d time(s) for 10 threads", once_runs);
}

static pthread_key_t key;
static int destructed;
static void destructor(void *v) { destructed += (int)(long)v; }

static void *key_user(void *arg)
{
    pthread_setspecific(key, arg);
    sched_yield();
    return pthread_getspecific(key);
}

static void test_keys(void)
{
    pthread_key_create(&key, destructor);
    pthread_t a, b;
    void *ra, *rb;
    pthread_create(&a, NULL, key_user, (void *)3);
    pthread_create(&b, NULL, key_user, (void *)4);
    pthread_join(a, &ra);
    pthread_join(b, &rb);
    CHECK((long)ra == 3 && (long)rb == 4, "each thread sees its own key value");
    CHECK(destructed == 7, "destructors ran with each value (sum %d)", destructed);
}

static int detached_done;
static void *detached_fn(void *arg) { (void)arg; detached_done++; return NULL; }

/* 2000 threads of 64 KiB in a 128 MiB VM: only works if ended threads' stacks come back */
static void test_stack_reuse(void)
{
    int ok = 1;
    for (int i = 0; i < 2000 && ok; i++) {
        pthread_t t;
        ok = pthread_create(&t, NULL, detached_fn, NULL) == 0 && pthread_detach(t) == 0;
        if (i % 50 == 49)
            usleep(100);
    }
    while (detached_done < 2000 && ok)
        usleep(1000);
    CHECK(ok && detached_done == 2000, "2000 detached threads ran and their memory came back");
    ok = 1;
    for (int i = 0; i < 2000 && ok; i++) {
        pthread_t t;
        ok = pthread_create(&t, NULL, detached_fn, NULL) == 0 && pthread_join(t, NULL) == 0;
    }
    CHECK(ok, "2000 joined threads' memory came back");
}

/* threads with 1 MiB stacks until memory runs out: pthread_create says EAGAIN, no panic, and
 * everything comes back once they are joined */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate = PTHREAD_COND_INITIALIZER;
static int gate_open;

static void *wait_at_gate(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&gate_lock);
    while (!gate_open)
        pthread_cond_wait(&gate, &gate_lock);
    pthread_mutex_unlock(&gate_lock);
    return NULL;
}

static void test_out_of_memory(void)
{
    static pthread_t t[1000];
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1 << 20);
    int n = 0, rc = 0;
    while (n < 1000 && (rc = pthread_create(&t[n], &attr, wait_at_gate, NULL)) == 0)
        n++;
    CHECK(rc == EAGAIN && n > 10, "thread creation stops with EAGAIN when memory is out (after %d)", n);
    pthread_mutex_lock(&gate_lock);
    gate_open = 1;
    pthread_cond_broadcast(&gate);
    pthread_mutex_unlock(&gate_lock);
    int joined = 0;
    for (int i = 0; i < n; i++)
        joined += pthread_join(t[i], NULL) == 0;
    int again = 0;
    while (again < n && pthread_create(&t[again], &attr, wait_at_gate, NULL) == 0)
        again++;
    for (int i = 0; i < again; i++)
        pthread_join(t[i], NULL);
    CHECK(joined == n && again == n, "all %d joined, and as many fit again (%d)", n, again);
}

static void *errno_setter(void *arg)
{
    errno = (int)(long)arg;
    sched_yield();
    sched_yield();
    return (void *)(long)errno;
}

static void test_errno(void)
{
    pthread_t a, b;
    void *ra, *rb;
    errno = 0;
    pthread_create(&a, NULL, errno_setter, (void *)EINVAL);
    pthread_create(&b, NULL, errno_setter, (void *)ENOENT);
    pthread_join(a, &ra);
    pthread_join(b, &rb);
    CHECK((long)ra == EINVAL && (long)rb == ENOENT && errno == 0, "errno is per thread");
}

int main(void)
{
    test_many();
    test_ping_pong();
    test_sleep_order();
    test_mutex();
    test_cond_timeout();
    test_mutex_timedlock();
    test_once();
    test_keys();
    test_stack_reuse();
    test_errno();
    test_out_of_memory();
    return check_exit();
}
