# zlib, compiled file by file (zlib's README: "just compile the files"): the in-memory core that
# libpng needs, i.e. zlib's Makefile.in OBJZ plus compress/uncompress. The gz* files, zlib's
# stdio-like file layer, are left out: nothing in the guest reads .gz files through it.
ZLIB_DIR   := $(BUILD)/$(ZLIB_TOPDIR)
ZLIB_STAMP := $(call fetch_stamp,ZLIB,$(ZLIB_DIR))
ZLIB_SRCS  := adler32.c crc32.c deflate.c infback.c inffast.c inflate.c inftrees.c trees.c zutil.c \
  compress.c uncompr.c
ZLIB_OBJS  := $(patsubst %.c,$(BUILD)/libs/zlib/%.o,$(ZLIB_SRCS))
LIBZ       := $(BUILD)/libz.a

$(ZLIB_STAMP): scripts/fetch-deb-source | $(SETUP_STAMP)
	@scripts/fetch-deb-source ZLIB $(ZLIB_DIR)
	@touch $@

# The sources exist once the stamp does: order-only, as unpacking keeps the archive's old dates.
$(addprefix $(ZLIB_DIR)/,$(ZLIB_SRCS) zlib.h zconf.h): | $(ZLIB_STAMP) ;

# zlib's own warning level (none asked): it is not Mayfly's code to fix.
$(BUILD)/libs/zlib/%.o: $(ZLIB_DIR)/%.c $(ZLIB_STAMP) $(GUEST_FLAGS_STAMP) | $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      zlib/$*.c"
	@$(CC) $(LIBS_CFLAGS) -c $< -o $@

$(LIBZ): $(ZLIB_OBJS) $(ZLIB_DIR)/zlib.h $(ZLIB_DIR)/zconf.h
	@mkdir -p $(LIBS_INCLUDE)
	@cp $(ZLIB_DIR)/zlib.h $(ZLIB_DIR)/zconf.h $(LIBS_INCLUDE)/
	@rm -f $@
	@ar rcs $@ $(ZLIB_OBJS)
