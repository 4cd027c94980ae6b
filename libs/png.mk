# libpng, built by its own CMake (INSTALL, "II. CMake"): it generates pnglibconf.h, the feature
# list, from scripts/pnglibconf.dfa plus libs/png-features.dfa (DFA_XTRA). Static only, no tools,
# no tests, no hardware optimisations (its intel/ SSE2 filters): the portable C code, as for
# libjpeg-turbo, until a measurement says the guest needs more.
PNG_DIR   := $(BUILD)/$(PNG_TOPDIR)
PNG_STAMP := $(call fetch_stamp,PNG,$(PNG_DIR))
LIBPNG    := $(BUILD)/libpng.a

$(PNG_STAMP): scripts/fetch-deb-source | $(SETUP_STAMP)
	@scripts/fetch-deb-source PNG $(PNG_DIR)
	@touch $@

$(LIBPNG): $(PNG_STAMP) $(LIBZ) libs/build-cmake libs/toolchain.cmake libs/png-features.dfa \
    $(GUEST_FLAGS_STAMP) | $(NEWLIB_STAMP)
	@echo "  CMAKE   libpng $(PNG_VERSION)"
	@INCLUDE_DIR=$(LIBS_INCLUDE) HEADERS="png.h pngconf.h pnglibconf.h" libs/build-cmake \
	  $(PNG_DIR) $(BUILD)/libs/png png_static libpng16.a $@ "$(LIBS_CFLAGS)" \
	  -DPNG_SHARED=OFF -DPNG_STATIC=ON -DPNG_EXECUTABLES=OFF -DPNG_TESTS=OFF \
	  -DPNG_HARDWARE_OPTIMIZATIONS=OFF -Dld-version-script=OFF \
	  -DZLIB_LIBRARY=$(abspath $(LIBZ)) -DZLIB_INCLUDE_DIR=$(abspath $(LIBS_INCLUDE)) -DM_LIBRARY= \
	  -DDFA_XTRA=$(abspath libs/png-features.dfa)
