/* The C runtime's start: what crt0 does on a hosted system, run in the kernel's main thread. */
#include "../drivers/discovery.h"
#include "../drivers/rngdev.h"
#include "../kernel/app.h"
#include "../kernel/options.h"
#include "../kernel/random.h"
#include "../kernel/thread.h"
#include "fd.h"
#include "pthread_impl.h"
#include "signal_impl.h"
#include <reent.h>
#include <stdlib.h>

extern char **environ;
/* Weak: defined (libc/file.c) only when the program uses files. */
extern void files_start(void) __attribute__((weak));
extern int main(int argc, char **argv, char **envp);

void app_start(int argc, char **argv, char **envp)
{
    static char *no_env[1];
    environ = envp ? envp : no_env;
    /* errno lives in newlib's one struct _reent: the scheduler keeps a copy per thread */
    thread_keep_per_thread(&_REENT->_errno);
    pthread_adopt_main_thread();
    signals_start();
    fd_init();
    /* the random generator asks the drivers for an entropy device when it is first seeded */
    random_set_device_source(rng_read);
    /* Devices are found on first use, so that a program using none pays nothing at boot; with
     * `debug` they are found now, so that the boot report lists every one. */
    if (option_given("debug"))
        devices_init();
    if (files_start)
        files_start();
    exit(main(argc, argv, environ));
}
