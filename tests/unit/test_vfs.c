/* fs/vfs.c, fs/path.c and fs/ramfs.c on the host: path folding, the POSIX semantics of the
 * calls (errors as Linux gives them), open-but-unlinked files, and a second filesystem mounted
 * on a directory (another ramfs, read-only or not). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "../../fs/path.h"
#include "../../fs/ramfs.h"
#include "../../fs/vfs.h"
#include "../../kernel/thread.h"

/* One thread on the host: the VFS's lock has nothing to wait for. */
void mutex_lock(struct mutex *m) { (void)m; }
void mutex_unlock(struct mutex *m) { (void)m; }

static void fold(const char *cwd, const char *path, const char *want, int want_dir_only)
{
    char out[64];
    int dir_only;
    assert_int_equal(path_fold(cwd, path, out, sizeof out, 16, &dir_only), 0);
    assert_string_equal(out, want);
    assert_int_equal(dir_only, want_dir_only);
}

static void paths_fold_by_text(void **state)
{
    (void)state;
    fold("/", "/a/b", "/a/b", 0);
    fold("/a", "b//c/", "/a/b/c", 1);
    fold("/a/b", "../c", "/a/c", 0);
    fold("/", "/../..", "/", 1);
    fold("/x", ".", "/x", 1);
    fold("/", "a/./b/..", "/a", 1);
    char out[16];
    int d;
    assert_int_equal(path_fold("/", "", out, sizeof out, 16, &d), -ENOENT);
    assert_int_equal(path_fold("/", "/abcdefghijklmnopq", out, sizeof out, 16, &d), -ENAMETOOLONG);
    assert_int_equal(path_fold("/", "/abcdefgh/abcdefgh", out, sizeof out, 16, &d), -ENAMETOOLONG);
    assert_true(path_under("/data/x", "/data"));
    assert_false(path_under("/database", "/data"));
    assert_true(path_under("/anything", "/"));
}

static ssize_t put(const char *path, const char *text, int flags)
{
    struct vfs_file *f;
    int rc = vfs_open(path, O_WRONLY | O_CREAT | flags, 0644, &f);
    if (rc < 0)
        return rc;
    ssize_t n = vfs_write(f, text, strlen(text));
    vfs_close(f);
    return n;
}

static void get(const char *path, const char *want)
{
    struct vfs_file *f;
    char buf[256] = { 0 };
    assert_int_equal(vfs_open(path, O_RDONLY, 0, &f), 0);
    assert_int_equal(vfs_read(f, buf, sizeof buf - 1), (ssize_t)strlen(want));
    assert_string_equal(buf, want);
    vfs_close(f);
}

