# libc/: newlib (built here from Debian's newlib-source, versions.mk pins it) and Mayfly's part of
# the C library: the system-call glue and the POSIX pieces newlib lacks.
LIBC_SRCS := $(wildcard libc/*.c libc/*.S libc/*/*.c)
CORE_SRCS += $(LIBC_SRCS)

# newlib, built once per version, flags and recipe (the directory name carries their hash).
NEWLIB_FLAGS := $(TARGET_FLAGS)
NEWLIB_FLAGS += $(HARDEN_FLAGS)
NEWLIB_KEY   := $(shell { echo $(NEWLIB_VERSION) $(NEWLIB_SHA256) $(NEWLIB_FLAGS); cat libc/build-newlib; } | \
  sha256sum | cut -c1-12)
NEWLIB       := $(BUILD)/newlib-$(NEWLIB_KEY)
NEWLIB_STAMP := $(NEWLIB)/lib/libc.a
NEWLIB_LIBS   = $(NEWLIB)/lib/libm.a $(NEWLIB)/lib/libc.a

# Mayfly's headers first: they add what newlib lacks (sockets, poll, <mayfly/...>).
LIBC_INCLUDES   = -isystem libc/include
NEWLIB_INCLUDES = -isystem $(NEWLIB)/include

# Which POSIX parts newlib's headers declare: those Mayfly provides.
POSIX_DEFS := -D_POSIX_THREADS=200809L -D_POSIX_TIMERS=200809L -D_POSIX_MONOTONIC_CLOCK=200809L \
  -D_POSIX_CLOCK_SELECTION=200809L -D_POSIX_CPUTIME=200809L -D_POSIX_TIMEOUTS=200809L \
  -D_POSIX_THREAD_ATTR_STACKSIZE=200809L -D_UNIX98_THREAD_MUTEX_ATTRIBUTES=1 -DFD_SETSIZE=1024

.PHONY: newlib
newlib: $(NEWLIB_STAMP)
$(NEWLIB_STAMP): | $(SETUP_STAMP)
	@echo "  NEWLIB  building newlib $(NEWLIB_VERSION) into $(NEWLIB) (a few minutes, once)"
	@mkdir -p $(BUILD)
	@libc/build-newlib $(abspath $(NEWLIB)) "$(NEWLIB_FLAGS)"
