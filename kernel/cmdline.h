/* kernel/cmdline.h - the kernel command line as key=value options.
 *
 * QEMU's -append and GRUB's multiboot line both arrive here.  Tokens are
 * separated by spaces; a token without '=' (QEMU puts the kernel's path
 * first) is ignored.  Options vmlab knows: test=NAME[,NAME...]|all|list,
 * ram=MB (set by the test runner), and the per-issue options that later
 * subsystems document next to their code. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdint.h>
#include "kernel/multiboot.h"

void cmdline_init(const struct multiboot_info *mbi);

/* The value of option KEY, or 0 if it was not given. */
const char *cmdline_get(const char *key);

/* Option KEY as an unsigned number (decimal or 0x hex), or DFLT if it
 * is absent.  A value that is not a number panics, naming the option. */
uint32_t cmdline_uint(const char *key, uint32_t dflt);

/* The whole command line as the loader gave it. */
const char *cmdline_raw(void);

#endif
