/* Directories for <dirent.h>: newlib leaves this header to the system (its own says "not
 * supported"). A DIR is a descriptor opened with O_DIRECTORY and the entry last read. */
#ifndef _SYS_DIRENT_H
#define _SYS_DIRENT_H
#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_DIR 4
#define DT_REG 8

struct dirent {
    ino_t d_ino;
    off_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[256];
};

typedef struct {
    int fd;
    struct dirent entry;
} DIR;
#endif
