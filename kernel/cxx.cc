/* kernel/cxx.cc - operator new and delete for the kernel's C++ code.
 *
 * This is the only C++ in vmlab besides the tests that use it.  As in the
 * CSCE 611 kernels, `new` allocates from the VMPool named by current_pool
 * (each new gets its own page-rounded region, so vmpool_legit, the
 * course's is_legitimate, can be asked about it), and falls back on kmalloc when no pool is selected.
 * `delete` finds the pool that owns the pointer and releases the region
 * there, or hands a kernel-heap pointer to kfree; both report bad
 * pointers by name.  Built with -fno-exceptions -fno-rtti: there is no
 * runtime support for either. */
#include <stddef.h>
#include "kernel/cxx.h"
#include "kernel/panic.h"
#include "mm/kmalloc.h"

struct vmpool *current_pool;

static void *alloc(size_t n)
{
    if (n == 0) n = 1;                  /* new of size 0 must be unique */
    if (current_pool) return (void *)vmpool_alloc(current_pool, n);
    return kmalloc(n);
}

static void release(void *p)
{
    if (!p) return;
    struct vmpool *pool = vmpool_of((uint32_t)p);
    if (pool && pool != &kheap) vmpool_release(pool, (uint32_t)p);
    else kfree(p);
}

void *operator new(size_t n) { return alloc(n); }
void *operator new[](size_t n) { return alloc(n); }
void operator delete(void *p) noexcept { release(p); }
void operator delete[](void *p) noexcept { release(p); }
void operator delete(void *p, size_t) noexcept { release(p); }
void operator delete[](void *p, size_t) noexcept { release(p); }

/* Called if a pure virtual function is ever called through a vtable. */
extern "C" void __cxa_pure_virtual(void)
{
    panic("pure virtual function called");
}
