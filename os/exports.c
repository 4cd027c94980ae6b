#include "exports.h"
#include <string.h>

struct export {
    uint32_t addr;                      /* the OS is linked below 4 GiB */
    uint32_t name;                      /* offset into exports_names */
};

/* Defined by the generated exports.S: sorted by name, as strcmp orders them. */
extern const uint32_t exports_count;
extern const struct export exports_table[];
extern const char exports_names[];

int export_lookup(const char *name, uint64_t *addr)
{
    uint32_t lo = 0, hi = exports_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(exports_names + exports_table[mid].name, name);
        if (c == 0) {
            *addr = exports_table[mid].addr;
            return 1;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

uint32_t export_count(void) { return exports_count; }
