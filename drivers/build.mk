# drivers/: discovery, the block and frame registries, and one directory per family (virtio/, ...).
DRIVERS_SRCS := $(wildcard drivers/*.c drivers/*/*.c)
CORE_SRCS    += $(DRIVERS_SRCS)
