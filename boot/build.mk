# boot/: the boot headers, the 32-bit entry and the long-mode switch, and the linker script.
# entry.S is linked first into every image; the rest goes into libmayfly.a with the other layers.
BOOT_SRCS    := $(wildcard boot/*.S boot/*.c)
ENTRY_OBJ    := $(BUILD)/core/boot/entry.S.o
LINKER_SCRIPT := boot/linker.ld
CORE_SRCS    += $(BOOT_SRCS)
