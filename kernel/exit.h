/* kernel/exit.h - ending a run: QEMU's isa-debug-exit device.
 *
 * With -device isa-debug-exit,iobase=0xf4,iosize=4 a write of V to port
 * 0xf4 makes QEMU exit with status (V << 1) | 1.  The host test runner
 * counts only status 33 (EXIT_PASS) as a pass.  Without the device the
 * write is ignored and the CPU halts for good. */
#ifndef KERNEL_EXIT_H
#define KERNEL_EXIT_H

#define EXIT_PASS  0x10     /* QEMU status 33: every selected test passed */
#define EXIT_FAIL  0x11     /* QEMU status 35: a test failed, or the command line
                               (or a request on it) was refused */
#define EXIT_PANIC 0x12     /* QEMU status 37: kernel panic */
#define EXIT_TRAP  0x13     /* QEMU status 39: unhandled CPU exception */

void qemu_exit(int code) __attribute__((noreturn));

#endif
