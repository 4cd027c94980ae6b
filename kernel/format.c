/* kvsnprintf: a bounded printf subset. Pure code: the host unit tests exercise it. */
#include "format.h"
#include <stdint.h>

struct out {
    char *buf;
    size_t size, len;
};

static void emit(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void emit_padded(struct out *o, const char *s, size_t n, int width, int left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left && pad == '0' && n > 0 && s[0] == '-') {   /* zero padding goes after the sign */
        emit(o, '-');
        s++, n--;
    }
    if (!left)
        while (fill-- > 0)
            emit(o, pad);
    while (n--)
        emit(o, *s++);
    if (left)
        while (fill-- > 0)
            emit(o, ' ');
}

static size_t utoa(char *end, uint64_t v, unsigned base, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;
    do {
        *--p = digits[v % base];
        v /= base;
    } while (v);
    return (size_t)(end - p);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    char num[24];

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(&o, *fmt);
            continue;
        }
        fmt++;
        int left = 0;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-')
                left = 1;
            else if (*fmt == '0')
                pad = '0';
            else
                break;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int longs = 0;
        while (*fmt == 'l' || *fmt == 'z') {
            longs++;
            fmt++;
        }
        if (left)
            pad = ' ';

        uint64_t u;
        int64_t s;
        size_t n;
        char *end = num + sizeof num;
        switch (*fmt) {
        case 'd':
        case 'i':
            s = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            u = s < 0 ? -(uint64_t)s : (uint64_t)s;
            n = utoa(end, u, 10, 0);
            if (s < 0)
                end[-(long)++n] = '-';
            emit_padded(&o, end - n, n, width, left, pad);
            break;
        case 'u':
        case 'x':
        case 'X':
            u = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            n = utoa(end, u, *fmt == 'u' ? 10 : 16, *fmt == 'X');
            emit_padded(&o, end - n, n, width, left, pad);
            break;
        case 'p':
            u = (uintptr_t)va_arg(ap, void *);
            n = utoa(end, u, 16, 0);
            end[-(long)++n] = 'x';
            end[-(long)++n] = '0';
            emit_padded(&o, end - n, n, width, left, ' ');
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            for (n = 0; str[n]; n++)
                ;
            emit_padded(&o, str, n, width, left, ' ');
            break;
        }
        case 'c':
            num[0] = (char)va_arg(ap, int);
            emit_padded(&o, num, 1, width, left, ' ');
            break;
        case '%':
            emit(&o, '%');
            break;
        case '\0':
            fmt--;
            break;
        default:                       /* unknown conversion: show it rather than guess */
            emit(&o, '%');
            emit(&o, *fmt);
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
