# os/: the shared OS and its app modules (README, "Two ways to build").
#   make os                 build/mayfly-os.elf: kernel, drivers, newlib, lwIP and the module loader,
#                           all of them (not only what one app calls), every global symbol exported
#   make APP=dir MODULE=1   build/NAME.app: the app alone, linked by the OS when it boots
#   make modules            every shipped app as a module
# OS_RELEASE names the build (printed at boot with `debug`); OS_ELF writes the OS elsewhere.

OS_SRCS    := $(wildcard os/*.c)
OS_OBJS    := $(patsubst os/%.c,$(BUILD)/os/%.o,$(OS_SRCS))
OS_ELF     ?= $(BUILD)/mayfly-os.elf
OS_RELEASE ?= $(shell git describe --always --dirty 2>/dev/null || echo unnamed)
ABI_FILE   := $(BUILD)/abi.txt
# What an app compiles against: a change in any of these headers is a new ABI (os/abi.h).
ABI_HEADER_DIRS = libc/include net/include $(NEWLIB)/include $(LWIP_DIR)/src/include
LDFLAGS_OS := -nostdlib -static -T $(LINKER_SCRIPT) -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments
# A module: position-independent, every reference bound when the OS links it (-z now), its own
# symbols first (-Bsymbolic), its libraries' symbols kept to itself (--exclude-libs), a sysv hash
# table (os/module.c counts the symbols with it), and segments on pages of their own.
LDFLAGS_MODULE := -shared -z now -z noexecstack -z max-page-size=0x1000 -z separate-code -z text \
  --hash-style=sysv -Bsymbolic --exclude-libs ALL --gc-sections

.PHONY: os modules

# Written again only when the headers change, so that nothing relinks for nothing.
$(ABI_FILE): FORCE | $(NEWLIB_STAMP) $(LWIP_STAMP)
	@mkdir -p $(BUILD)
	@scripts/abi-version $(ABI_HEADER_DIRS) >$@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

$(BUILD)/abi-note.o: $(ABI_FILE) scripts/gen-abi-note
	@scripts/gen-abi-note "$$(cat $(ABI_FILE))" $(BUILD)/abi-note.S
	@$(CC) -c $(BUILD)/abi-note.S -o $@

$(BUILD)/os/release.c: FORCE
	@mkdir -p $(dir $@)
	@printf 'const char mayfly_os_release[] = "%s";\n' '$(OS_RELEASE)' >$@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

$(BUILD)/os/release.o: $(BUILD)/os/release.c
	@$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/os/%.o: os/%.c $(GUEST_FLAGS_STAMP) $(ABI_FILE) | $(NEWLIB_STAMP) $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(GUEST_CFLAGS) $(WARN) -DMAYFLY_ABI_STRING='"$(file < $(ABI_FILE))"' -c $< -o $@

# All of every library, not what a main calls: a module may call any of it. Three links: the first
# gives the symbols' names, the second their addresses with the tables at full size, the third
# embeds those (the tables' sizes no longer change, so neither do the addresses: checked).
OS_INPUTS = $(ENTRY_OBJ) $(OS_OBJS) $(BUILD)/os/release.o $(BUILD)/abi-note.o
OS_LIBS   = $(BUILD)/os/roots.ld --start-group $(LIBMAYFLY) $(LIBLWIP) $(NEWLIB_LIBS) $(LIBGCC) --end-group
os: $(OS_ELF)
$(OS_ELF): $(OS_INPUTS) $(LIBMAYFLY) $(LIBLWIP) $(LINKER_SCRIPT) scripts/gen-ksyms scripts/gen-exports scripts/os-roots
	@echo "  LD      $@"
	@mkdir -p $(BUILD)/os
	@scripts/gen-ksyms - $(BUILD)/os/table-ksyms.S && scripts/gen-exports - $(BUILD)/os/table-exports.S
	@$(CC) -c $(BUILD)/os/table-ksyms.S -o $(BUILD)/os/table-ksyms.o && $(CC) -c $(BUILD)/os/table-exports.S -o $(BUILD)/os/table-exports.o
	@scripts/os-roots $(BUILD)/os/roots.ld $(BUILD)/os/left-out.txt $(LINKER_SCRIPT) $(OS_INPUTS) \
	  $(BUILD)/os/table-ksyms.o $(BUILD)/os/table-exports.o $(LIBMAYFLY) $(LIBLWIP) $(NEWLIB_LIBS) $(LIBGCC) >/dev/null
	@for pass in 1 2 3; do \
	  $(CC) -c $(BUILD)/os/table-ksyms.S -o $(BUILD)/os/table-ksyms.o && $(CC) -c $(BUILD)/os/table-exports.S -o $(BUILD)/os/table-exports.o && \
	  $(LD) $(LDFLAGS_OS) -o $(BUILD)/os/pass$$pass.elf $(OS_INPUTS) $(BUILD)/os/table-ksyms.o $(BUILD)/os/table-exports.o $(OS_LIBS) && \
	  scripts/gen-ksyms $(BUILD)/os/pass$$pass.elf $(BUILD)/os/table-ksyms.S && \
	  scripts/gen-exports $(BUILD)/os/pass$$pass.elf $(BUILD)/os/table-exports.S || exit 1; \
	done
	@cmp -s <(nm -n $(BUILD)/os/pass2.elf) <(nm -n $(BUILD)/os/pass3.elf) || \
	  { echo "the symbol tables moved a symbol between the last two links"; exit 1; }
	@cp $(BUILD)/os/pass3.elf $@

-include $(OS_OBJS:.o=.d)
