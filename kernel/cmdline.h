/* kernel/cmdline.h - the kernel command line as key=value options.
 *
 * QEMU's -append and GRUB's multiboot line both arrive here.  Tokens are
 * separated by spaces; a token without '=' (QEMU and GRUB put the
 * kernel's path first) is ignored.  Every key the kernel understands is
 * declared next to the code that reads it, with CMDLINE_KEY(...), which
 * puts it into a linker section (.cmdline_keys, like the test registry):
 * an unknown key is reported at boot with the list of known ones, so a
 * typo like nframe=10 does not pass in silence.
 *
 * A command line the kernel cannot take (longer than CMDLINE_MAX - 1
 * characters, more than CMDLINE_MAX_OPTS options, a number that is not
 * one, an empty list) ends the run with a message naming what was wrong
 * and QEMU status 35 (EXIT_FAIL): nothing runs on a half-read line. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdint.h>
#include "kernel/multiboot.h"
#include "lib/printf.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CMDLINE_MAX      1024   /* bytes, the terminating NUL included */
#define CMDLINE_MAX_OPTS 32

/* A key the kernel understands, with one line of help. */
struct cmdline_key {
    const char *name;
    const char *help;
};

/* Declare KEY (a C identifier-like string) with HELP beside the code
 * that reads it. */
#define CMDLINE_KEY(id, key, help)                                            \
    static const struct cmdline_key cmdline_key_##id                          \
        __attribute__((used, section(".cmdline_keys"), aligned(4))) = { key, help }

/* Split the loader's command line into options; refuse a bad line. */
void cmdline_init(const struct multiboot_info *mbi);

/* The value of option KEY, or 0 if it was not given. */
const char *cmdline_get(const char *key);

/* Option KEY as an unsigned 32-bit number (decimal or 0x hex), or DFLT if
 * it is absent.  A value that is not such a number (empty, not digits,
 * 4294967296 or more) ends the run (status 35) naming the text given. */
uint32_t cmdline_uint(const char *key, uint32_t dflt);

/* Option KEY's value (or DFLT if absent) as a comma-separated list,
 * copied into BUF (SIZE bytes, the caller's: each list needs its own)
 * and split into at most MAX strings in OUT.  Returns how many.  An
 * empty list or an empty item ("a,,b"), or more than MAX items, ends the
 * run (status 35) naming the option. */
int cmdline_list(const char *key, const char *dflt, char *buf, uint32_t size,
                 const char **out, int max);

/* End the run because of a bad command line: print "cmdline: " and the
 * message, and exit with EXIT_FAIL (status 35). */
void cmdline_refuse(const char *fmt, ...) __attribute__((noreturn)) PRINTF_LIKE(1, 2);

/* The whole command line as the loader gave it. */
const char *cmdline_raw(void);

#ifdef __cplusplus
}
#endif

#endif
