/* Files under a document root (--root DIR: an initrd, a disk), as HTTP targets: what httpd
 * --root and flv serve. The module owns the root it was given. */
#ifndef APPS_LIB_HTTP_ROOT_H
#define APPS_LIB_HTTP_ROOT_H
#include "http_server.h"

/* Serve files under dir, which must be a directory; a trailing slash is dropped, as request
 * paths bring their own. 0, or -1 after a message on stderr that starts with `app`. */
int http_root_set(const char *app, const char *dir);

/* The root as set (without its trailing slash: "" for "/"). */
const char *http_root(void);

/* The file that request path `path` names: 200 (t->fd open, with its size, mtime and type), 301
 * (a directory without its slash), 404, 414 or 503 (no descriptor left). A directory means its
 * index.html; one without it is 404, as there are no listings. */
int http_root_find(const char *path, struct http_target *t);
#endif
