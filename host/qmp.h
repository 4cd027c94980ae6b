/* QEMU's machine protocol, just enough to press a button: connect to the instance's QMP socket,
 * leave negotiation mode, run one command. */
#ifndef MAYFLY_QMP_H
#define MAYFLY_QMP_H

/* Runs command (e.g. "system_powerdown") on the QMP socket at path, waiting at most timeout_ms
 * in all. Returns 0 when QEMU answered "return", -1 otherwise. */
int qmp_execute(const char *path, const char *command, int timeout_ms);
#endif
