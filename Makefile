# Mayfly: `make` builds every app in apps/ to build/<name>.elf; `make APP=dir` builds the app
# whose .c files are in dir. See README.md for run, test, image and bench.

.DEFAULT_GOAL := all
SHELL      := /bin/bash
BUILD      := build
# apps/lib/ is no app: it holds what apps share (apps/lib/build.mk)
APPS       := $(filter-out lib,$(patsubst apps/%/,%,$(wildcard apps/*/)))
APP        ?=
MODULE     ?=
RUN_APP    ?= httpd
CC         := gcc
LD         := ld
# Asked of gcc on first use, not when the Makefile is read: on a fresh machine gcc arrives with
# scripts/setup, which runs before anything is compiled.
GCC_INCLUDE = $(eval GCC_INCLUDE := $$(shell $(CC) -print-file-name=include))$(GCC_INCLUDE)
LIBGCC     = $(eval LIBGCC := $$(shell $(CC) -print-libgcc-file-name))$(LIBGCC)

# The third-party sources' versions and sha256s (scripts/setup and the fetch scripts read them too).
include versions.mk
SETUP_STAMP := $(BUILD)/.setup-$(shell cat scripts/setup versions.mk | sha256sum | cut -c1-12)

# Code that runs in the guest: no red zone (interrupts push onto the stack in use), frame
# pointers (for backtraces), sections per function (the link keeps only what is used).
TARGET_FLAGS := -O2 -g -ffreestanding -mno-red-zone -fno-pic -fno-pie -fno-stack-protector \
  -fno-omit-frame-pointer -ffunction-sections -fdata-sections -mcmodel=small \
  -fno-asynchronous-unwind-tables
# Stack canaries, one global guard (no TLS here) that kernel_main sets from the entropy sources
# first thing (kernel/stack_protector.c); a later flag overrides -fno-stack-protector above.
TARGET_FLAGS += -fstack-protector-strong -mstack-protector-guard=global
# Hardening, on its own line so each protection is added apart from the code-generation flags.
# -fstack-clash-protection: a frame or alloca larger than a page touches each page on the way down,
# so no frame can step over a thread's guard region (kernel/thread.h STACK_GUARD_SIZE) into the
# memory below it. newlib (libc/build.mk) and lwIP (net/build.mk) get it too.
HARDEN_FLAGS := -fstack-clash-protection
# Objects depend on this stamp, whose name carries the code-generation flags: changing the flags
# (a new protection) compiles every guest object anew.
# What runs above the OS (apps, apps/lib, the image libraries) is position-independent, so that one
# compile serves both builds: a single image's static link turns its GOT loads into direct ones, and
# a module (make MODULE=1) is a shared object the shared OS links at boot. No semantic interposition:
# calls within an app stay direct and inlinable, as in a static program.
APP_PIC_FLAGS := -fPIC -fno-semantic-interposition
GUEST_FLAGS_STAMP := $(BUILD)/.guest-flags-$(shell echo '$(TARGET_FLAGS) $(HARDEN_FLAGS) $(APP_PIC_FLAGS)' | \
  sha256sum | cut -c1-12)
# The warnings of the core, the shipped apps and a directory given as APP= alike.
WARN       := -Wall -Wextra -Werror
CFLAGS     ?=
LDLIBS     ?=

# Goals that compile nothing for the guest: they neither fetch lwIP nor read its file list.
NO_LWIP_GOALS := clean setup newlib unit unit-% $(BUILD)/tests/% $(BUILD)/mayfly $(BUILD)/host/%

# Each layer lists its sources in its own build.mk (adding to CORE_SRCS, the sources of
# libmayfly.a) and builds its third-party part: libc/ newlib, net/ lwIP.
CORE_SRCS  :=
LAYERS     := boot kernel drivers fs libc net
include $(addsuffix /build.mk,$(LAYERS))
include os/build.mk
include libs/build.mk
include tests/unit/build.mk
include host/build.mk

INCLUDES   = -nostdinc $(LIBC_INCLUDES) $(NET_INCLUDES) $(IMG_INCLUDES) $(NEWLIB_INCLUDES) -isystem $(GCC_INCLUDE)
GUEST_CFLAGS = $(TARGET_FLAGS) $(HARDEN_FLAGS) --param=min-pagesize=0 -fno-delete-null-pointer-checks -std=gnu11 \
  -fno-strict-aliasing $(INCLUDES) $(POSIX_DEFS) -MD -MP

CORE_OBJS  := $(patsubst %,$(BUILD)/core/%.o,$(CORE_SRCS))
LIBMAYFLY  := $(BUILD)/libmayfly.a
LDFLAGS_IMAGE := -nostdlib -static -T $(LINKER_SCRIPT) -z max-page-size=0x1000 -z noexecstack \
  --gc-sections --no-warn-rwx-segments
LINK_LIBS  = --start-group $(LIBAPPS) $(LIBMAYFLY) $(LIBLWIP) $(IMG_LIBS) $(LDLIBS) $(NEWLIB_LIBS) $(LIBGCC) --end-group

.PHONY: all run test image bench clean setup install
modules: $(foreach a,$(APPS),$(BUILD)/$(a).app)
.DELETE_ON_ERROR:

# A directory given as APP= is built under build/app-NAME-HASH/, keyed by its real path: two
# directories with one name never share objects, and a user's directory named like a shipped app
# is built from its own sources. The image is build/NAME.elf either way; build/NAME.elf.src names
# the directory it was built from, and a rule for another directory rebuilds it (see app_rules).
ifeq ($(APP),)
all: $(foreach a,$(APPS),$(BUILD)/$(a).elf) $(BUILD)/mayfly $(OS_ELF)
else
APP_DIR    := $(patsubst %/,%,$(APP))
APP_NAME   := $(notdir $(APP_DIR))
APP_REAL   := $(realpath $(APP_DIR))
ifeq ($(APP_REAL),)
$(error APP=$(APP) is not a directory)
endif
ifeq ($(APP_REAL),$(realpath apps/$(APP_NAME)))
APP_KEY    := $(APP_NAME)
else
APP_KEY    := app-$(APP_NAME)-$(shell printf '%s' '$(APP_REAL)' | sha256sum | cut -c1-10)
endif
all: $(BUILD)/$(APP_NAME).$(if $(filter 1,$(MODULE)),app,elf)
endif

$(GUEST_FLAGS_STAMP):
	@mkdir -p $(BUILD)
	@rm -f $(BUILD)/.guest-flags-* && touch $@

setup: $(SETUP_STAMP)
$(SETUP_STAMP): scripts/setup versions.mk
	@mkdir -p $(BUILD)
	@scripts/setup
	@rm -f $(BUILD)/.setup-* && touch $@

$(BUILD)/core/%.c.o: %.c $(GUEST_FLAGS_STAMP) | $(NEWLIB_STAMP) $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(GUEST_CFLAGS) $(WARN) -c $< -o $@

$(BUILD)/core/%.S.o: %.S $(GUEST_FLAGS_STAMP) | $(NEWLIB_STAMP) $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(LIBMAYFLY): $(filter-out $(ENTRY_OBJ),$(CORE_OBJS))
	@rm -f $@
	@ar rcs $@ $^

include apps/lib/build.mk

# One app: $(1) = its key (the object directory under build/), $(2) = source directory,
# $(3) = image name (build/$(3).elf).
define app_rules
$(1)_SRCS := $$(wildcard $(2)/*.c)
$(1)_WWW  := $$(wildcard $(2)/www)
$(1)_OBJS := $$(patsubst $(2)/%.c,$(BUILD)/$(1)/%.o,$$($(1)_SRCS)) $(BUILD)/$(1)/app_name.o \
  $$(if $$($(1)_WWW),$(BUILD)/$(1)/www.o)

# An app's www/ directory is compiled in (<mayfly/embedded.h> lists its files).
$(BUILD)/$(1)/www.o: $$(shell find $(2)/www -type f 2>/dev/null) scripts/embed-files
	@mkdir -p $$(dir $$@)
	@echo "  EMBED   $(2)/www"
	@scripts/embed-files $(2)/www $(BUILD)/$(1)/www.S
	@$(CC) -c $(BUILD)/$(1)/www.S -o $$@

# (The image libraries come first: their headers are an app's to include.)
$(BUILD)/$(1)/%.o: $(2)/%.c $(GUEST_FLAGS_STAMP) | $(NEWLIB_STAMP) $(LWIP_STAMP) $(IMG_LIBS)
	@mkdir -p $$(dir $$@)
	@echo "  CC      $$<"
	@$(CC) $$(GUEST_CFLAGS) $(APP_PIC_FLAGS) $(APPLIB_INCLUDES) $(WARN) $(CFLAGS) -c $$< -o $$@

$(BUILD)/$(1)/app_name.o: $(GUEST_FLAGS_STAMP) | $(NEWLIB_STAMP)
	@mkdir -p $$(dir $$@)
	@printf 'const char app_name[] = "%s";\n' "$(3)" > $(BUILD)/$(1)/app_name.c
	@$(CC) $$(GUEST_CFLAGS) $(APP_PIC_FLAGS) $(WARN) -c $(BUILD)/$(1)/app_name.c -o $$@

# The app as a module for the shared OS (os/build.mk): its own code and libraries only.
$(BUILD)/$(3).app: $$($(1)_OBJS) $(BUILD)/abi-note.o $(LIBAPPS) $(IMG_LIBS) $$(if $$(filter-out $$(abspath $(2)),$$(file < $(BUILD)/$(3).app.src)),FORCE)
	@echo "  LD      $$@"
	@$(LD) $(LDFLAGS_MODULE) -o $$@ $$($(1)_OBJS) $(BUILD)/abi-note.o --start-group $(LIBAPPS) $(IMG_LIBS) $(LDLIBS) --end-group $$(LIBGCC)
	@echo "$$(abspath $(2))" > $$@.src

# Two links: the first gives the addresses for the symbol table that the second embeds
# (after all code, so no code moves; the check below makes sure).
$(BUILD)/$(3).elf: $$($(1)_OBJS) $(ENTRY_OBJ) $(LIBAPPS) $(LIBMAYFLY) $(LIBLWIP) $(IMG_LIBS) $(LINKER_SCRIPT) scripts/gen-ksyms $$(if $$(filter-out $$(abspath $(2)),$$(file < $(BUILD)/$(3).elf.src)),FORCE)
	@echo "  LD      $$@"
	@scripts/gen-ksyms - $(BUILD)/$(1)/ksyms0.S
	@$(CC) -c $(BUILD)/$(1)/ksyms0.S -o $(BUILD)/$(1)/ksyms0.o
	@$(LD) $(LDFLAGS_IMAGE) -o $(BUILD)/$(1)/pass1.elf $(ENTRY_OBJ) $$($(1)_OBJS) $(BUILD)/$(1)/ksyms0.o $$(LINK_LIBS)
	@scripts/gen-ksyms $(BUILD)/$(1)/pass1.elf $(BUILD)/$(1)/ksyms.S
	@$(CC) -c $(BUILD)/$(1)/ksyms.S -o $(BUILD)/$(1)/ksyms.o
	@$(LD) $(LDFLAGS_IMAGE) -o $$@ $(ENTRY_OBJ) $$($(1)_OBJS) $(BUILD)/$(1)/ksyms.o $$(LINK_LIBS)
	@cmp -s <(nm -n $(BUILD)/$(1)/pass1.elf | grep -i ' t ') <(nm -n $$@ | grep -i ' t ') || \
	  { echo "the symbol table moved code: see boot/linker.ld"; rm -f $$@; exit 1; }
	@echo "$$(abspath $(2))" > $$@.src

-include $$($(1)_OBJS:.o=.d)
endef

# Every shipped app, but the one whose name a user's APP= directory takes for this build.
$(foreach a,$(filter-out $(if $(filter-out $(APP_NAME),$(APP_KEY)),$(APP_NAME)),$(APPS)),\
  $(eval $(call app_rules,$(a),apps/$(a),$(a))))
ifneq ($(APP),)
ifneq ($(APP_KEY),$(APP_NAME))
$(eval $(call app_rules,$(APP_KEY),$(APP_DIR),$(APP_NAME)))
endif
endif
.PHONY: FORCE

-include $(CORE_OBJS:.o=.d)

# httpd's port 80 is forwarded to 127.0.0.1:8080 (RUN_HOSTFWD: QEMU hostfwd rules, for any app).
RUN_HOSTFWD ?= $(if $(filter httpd,$(RUN_APP)),tcp:127.0.0.1:8080-:80)
run: $(BUILD)/$(RUN_APP).elf
	@$(if $(filter httpd,$(RUN_APP)),echo "mayfly: booting httpd; open http://127.0.0.1:8080/ (Ctrl-C stops the VM)")
	@HOSTFWD="$(RUN_HOSTFWD)" scripts/run $(BUILD)/$(RUN_APP).elf $(RUN_ARGS)

# A GRUB disk image of RUN_APP for a cloud VM: IMAGE_FORMAT qcow2 (default), img, iso, or a cloud's
# import format: gce (build/RUN_APP.tar.gz), vmdk, vhd (scripts/mkimage says what each is);
# IMAGE_CMDLINE is the kernel command line it boots with.
# With MODULE=1: the shared OS's qcow2 base (build/mayfly-os.qcow2, remade when the OS is) and
# RUN_APP's module as a small qcow2 overlay on it (build/RUN_APP-on-os.qcow2; INITRD=FILE adds one).
IMAGE_FORMAT ?= qcow2
IMAGE_CMDLINE ?=
ifeq ($(MODULE),1)
image: $(BUILD)/mayfly-os.qcow2 $(BUILD)/$(RUN_APP).app | $(SETUP_STAMP)
	@scripts/mkimage-overlay $(BUILD)/mayfly-os.qcow2 $(BUILD)/$(RUN_APP).app $(BUILD)/$(RUN_APP)-on-os.qcow2 $(IMAGE_CMDLINE)
else
IMAGE_FORMATS := qcow2 img iso gce vmdk vhd
image: $(BUILD)/$(RUN_APP).elf | $(SETUP_STAMP)
	@$(if $(and $(filter 1,$(words $(IMAGE_FORMAT))),$(filter $(IMAGE_FORMATS),$(IMAGE_FORMAT))),,\
	  echo "make image: IMAGE_FORMAT must be one of $(IMAGE_FORMATS): $(IMAGE_FORMAT)" >&2; exit 2)
	@scripts/mkimage $(BUILD)/$(RUN_APP).elf $(BUILD)/$(RUN_APP).$(if $(filter gce,$(IMAGE_FORMAT)),tar.gz,$(IMAGE_FORMAT)) $(IMAGE_CMDLINE)
endif
$(BUILD)/mayfly-os.qcow2: $(OS_ELF) scripts/mkimage-os scripts/mkimage-disk.sh | $(SETUP_STAMP)
	@scripts/mkimage-os $@ $(OS_ELF)

test: | $(SETUP_STAMP)
	@tests/run

bench: $(foreach a,$(APPS),$(BUILD)/$(a).elf $(BUILD)/$(a).app) $(OS_ELF) $(BUILD)/mayfly | $(SETUP_STAMP)
	@scripts/bench
	@scripts/bench-httpd
	@scripts/bench-fleet
	@scripts/bench-front
	@scripts/bench-media
	@scripts/bench-os

# The manager, its accelerator probe (with the hello image it boots), the shipped apps' images
# and modules, the shared OS the manager runs modules on, and the systemd unit. DESTDIR for packaging.
PREFIX  ?= /usr/local
DESTDIR ?=
install: $(BUILD)/mayfly $(foreach a,$(APPS),$(BUILD)/$(a).elf $(BUILD)/$(a).app) $(OS_ELF)
	install -D -m 755 $(BUILD)/mayfly $(DESTDIR)$(PREFIX)/bin/mayfly
	install -D -m 755 scripts/accel $(DESTDIR)$(PREFIX)/lib/mayfly/accel
	install -D -m 644 -t $(DESTDIR)$(PREFIX)/lib/mayfly $(foreach a,$(APPS),$(BUILD)/$(a).elf $(BUILD)/$(a).app)
	install -D -m 644 $(OS_ELF) $(DESTDIR)$(PREFIX)/lib/mayfly/mayfly-os.elf
	install -D -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/mayfly/README.md
	install -D -m 644 -t $(DESTDIR)$(PREFIX)/share/doc/mayfly/examples host/examples/*
	mkdir -p $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@DOCDIR@|$(PREFIX)/share/doc/mayfly|g' host/mayfly.service.in \
	  > $(DESTDIR)$(PREFIX)/lib/systemd/system/mayfly.service

clean:
	rm -rf $(BUILD)/core $(BUILD)/*.elf $(BUILD)/*.elf.src $(BUILD)/app-* $(BUILD)/*.iso $(BUILD)/*.img $(BUILD)/*.qcow2 \
	  $(BUILD)/libmayfly.a $(BUILD)/applib $(BUILD)/libapps.a $(BUILD)/lwip $(LIBLWIP) $(BUILD)/libs $(IMG_LIBS) $(foreach a,$(APPS),$(BUILD)/$(a)) $(BUILD)/tests \
	  $(BUILD)/host $(BUILD)/mayfly
