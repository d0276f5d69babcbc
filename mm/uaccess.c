/* mm/uaccess.c - checked copies between user memory and the kernel. */
#include "mm/uaccess.h"
#include "mm/fault.h"
#include "mm/memlayout.h"
#include "lib/errno.h"

int user_range_ok(uint32_t addr, uint32_t n)
{
    return addr >= USER_BASE && addr <= USER_END && n <= USER_END - addr;
}

int copy_from_user(void *dst, uint32_t usrc, uint32_t n)
{
    if (!user_range_ok(usrc, n)) return -E_FAULT;
    return uaccess_copy(dst, (const void *)usrc, n) == 0 ? 0 : -E_FAULT;
}

int copy_to_user(uint32_t udst, const void *src, uint32_t n)
{
    if (!user_range_ok(udst, n)) return -E_FAULT;
    return uaccess_copy((void *)udst, src, n) == 0 ? 0 : -E_FAULT;
}

int copy_str_from_user(char *dst, uint32_t usrc, uint32_t max)
{
    for (uint32_t i = 0; i < max; i++) {
        if (copy_from_user(&dst[i], usrc + i, 1) != 0) return -E_FAULT;
        if (dst[i] == '\0') return (int)i;
    }
    return -E_2BIG;
}