static void files_as_posix_has_them(void **state)
{
    (void)state;
    struct vfs_file *f;
    struct stat st;
    assert_int_equal(vfs_mkdir("/t", 0755), 0);
    assert_int_equal(vfs_mkdir("/t", 0755), -EEXIST);
    assert_int_equal(put("/t/a", "hello", 0), 5);
    assert_int_equal(put("/t/a", "HE", 0), 2);                 /* no O_TRUNC: overwrite in place */
    get("/t/a", "HEllo");
    assert_int_equal(put("/t/a", "!", O_APPEND), 1);
    get("/t/a", "HEllo!");
    assert_int_equal(put("/t/a", "x", O_TRUNC), 1);
    get("/t/a", "x");
    assert_int_equal(vfs_open("/t/a", O_CREAT | O_EXCL | O_WRONLY, 0644, &f), -EEXIST);
    assert_int_equal(vfs_open("/t/none", O_RDONLY, 0, &f), -ENOENT);
    assert_int_equal(vfs_open("/t/a/b", O_RDONLY, 0, &f), -ENOTDIR);
    assert_int_equal(vfs_open("/t/a/", O_RDONLY, 0, &f), -ENOTDIR);
    assert_int_equal(vfs_open("/t", O_WRONLY, 0, &f), -EISDIR);
    assert_int_equal(vfs_open("/t/a", O_RDONLY | O_DIRECTORY, 0, &f), -ENOTDIR);
    assert_int_equal(vfs_open("/none/a", O_CREAT | O_WRONLY, 0644, &f), -ENOENT);

    /* sparse write, pread, lseek */
    assert_int_equal(vfs_open("/t/s", O_RDWR | O_CREAT, 0600, &f), 0);
    assert_int_equal(vfs_seek(f, 10, SEEK_SET), 10);
    assert_int_equal(vfs_write(f, "z", 1), 1);
    assert_int_equal(vfs_fstat(f, &st), 0);
    assert_int_equal(st.st_size, 11);
    assert_true(S_ISREG(st.st_mode));
    char buf[4] = { 1, 1, 1, 1 };
    assert_int_equal(vfs_pread(f, buf, 2, 8), 2);
    assert_int_equal(buf[0], 0);
    assert_int_equal(buf[1], 0);
    assert_int_equal(vfs_seek(f, -1, SEEK_END), 10);
    assert_int_equal(vfs_seek(f, -20, SEEK_CUR), -EINVAL);
    assert_int_equal(vfs_ftruncate(f, 3), 0);
    assert_int_equal(vfs_fstat(f, &st), 0);
    assert_int_equal(st.st_size, 3);
    vfs_close(f);

    /* unlink while open: still readable */
    assert_int_equal(vfs_open("/t/a", O_RDONLY, 0, &f), 0);
    assert_int_equal(vfs_unlink("/t/a"), 0);
    assert_int_equal(vfs_stat("/t/a", &st), -ENOENT);
    assert_int_equal(vfs_read(f, buf, 4), 1);
    assert_int_equal(buf[0], 'x');
    vfs_close(f);

    /* directories */
    assert_int_equal(vfs_rmdir("/t"), -ENOTEMPTY);
    assert_int_equal(vfs_unlink("/t"), -EISDIR);
    assert_int_equal(vfs_rmdir("/t/s"), -ENOTDIR);
    assert_int_equal(vfs_chdir("/t"), 0);
    assert_int_equal(put("rel", "r", 0), 1);
    get("/t/rel", "r");
    char cwd[8];
    assert_int_equal(vfs_getcwd(cwd, sizeof cwd), 0);
    assert_string_equal(cwd, "/t");
    assert_int_equal(vfs_getcwd(cwd, 2), -ERANGE);
    assert_int_equal(vfs_chdir("/t/rel"), -ENOTDIR);
    assert_int_equal(vfs_chdir("/"), 0);

    /* rename */
    assert_int_equal(vfs_mkdir("/t/d", 0755), 0);
    assert_int_equal(vfs_rename("/t/rel", "/t/d/moved"), 0);
    get("/t/d/moved", "r");
    assert_int_equal(vfs_rename("/t", "/t/d/inside"), -EINVAL);
    assert_int_equal(vfs_rename("/t/s", "/t/d"), -EISDIR);
    assert_int_equal(vfs_rename("/t/d", "/t/s"), -ENOTDIR);
    assert_int_equal(put("/t/other", "o", 0), 1);
    assert_int_equal(vfs_rename("/t/other", "/t/s"), 0);      /* replaces */
    get("/t/s", "o");

    /* readdir sees each name once */
    assert_int_equal(vfs_open("/t", O_RDONLY | O_DIRECTORY, 0, &f), 0);
    struct vfs_dirent e;
    int seen = 0;
    while (vfs_readdir(f, &e) == 1)
        seen |= strcmp(e.name, "s") == 0 ? 1 : strcmp(e.name, "d") == 0 ? 2 : 4;
    assert_int_equal(seen, 3);
    vfs_close(f);
    assert_int_equal(vfs_access("/t/s", R_OK | W_OK), 0);
    assert_int_equal(vfs_access("/t/nope", R_OK), -ENOENT);
}

/* A root whose mount was refused is still the caller's to give back. */
static void refused(struct vfs_node *root)
{
    if (--root->refs == 0)
        root->ops->put(root);
}

static void mounts_and_their_limits(void **state)
{
    (void)state;
    struct vfs_file *f;
    struct stat st, root_st;
    assert_int_equal(vfs_mkdir("/m", 0755), 0);
    assert_int_equal(vfs_mkdir("/ro", 0755), 0);
    assert_int_equal(vfs_mount("/m", ramfs_create_root(), 0), 0);
    struct vfs_node *spare = ramfs_create_root();
    assert_int_equal(vfs_mount("/m", spare, 0), -EBUSY);
    assert_int_equal(vfs_mount("/nowhere", spare, 0), -ENOENT);
    refused(spare);
    assert_int_equal(put("/m/f", "on m", 0), 4);
    get("/m/../m/f", "on m");
    assert_int_equal(vfs_stat("/m/f", &st), 0);
    assert_int_equal(vfs_stat("/", &root_st), 0);
    assert_int_not_equal(st.st_dev, root_st.st_dev);
    assert_int_equal(vfs_rename("/m/f", "/f"), -EXDEV);
    assert_int_equal(vfs_rmdir("/m"), -EBUSY);
    assert_int_equal(vfs_mkdir("/m", 0755), -EEXIST);
    assert_int_equal(vfs_open("/m", O_RDONLY | O_DIRECTORY, 0, &f), 0);
    vfs_close(f);

    struct vfs_node *ro = ramfs_create_root();
    struct vfs_node *made;
    assert_int_equal(ro->ops->create(ro, "inside", S_IFREG | 0644, &made), 0);
    made->refs--;
    assert_int_equal(vfs_mount("/ro", ro, 1), 0);
    assert_int_equal(vfs_open("/ro/inside", O_RDONLY, 0, &f), 0);
    vfs_close(f);
    assert_int_equal(vfs_open("/ro/inside", O_WRONLY, 0, &f), -EROFS);
    assert_int_equal(vfs_open("/ro/new", O_WRONLY | O_CREAT, 0644, &f), -EROFS);
    assert_int_equal(vfs_unlink("/ro/inside"), -EROFS);
    assert_int_equal(vfs_mkdir("/ro/d", 0755), -EROFS);
    assert_int_equal(vfs_access("/ro/inside", W_OK), -EROFS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths_fold_by_text),
        cmocka_unit_test(files_as_posix_has_them),
        cmocka_unit_test(mounts_and_their_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
