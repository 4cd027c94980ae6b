/* Signals through libc, and the ACPI power button as SIGTERM.
 *   (no arguments)        the API: handlers, raise/kill, masks, alarm, EINTR from waits
 *   --wait-term           a SIGTERM handler, then pause(): the harness presses the power
 *                         button; exits 3 after the handler ran and pause returned EINTR
 *   --poll-term           the same with the main thread in poll() with no timeout
 *   --default FILE        writes FILE (no fsync, no close) then pauses: the button's SIGTERM,
 *                         with no handler, must write it back before the VM stops (status 143)
 *   --raise-term          raise(SIGTERM) with no handler: status 143
 *   --cond-term           main waits on a condition variable that the SIGTERM handler signals:
 *                         with no device and no timer, that is not a deadlock while a power
 *                         button can wake it; exits 3 when woken */
#include "../check.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits[NSIG];

static void count(int sig) { hits[sig]++; }

static void check_api(void)
{
    CHECK(signal(SIGUSR1, count) == SIG_DFL, "signal() returns the previous disposition (SIG_DFL)");
    CHECK(signal(SIGUSR1, count) == count, "and then the handler set before");
    CHECK(raise(SIGUSR1) == 0 && hits[SIGUSR1] == 1, "raise runs the handler before it returns");
    CHECK(kill(getpid(), SIGUSR1) == 0 && hits[SIGUSR1] == 2, "kill(getpid()) too");
    errno = 0;
    CHECK(kill(getpid() + 1, SIGUSR1) == -1 && errno == ESRCH, "kill of another pid is ESRCH");
    CHECK(kill(getpid(), 0) == 0, "kill with signal 0 checks the pid");
    errno = 0;
    CHECK(signal(SIGKILL, count) == SIG_ERR && errno == EINVAL, "SIGKILL cannot be caught");
    errno = 0;
    CHECK(raise(NSIG) == -1 && errno == EINVAL, "an unknown signal is EINVAL");
    CHECK(signal(SIGUSR2, SIG_IGN) == SIG_DFL && raise(SIGUSR2) == 0, "an ignored signal is dropped");

    struct sigaction act = { .sa_handler = count }, old;
    CHECK(sigaction(SIGHUP, &act, NULL) == 0 && sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler == count,
          "sigaction sets and reads back a handler");
    CHECK(raise(SIGHUP) == 0 && hits[SIGHUP] == 1, "and the handler runs");

    /* alarm: SIGALRM arrives from a timer through the delivery thread, and ends a wait */
    signal(SIGALRM, count);
    CHECK(alarm(1) == 0, "alarm with none set returns 0");
    CHECK(alarm(1) == 1, "alarm returns the seconds left of the one it replaces");
    errno = 0;
    CHECK(pause() == -1 && errno == EINTR && hits[SIGALRM] == 1, "pause returns EINTR after the SIGALRM handler");
    alarm(1);
    unsigned left = sleep(5);
    CHECK(hits[SIGALRM] == 2 && left >= 3 && left <= 4, "sleep(5) ends at the alarm, with %u seconds left", left);
    alarm(1);
    struct timespec req = { 5, 0 }, rem = { 0, 0 };
    errno = 0;
    CHECK(nanosleep(&req, &rem) == -1 && errno == EINTR && rem.tv_sec >= 3 && hits[SIGALRM] == 3,
          "nanosleep is EINTR with the time left (%ld s)", (long)rem.tv_sec);
    alarm(1);
    errno = 0;
    CHECK(poll(NULL, 0, 5000) == -1 && errno == EINTR && hits[SIGALRM] == 4, "poll is EINTR");
    alarm(1);
    struct timeval tv = { 5, 0 };
    errno = 0;
    CHECK(select(0, NULL, NULL, NULL, &tv) == -1 && errno == EINTR && hits[SIGALRM] == 5, "select is EINTR");
    CHECK(alarm(0) == 0, "no alarm is left");
    signal(SIGALRM, SIG_IGN);
    alarm(1);
    CHECK(sleep(2) == 0 && hits[SIGALRM] == 5, "an ignored SIGALRM does not end a sleep");
    signal(SIGALRM, count);

    /* a blocked signal waits: pending, then delivered when unblocked, before sigprocmask returns */
    sigset_t set, was, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    CHECK(sigprocmask(SIG_BLOCK, &set, &was) == 0 && !sigismember(&was, SIGALRM), "SIGALRM blocked");
    alarm(1);
    CHECK(sleep(2) == 0 && hits[SIGALRM] == 5, "a blocked SIGALRM neither runs nor ends the sleep");
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGALRM), "it is pending");
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0 && hits[SIGALRM] == 6, "unblocking delivers it");
    CHECK(raise(SIGALRM) == 0 && hits[SIGALRM] == 7, "raise of an unblocked signal runs at once");
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0 && raise(SIGALRM) == 0 && hits[SIGALRM] == 7,
          "raise of a blocked signal leaves it pending");
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0 && hits[SIGALRM] == 8, "until it is unblocked");
}

static void on_term(int sig)
{
    (void)sig;
    printf("SIGTERM handler ran\n");
    hits[SIGTERM]++;
}

static int wait_term(int use_poll)
{
    signal(SIGTERM, on_term);
    printf("waiting for SIGTERM\n");
    fflush(stdout);
    int rc;
    errno = 0;
    if (use_poll)
        rc = poll(NULL, 0, -1);
    else
        rc = pause();
    printf("%s returned %d, %s\n", use_poll ? "poll" : "pause", rc, errno == EINTR ? "EINTR" : strerror(errno));
    return hits[SIGTERM] == 1 && rc == -1 && errno == EINTR ? 3 : 1;
}

static int default_term(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    static const char text[] = "written before the power button; no fsync, no close\n";
    if (fd < 0 || write(fd, text, sizeof text - 1) != (ssize_t)sizeof text - 1) {
        printf("cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    printf("waiting for SIGTERM\n");
    fflush(stdout);
    pause();
    printf("pause returned: SIGTERM's default action did not end the program\n");
    return 1;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t termed = PTHREAD_COND_INITIALIZER;

static void on_term_signal_cond(int sig)
{
    (void)sig;
    pthread_mutex_lock(&lock);
    hits[SIGTERM]++;
    pthread_cond_signal(&termed);
    pthread_mutex_unlock(&lock);
}

static int cond_term(void)
{
    signal(SIGTERM, on_term_signal_cond);
    printf("waiting for SIGTERM\n");
    fflush(stdout);
    pthread_mutex_lock(&lock);
    while (!hits[SIGTERM])
        pthread_cond_wait(&termed, &lock);
    pthread_mutex_unlock(&lock);
    printf("woken by the SIGTERM handler\n");
    return 3;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--wait-term") == 0)
        return wait_term(0);
    if (argc > 1 && strcmp(argv[1], "--poll-term") == 0)
        return wait_term(1);
    if (argc > 1 && strcmp(argv[1], "--cond-term") == 0)
        return cond_term();
    if (argc > 2 && strcmp(argv[1], "--default") == 0)
        return default_term(argv[2]);
    if (argc > 1 && strcmp(argv[1], "--raise-term") == 0) {
        raise(SIGTERM);
        printf("raise returned\n");
        return 1;
    }
    check_api();
    return check_exit();
}
