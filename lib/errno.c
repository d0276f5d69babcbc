/* lib/errno.c - names for lib/errno.h's error numbers, for messages. */
#include "lib/errno.h"

const char *errname(int e)
{
    static const char *const names[] = {
        "OK", "E_INVAL", "E_NOMEM", "E_NOTHEAD", "E_FREE", "E_NOPOOL",
        "E_INACC", "E_NOREGION", "E_IO", "E_CHECKSUM", "E_BUSY", "E_SWAPFULL",
        "E_FAULT", "E_NOSYS", "E_CHILD", "E_NOENT", "E_NOEXEC", "E_2BIG", "E_AGAIN",
    };
    if (e < 0) e = -e;
    return e < (int)(sizeof names / sizeof names[0]) ? names[e] : "E_?";
}
