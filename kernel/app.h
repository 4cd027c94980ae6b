/* Where the kernel hands over to the application: the contract with the layer above. */
#ifndef KERNEL_APP_H
#define KERNEL_APP_H

/* Provided by libc (libc/start.c): set up the C runtime and run main in the calling thread
 * (the thread named "main"); ends the VM with main's status. */
__attribute__((noreturn)) void app_start(int argc, char **argv, char **envp);

/* The application's name, argv[0]: written by the build from the app's directory name. */
extern const char app_name[];

#define APP_MAIN_STACK (256 * 1024)
#endif
