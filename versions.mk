# The third-party sources Mayfly builds, pinned in one place. The Makefile includes this file and
# scripts/setup, libc/build-newlib and net/fetch-lwip source it with bash, so every line is a plain
# NAME=value (no spaces; ${NAME} expands in both make and bash).

# newlib, from Debian's newlib-source package.
NEWLIB_VERSION=3.3.0
NEWLIB_TARBALL=/usr/src/newlib/newlib-${NEWLIB_VERSION}.tar.xz
NEWLIB_SHA256=c6f3a88b9d93420904241b231ca8647303be3bfb3cfef6adc8d1ea9207291033
NEWLIB_TOPDIR=newlib-salsa

# lwIP, the pristine archive of Debian's lwip source package (Debian's patches are for the unix port).
LWIP_VERSION=2.1.3
LWIP_DEBIAN_VERSION=${LWIP_VERSION}+dfsg1-2
LWIP_ORIG=lwip_${LWIP_VERSION}+dfsg1.orig.tar.xz
LWIP_ORIG_SHA256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
LWIP_TOPDIR=lwip-${LWIP_VERSION}
