# net/: the lwIP port (options, sys_arch, the netif over the frame interface, address
# configuration), and lwIP itself, built here into build/liblwip.a with the port's options.
NET_SRCS  := $(wildcard net/*.c net/*.S net/*/*.c)
CORE_SRCS += $(NET_SRCS)

# lwIP's pristine source from Debian's package (net/fetch-lwip; versions.mk pins it and its sha256).
LWIP_DIR     := $(BUILD)/$(LWIP_TOPDIR)
LWIP_STAMP   := $(LWIP_DIR)/.fetched-$(shell { echo $(LWIP_DEBIAN_VERSION) $(LWIP_ORIG_SHA256); \
  cat net/fetch-lwip; } | sha256sum | cut -c1-12)
LIBLWIP      := $(BUILD)/liblwip.a
NET_INCLUDES  = -isystem net/include -isystem $(LWIP_DIR)/src/include

# Which of lwIP's files to compile comes from lwIP's own list, src/Filelists.mk (COREFILES,
# CORE4FILES, APIFILES, NETIFFILES, relative to LWIPDIR): Mayfly takes the core, IPv4, the
# sequential and socket APIs, and the Ethernet layer. Files for features lwipopts.h leaves off
# compile to nothing. The list exists once lwIP is fetched: make fetches it, then rereads the
# Makefile. Goals that compile nothing (NO_LWIP_GOALS) neither fetch nor read it.
LWIPDIR   = $(LWIP_DIR)/src
LWIP_SRCS = $(COREFILES) $(CORE4FILES) $(APIFILES) $(filter %/ethernet.c,$(NETIFFILES))
ifneq ($(filter-out $(NO_LWIP_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(LWIP_DIR)/src/Filelists.mk
endif
LWIP_OBJS := $(patsubst $(LWIPDIR)/%.c,$(BUILD)/lwip/%.o,$(LWIP_SRCS))

.PHONY: lwip
lwip: $(LWIP_STAMP)
$(LWIP_STAMP): net/fetch-lwip | $(SETUP_STAMP)
	@net/fetch-lwip $(LWIP_DIR)
	@touch $@

# Unpacking keeps the archive's dates: the list is made newer than the stamp it came with.
$(LWIP_DIR)/src/Filelists.mk: $(LWIP_STAMP)
	@touch $@

# lwIP's own code, with lwIP's level of warnings (-Wall; it compiles clean) and the guest's flags
# (GUEST_FLAGS_STAMP: new flags compile it anew). Its sources exist once the list above is read;
# a new fetch (a new stamp) compiles them anew.
$(BUILD)/lwip/%.o: $(LWIPDIR)/%.c $(LWIP_STAMP) $(GUEST_FLAGS_STAMP) | $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      lwip/$*.c"
	@$(CC) $(GUEST_CFLAGS) -Wall -c $< -o $@

$(LIBLWIP): $(LWIP_OBJS)
	@rm -f $@
	@ar rcs $@ $^

-include $(LWIP_OBJS:.o=.d)
