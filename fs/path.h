/* Path text: made absolute and folded, with no filesystem asked (there are no symbolic links). */
#ifndef FS_PATH_H
#define FS_PATH_H
#include <stddef.h>

/* Join path to cwd (an absolute, folded path) unless it is absolute, and fold it: repeated
 * slashes, "." and ".." go ("/.." is "/"). out receives "/" or "/a/b" (no trailing slash);
 * *dir_only tells whether the path ended in a way that names a directory ("a/", "a/.", "a/..").
 * Returns 0; -ENOENT for an empty path; -ENAMETOOLONG when a name is over max_name bytes or the
 * result does not fit in size. */
int path_fold(const char *cwd, const char *path, char *out, size_t size, size_t max_name, int *dir_only);

/* Whether prefix (a folded path) is path itself or one of its ancestors. */
int path_under(const char *path, const char *prefix);
#endif
