# libjpeg-turbo, built by its own CMake (BUILDING.md): only the libjpeg API archive (jpeg-static),
# no TurboJPEG API (it wants thread-local storage, which the guest has not), no shared library, no
# tools. No SIMD: its x86 code is NASM assembly, and the portable C code needs no assembler.
JPEG_DIR   := $(BUILD)/$(JPEG_TOPDIR)
JPEG_STAMP := $(call fetch_stamp,JPEG,$(JPEG_DIR))
LIBJPEG    := $(BUILD)/libjpeg.a

$(JPEG_STAMP): scripts/fetch-deb-source | $(SETUP_STAMP)
	@scripts/fetch-deb-source JPEG $(JPEG_DIR)
	@touch $@

$(LIBJPEG): $(JPEG_STAMP) libs/build-cmake libs/toolchain.cmake $(GUEST_FLAGS_STAMP) | $(NEWLIB_STAMP)
	@echo "  CMAKE   libjpeg-turbo $(JPEG_VERSION)"
	@INCLUDE_DIR=$(LIBS_INCLUDE) HEADERS="jpeglib.h jmorecfg.h jerror.h jconfig.h" libs/build-cmake \
	  $(JPEG_DIR) $(BUILD)/libs/jpeg jpeg-static libjpeg.a $@ "$(LIBS_CFLAGS)" \
	  -DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DWITH_SIMD=0 -DWITH_TURBOJPEG=OFF -DWITH_JAVA=OFF \
	  -DWITH_FUZZ=OFF
