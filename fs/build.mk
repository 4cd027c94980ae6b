# fs/: the VFS, the in-memory root, the initrd, FAT and the block cache under it.
FS_SRCS   := $(wildcard fs/*.c)
CORE_SRCS += $(FS_SRCS)
