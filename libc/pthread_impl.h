/* libc's side of a thread: what pthread functions keep beside the kernel's thread. */
#ifndef LIBC_PTHREAD_IMPL_H
#define LIBC_PTHREAD_IMPL_H

/* Give the running (main) thread its pthread data; called once by app_start. */
void pthread_adopt_main_thread(void);
#endif
