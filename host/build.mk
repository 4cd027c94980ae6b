# host/: the `mayfly` command (and its monitors, which are the same binary), built with the
# host's compiler and libraries (libyaml from Debian) into build/mayfly. Not part of any guest.
HOST_SRCS   := $(wildcard host/*.c)
# Pure logic the manager shares with the OS: the ABI note's reader (host/elfnote.c calls it).
HOST_SHARED := os/abi_note.c
HOST_OBJS   := $(patsubst host/%.c,$(BUILD)/host/%.o,$(HOST_SRCS)) $(patsubst os/%.c,$(BUILD)/host/os/%.o,$(HOST_SHARED))
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -MD -MP \
  -fstack-protector-strong -D_FORTIFY_SOURCE=2
# -Wno-format-truncation: paths are cut by snprintf on purpose where a too-long one is refused
# by the next step (open, bind), and checked where it is not.
HOST_CFLAGS += -Wno-format-truncation
HOST_LIBS   := -lyaml

$(BUILD)/mayfly: $(HOST_OBJS)
	@echo "  LD      $@ (host)"
	@gcc $(HOST_CFLAGS) -o $@ $^ $(HOST_LIBS)

$(BUILD)/host/%.o: host/%.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (host)"
	@gcc $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/host/os/%.o: os/%.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (host)"
	@gcc $(HOST_CFLAGS) -c $< -o $@

-include $(HOST_OBJS:.o=.d)
