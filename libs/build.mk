# libs/: third-party libraries apps may link (the image libraries: zlib, libpng, libjpeg-turbo).
# Each is the pristine source of its Debian package (scripts/fetch-deb-source; versions.mk pins
# the version and the archive's sha256), compiled for the guest with the guest's flags against
# newlib, into a static archive under build/. Like liblwip.a they are on every app's link line:
# --gc-sections keeps only what an app calls, so hello links none of them.
# Their public headers are gathered in one directory (IMG_INCLUDES); app objects wait for them.

LIBS_INCLUDE := $(BUILD)/libs/include
IMG_INCLUDES  = -isystem $(LIBS_INCLUDE)
# The guest's code-generation flags (Makefile), newlib's headers and Mayfly's additions to them,
# all absolute: cmake runs the compiler from its own directory.
LIBS_CFLAGS   = $(TARGET_FLAGS) $(HARDEN_FLAGS) $(APP_PIC_FLAGS) --param=min-pagesize=0 -fno-delete-null-pointer-checks \
  -fno-strict-aliasing -nostdinc -isystem $(abspath libc/include) -isystem $(abspath $(NEWLIB))/include \
  -isystem $(GCC_INCLUDE) $(POSIX_DEFS)

# fetch_stamp NAME DIR: the stamp that the source of NAME (versions.mk prefix) was unpacked into
# DIR; its name carries the pin and the fetch script, so a new pin fetches anew.
fetch_stamp = $(2)/.fetched-$(shell { echo $($(1)_DEBIAN_VERSION) $($(1)_ORIG_SHA256); \
  cat scripts/fetch-deb-source; } | sha256sum | cut -c1-12)

include libs/zlib.mk libs/png.mk libs/jpeg.mk

IMG_LIBS := $(LIBPNG) $(LIBJPEG) $(LIBZ)
.PHONY: libs
libs: $(IMG_LIBS)
