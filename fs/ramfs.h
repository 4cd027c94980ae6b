/* The in-memory filesystem that is "/": files and directories in the heap, gone at power-off. */
#ifndef FS_RAMFS_H
#define FS_RAMFS_H
#include "vfs.h"

/* A new, empty root directory (one reference), or NULL when memory is short. */
struct vfs_node *ramfs_create_root(void);
#endif
