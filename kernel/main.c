/* kernel_main: from the boot assembly to the application's main, in the order each step
 * needs the one before. */
#include "../boot/boot.h"
#include "acpi.h"
#include "power_button.h"
#include "app.h"
#include "bootinfo.h"
#include "clock.h"
#include "cmdline.h"
#include "console.h"
#include "lapic.h"
#include "memory.h"
#include "options.h"
#include "paging.h"
#include "panic.h"
#include "printk.h"
#include "shutdown.h"
#include "stack_protector.h"
#include "thread.h"
#include "timer.h"
#include "trap.h"
#include "x86.h"
#include <errno.h>

static struct boot_info boot_info;
static char cmdline_words[BOOT_CMDLINE_MAX];
static struct cmdline cmdline;
static char *app_env[OPTIONS_ENV_MAX + 1];
static char *app_argv[CMDLINE_MAX_WORDS + 2];

static __attribute__((noreturn)) void bad_command_line(const char *why)
{
    kprintf("mayfly: bad command line: %s\n", why);
    machine_exit(EXIT_BAD_COMMAND_LINE);
}

static void parse_command_line(void)
{
    char err[320];                      /* the unknown-option message lists every key */
    if (boot_info.cmdline_truncated)
        bad_command_line("longer than 4095 bytes");
    int rc = cmdline_parse(boot_info.cmdline, cmdline_words, &cmdline);
    if (rc < 0)
        bad_command_line(rc == -E2BIG ? "too many words" : "unterminated quote or trailing backslash");
    if (options_apply(&cmdline, err, sizeof err) < 0)
        bad_command_line(err);
    kernel_debug = option_given("debug");
    char *env;
    for (int pos = 0, n = 0; (env = option_next("env", &pos));)
        app_env[n++] = env;             /* at most OPTIONS_ENV_MAX: options_apply counted */
    app_argv[0] = (char *)app_name;
    for (int i = 0; i < cmdline.napp_args; i++)
        app_argv[i + 1] = cmdline.app_args[i];
}

static void *main_thread(void *unused)
{
    (void)unused;
    app_start(cmdline.napp_args + 1, app_argv, app_env);
}

static void report_boot(uint64_t boot_ns)
{
    kdebug("mayfly: booted by %s; %lu KiB RAM, %lu KiB free; TSC %lu MHz\n", boot_info.loader,
           (unsigned long)(mem_total_bytes() / 1024), (unsigned long)(mem_free_bytes() / 1024),
           (unsigned long)(clock_tsc_hz() / 1000000));
    kdebug("mayfly: command line \"%s\"\n", boot_info.cmdline);
    kdebug("mayfly: boot took %lu us (first instruction to main)\n", (unsigned long)(boot_ns / 1000));
}

/* Built without a stack canary: its frame is live when the canary gets its value. */
__attribute__((no_stack_protector)) void kernel_main(void)
{
    stack_guard_init();               /* first: every protected frame after this sees one value */
    clock_calibration_start();        /* measures in the background of all that follows */
    console_init();
    if (bootinfo_parse(boot_magic, boot_info_addr, &boot_info) < 0) {
        kprintf("mayfly: entered by an unknown loader (magic 0x%x)\n", boot_magic);
        machine_exit(EXIT_PANIC);
    }
    trap_init();
    thread_init();
    memory_init(&boot_info);
    paging_init();
    lapic_init();
    clock_calibration_lapic_start();
    acpi_set_rsdp(boot_info.rsdp);
    timer_init();
    parse_command_line();
    power_button_init();              /* armed from boot: a press is never lost (none on some machines) */
    clock_calibration_finish();
    if (!thread_create("main", main_thread, 0, APP_MAIN_STACK))
        panic("no memory for the main thread's stack");
    uint64_t boot_ns = clock_monotonic_ns();
    report_boot(boot_ns);
    irq_enable();
    thread_exit(0);                   /* the boot thread's work is done: run main */
}
