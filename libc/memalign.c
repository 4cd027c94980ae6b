/* posix_memalign: POSIX's aligned allocation, which newlib 3.3 lacks, on its memalign. */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

int posix_memalign(void **out, size_t align, size_t size)
{
    if (align < sizeof(void *) || (align & (align - 1)))
        return EINVAL;
    int saved = errno;                  /* POSIX: errno unchanged, the error is the result */
    void *p = memalign(align, size);
    errno = saved;
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}
