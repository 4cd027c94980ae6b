/* Files compiled into the image: an app directory's www/ (see the Makefile), listed by path
 * ("/index.html") in byte order of the path, for bsearch. Read-only, like the text. */
#ifndef MAYFLY_EMBEDDED_H
#define MAYFLY_EMBEDDED_H
#include <stddef.h>

struct embedded_file {
    const char *path;
    const unsigned char *data;
    size_t size;
};

extern const struct embedded_file embedded_files[];
extern const size_t embedded_file_count;
#endif
