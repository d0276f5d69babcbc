/* kernel/cxx.h - the C side of the C++ new/delete layer (kernel/cxx.cc). */
#ifndef KERNEL_CXX_H
#define KERNEL_CXX_H

#include "mm/vmpool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where operator new allocates: a VMPool, one page-rounded region per
 * new, as in the course kernel; or, when 0, kmalloc. */
extern struct vmpool *current_pool;

#ifdef __cplusplus
}
#endif

#endif
