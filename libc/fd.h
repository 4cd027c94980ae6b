/* The file-descriptor table: one per VM, shared by the console (0-2), sockets and whatever
 * else the C library opens. Operations follow POSIX: -1 with errno set on failure. */
#ifndef LIBC_FD_H
#define LIBC_FD_H
#include <sys/stat.h>
#include <sys/types.h>

#define FD_MAX FD_SETSIZE              /* every descriptor fits an fd_set */

/* Each returns as POSIX does (-1 with errno). lseek, fstat and dup may be NULL: the descriptor
 * is then not seekable (ESPIPE), fstat reports a character device or a socket from the table it
 * belongs to, and dup shares the handle as it is. */
struct file_ops {
    ssize_t (*read)(int handle, void *buf, size_t len);
    ssize_t (*write)(int handle, const void *buf, size_t len);
    int (*close)(int handle);
    int (*set_nonblocking)(int handle, int on);
    off_t (*lseek)(int handle, off_t off, int whence);
    int (*fstat)(int handle, struct stat *st);
    int (*dup)(int handle);             /* a handle of its own for a new descriptor */
};

struct file {
    const struct file_ops *ops;         /* NULL: the descriptor is free */
    int handle;                         /* the implementation's own number (lwIP's socket) */
    int flags;                          /* O_* status flags (fcntl F_GETFL) */
};

/* Open the console as descriptors 0-2 (the C runtime's start, before main). */
void fd_init(void);
/* The lowest free descriptor, now holding (ops, handle); -1 with errno EMFILE when full. */
int fd_alloc(const struct file_ops *ops, int handle, int flags);
/* The open file behind fd, or NULL with errno EBADF. */
struct file *fd_get(int fd);
/* Forget fd (its close has been done). */
void fd_release(int fd);

extern const struct file_ops console_ops;
extern const struct file_ops socket_ops;
extern const struct file_ops vfs_file_ops;   /* files and directories (file.c) */
/* lwIP's socket behind fd (socket.c), or -1 with errno EBADF or ENOTSOCK. */
int socket_handle(int fd);
#endif
