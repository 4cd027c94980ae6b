# kernel/: every .c and .S here and one directory down (a kernel/fs/ joins without an edit here).
KERNEL_SRCS := $(wildcard kernel/*.c kernel/*.S kernel/*/*.c kernel/*/*.S)
CORE_SRCS   += $(KERNEL_SRCS)
