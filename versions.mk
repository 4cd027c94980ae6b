# The third-party sources Mayfly builds, pinned in one place. The Makefile includes this file and
# scripts/setup, libc/build-newlib and scripts/fetch-deb-source source it with bash, so every line is a plain
# NAME=value (no spaces; ${NAME} expands in both make and bash).

# newlib, from Debian's newlib-source package.
NEWLIB_VERSION=3.3.0
NEWLIB_TARBALL=/usr/src/newlib/newlib-${NEWLIB_VERSION}.tar.xz
NEWLIB_SHA256=c6f3a88b9d93420904241b231ca8647303be3bfb3cfef6adc8d1ea9207291033
NEWLIB_TOPDIR=newlib-salsa

# lwIP, the pristine archive of Debian's lwip source package (Debian's patches are for the unix port).
LWIP_PACKAGE=lwip
LWIP_VERSION=2.1.3
LWIP_DEBIAN_VERSION=${LWIP_VERSION}+dfsg1-2
LWIP_ORIG=lwip_${LWIP_VERSION}+dfsg1.orig.tar.xz
LWIP_ORIG_SHA256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
LWIP_TOPDIR=lwip-${LWIP_VERSION}

# The image libraries (libs/), each the pristine archive of its Debian source package, fetched by
# scripts/fetch-deb-source: NAME_PACKAGE, NAME_DEBIAN_VERSION, NAME_ORIG, NAME_ORIG_SHA256, NAME_TOPDIR.
ZLIB_PACKAGE=zlib
ZLIB_VERSION=1.2.13
ZLIB_DEBIAN_VERSION=1:${ZLIB_VERSION}.dfsg-1
ZLIB_ORIG=zlib_${ZLIB_VERSION}.dfsg.orig.tar.bz2
ZLIB_ORIG_SHA256=71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1
ZLIB_TOPDIR=zlib-${ZLIB_VERSION}.dfsg

PNG_PACKAGE=libpng1.6
PNG_VERSION=1.6.39
PNG_DEBIAN_VERSION=${PNG_VERSION}-2+deb12u5
PNG_ORIG=libpng1.6_${PNG_VERSION}.orig.tar.gz
PNG_ORIG_SHA256=a00e9d2f2f664186e4202db9299397f851aea71b36a35e74910b8820e380d441
PNG_TOPDIR=libpng-${PNG_VERSION}

JPEG_PACKAGE=libjpeg-turbo
JPEG_VERSION=2.1.5
JPEG_DEBIAN_VERSION=1:${JPEG_VERSION}-2
JPEG_ORIG=libjpeg-turbo_${JPEG_VERSION}.orig.tar.gz
JPEG_ORIG_SHA256=254f3642b04e309fee775123133c6464181addc150499561020312ec61c1bf7c
JPEG_TOPDIR=libjpeg-turbo-${JPEG_VERSION}
