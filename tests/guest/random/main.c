/* The random generator through libc: getrandom, getentropy and the arc4random family keep their
 * contracts, and the program prints 32 bytes of getrandom and the stack canary so that the
 * harness can compare two boots. */
#include "../check.h"
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

extern uintptr_t __stack_chk_guard;      /* kernel/stack_protector.c */

#define DRAWS 20000

static void print_hex(const char *label, const uint8_t *p, size_t n)
{
    printf("%s ", label);
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
}

static void check_getrandom(void)
{
    uint8_t a[32], b[32], zero[32] = { 0 };
    CHECK(getrandom(a, sizeof a, 0) == (ssize_t)sizeof a, "getrandom fills 32 bytes");
    CHECK(getrandom(b, sizeof b, GRND_NONBLOCK | GRND_RANDOM) == (ssize_t)sizeof b, "getrandom takes GRND_NONBLOCK|GRND_RANDOM");
    CHECK(memcmp(a, b, sizeof a) != 0 && memcmp(a, zero, sizeof a) != 0, "two requests differ");
    errno = 0;
    CHECK(getrandom(a, sizeof a, 0x100) == -1 && errno == EINVAL, "an unknown flag is EINVAL");
    print_hex("getrandom:", a, sizeof a);
}

static void check_getentropy(void)
{
    static uint8_t buf[257];
    CHECK(getentropy(buf, 256) == 0, "getentropy gives 256 bytes");
    errno = 0;
    CHECK(getentropy(buf, 257) == -1 && errno == EIO, "getentropy refuses 257 bytes with EIO");
    CHECK(getentropy(buf, 0) == 0, "getentropy of nothing succeeds");
}

static void check_uniform(void)
{
    const uint32_t bounds[] = { 3, 10, 1000, 0x80000001u, 0xffffffffu };
    for (unsigned k = 0; k < sizeof bounds / sizeof bounds[0]; k++) {
        int in_range = 1;
        for (int i = 0; i < DRAWS; i++)
            if (arc4random_uniform(bounds[k]) >= bounds[k])
                in_range = 0;
        CHECK(in_range, "arc4random_uniform(%u) stays below its bound in %d draws", bounds[k], DRAWS);
    }
    CHECK(arc4random_uniform(0) == 0 && arc4random_uniform(1) == 0, "arc4random_uniform(0 or 1) is 0");
    /* each of 3 values about a third of the time. Six standard deviations: a fair generator
     * strays that far once in 10^8 runs (four, as before, failed a run in a hundred). */
    int counts[3] = { 0 };
    for (int i = 0; i < DRAWS * 3; i++)
        counts[arc4random_uniform(3)]++;
    int fair = 1;
    for (int v = 0; v < 3; v++)
        if (counts[v] < DRAWS - 6 * 115 || counts[v] > DRAWS + 6 * 115)  /* sd = sqrt(60000*(1/3)*(2/3)) ~ 115 */
            fair = 0;
    CHECK(fair, "arc4random_uniform(3) gives each value about equally often (%d %d %d)", counts[0], counts[1], counts[2]);
    /* bits of arc4random: each set about half the time */
    int ones[32] = { 0 }, balanced = 1;
    for (int i = 0; i < DRAWS; i++) {
        uint32_t r = arc4random();
        for (int bit = 0; bit < 32; bit++)
            ones[bit] += (r >> bit) & 1;
    }
    for (int bit = 0; bit < 32; bit++)
        if (ones[bit] < DRAWS / 2 - 6 * 71 || ones[bit] > DRAWS / 2 + 6 * 71)  /* sd = sqrt(20000)/2 ~ 71 */
            balanced = 0;
    CHECK(balanced, "every bit of arc4random is set about half the time");
    uint8_t buf[100] = { 0 }, zero[100] = { 0 };
    arc4random_buf(buf, sizeof buf);
    CHECK(memcmp(buf, zero, sizeof buf) != 0, "arc4random_buf fills its buffer");
}

int main(void)
{
    check_getrandom();
    check_getentropy();
    check_uniform();
    printf("canary: %016lx\n", (unsigned long)__stack_chk_guard);
    return check_exit();
}
