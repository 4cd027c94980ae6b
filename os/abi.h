/* The ABI between the shared OS (build/mayfly-os.elf) and the app modules it runs (build/NAME.app).
 *
 * Both files carry the same ELF note: owner MAYFLY_NOTE_OWNER, type MAYFLY_NOTE_ABI, and as its
 * description the ABI string, NUL-terminated: "MAJOR+DIGEST". MAJOR is MAYFLY_ABI_MAJOR below;
 * DIGEST is the start of a sha256 over every header an app compiles against (newlib's, libc/include,
 * net/include, lwIP's), computed by scripts/abi-version. So a change to a struct an app sees makes
 * every module refuse to run on the other OS until it is rebuilt, without anyone remembering to
 * bump a number; MAJOR is for what headers do not show (a changed calling convention, a new
 * loader rule). Two files are compatible when their strings are equal. */
#ifndef OS_ABI_H
#define OS_ABI_H

#define MAYFLY_ABI_MAJOR 1
#define MAYFLY_NOTE_OWNER "Mayfly"
#define MAYFLY_NOTE_ABI 1
#define MAYFLY_ABI_STRING_MAX 64

/* The status a module refused before it ran ends the VM with (the shell's "cannot execute"). */
#define EXIT_MODULE_REFUSED 126
#endif
