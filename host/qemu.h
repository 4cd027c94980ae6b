/* QEMU's command line for an instance, and what its exit status means. */
#ifndef MAYFLY_QEMU_H
#define MAYFLY_QEMU_H
#include "spec.h"

#define QEMU_ARGS_MAX 256
#define QEMU_STORAGE (64 * 1024)

struct qemu_cmd {
    int argc;
    char *argv[QEMU_ARGS_MAX + 1];      /* NULL-terminated */
    size_t used;
    char storage[QEMU_STORAGE];
};

/* The argv for s: accel's words (paths.h accel_args), the QMP socket at qmp_path, the console on
 * stdio, the user network with s's ports (plus 127.0.0.1:health_port to the health check's guest
 * port when health_port is not 0), one NIC per private network with its leased address, the
 * peers' names on the kernel command line, s's volumes; with s->gdb a gdb stub and the CPU halted
 * at reset (-gdb tcp:IP:PORT -S), under TCG as qemu_gdb_tcg says. Returns 0, or -1 with err. */
int qemu_build(const struct spec *s, char accel[][64], int naccel, const char *qmp_path, int health_port,
               struct qemu_cmd *out, char *err, size_t errlen);

/* Whether s runs under TCG whatever accel's words say: under --gdb unless $ACCEL names an
 * accelerator (breakpoints set at reset hold under TCG only; qemu.c says why). */
int qemu_gdb_tcg(const struct spec *s);

/* The app's exit status from QEMU's wait status: isa-debug-exit gives (status << 1) | 1; a plain
 * exit 0 is an ACPI power-off (status 0); a signal is 128 + its number. */
int qemu_exit_code(int wait_status);

/* A word of the kernel command line, quoted the way the kernel splits it. */
void qemu_quote_word(const char *word, char *out, size_t len);
#endif
