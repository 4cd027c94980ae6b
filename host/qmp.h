/* QEMU's machine protocol, just enough to press a button: connect to the instance's QMP socket,
 * leave negotiation mode, run one command. */
#ifndef MAYFLY_QMP_H
#define MAYFLY_QMP_H

/* Runs command (e.g. "system_powerdown") on the QMP socket at path, waiting at most timeout_ms
 * in all. Returns 0 when QEMU answered "return", -1 otherwise. */
int qmp_execute(const char *path, const char *command, int timeout_ms);
/* The same in two halves, for a session kept open (a paused guest's, so that its resume is one
 * write): qmp_open connects and leaves negotiation mode (the fd, or -1); qmp_command runs one
 * command on it (0 on "return"). QEMU serves one QMP client at a time: close it soon. */
int qmp_open(const char *path, int timeout_ms);
int qmp_command(int fd, const char *command, int timeout_ms);
#endif
