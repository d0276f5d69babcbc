/* tests/harness.h - vmlab's in-kernel test harness.
 *
 * A test is a C (or C++) function that registers itself with TEST(...)
 * beside its definition (below).  It reports
 * progress with msg(), which prints "(name) ...", and ends by returning
 * (the harness prints "(name) PASS") or by calling fail(), which prints
 * "(name) FAIL: reason" and ends the run at once with EXIT_FAIL.  A test
 * may instead expect a panic or a CPU exception; the harness then passes
 * it only if exactly that happens, and such a test ends the boot.
 *
 * The host runner (tools/runtests.py) boots QEMU once per test with
 * test=NAME and judges by the exit status: only 33 (EXIT_PASS) passes. */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <stdint.h>
#include "lib/printf.h"

#ifdef __cplusplus
extern "C" {
#endif

struct trapframe;

enum expect {
    EXPECT_NOTHING,         /* the test returns normally */
    EXPECT_PANIC,           /* the test must end in panic() */
    EXPECT_TRAP,            /* the test must end in CPU exception VECTOR */
};

struct test {
    const char *name;
    void (*run)(void);
    const char *about;      /* one line: what it checks */
    enum expect expect;
    int vector;             /* for EXPECT_TRAP */
    const char *host;       /* options for the host runner, e.g. "mem=32,256
                               timeout=60"; see tools/runtests.py */
    int bench;              /* 1: a benchmark, run by `make bench` only */
};

/* Tests register themselves: TEST(...) next to the test function puts
 * its description into the .tests section, which linker.ld gathers
 * between __tests_start and __tests_end.  There is no central table to
 * edit, and `test=list` prints them in link order. */
#define TEST_DEFINE(name, fn, about, expect, vector, host, bench)             \
    static const struct test test_desc_##fn                                   \
        __attribute__((used, section(".tests"), aligned(4))) =                \
        { name, fn, about, expect, vector, host, bench }

/* A test that returns normally.  HOST: options for tools/runtests.py,
 * space-separated: mem=MB[,MB...] (boot once per size), timeout=SECONDS,
 * log=REGEX (must appear in the serial log), disk=MB (attach a fresh
 * swap disk), blkdebug=FILE (QEMU blkdebug error injection on it),
 * qemu=ARG,ARG (extra QEMU arguments), solo (never part of test=all:
 * it needs a boot and devices of its own, more RAM than the smallest
 * machine vmlab runs on (8 MiB), or many seconds), manual (not run by
 * `make test` unless named: a measurement that judges nothing).  Every
 * test in test=all must pass at every RAM size from 8 MiB to 3.5 GiB. */
#define TEST(name, fn, about, host) \
    TEST_DEFINE(name, fn, about, EXPECT_NOTHING, 0, host, 0)
/* A test that passes only by ending in panic(). */
#define TEST_PANIC(name, fn, about, host) \
    TEST_DEFINE(name, fn, about, EXPECT_PANIC, 0, host, 0)
/* A test that passes only by ending in CPU exception VECTOR. */
#define TEST_TRAP(name, fn, about, vector, host) \
    TEST_DEFINE(name, fn, about, EXPECT_TRAP, vector, host, 0)
/* A benchmark: run by `make bench` under -icount shift=0, not by make test. */
#define BENCH(name, fn, about, host) \
    TEST_DEFINE(name, fn, about, EXPECT_NOTHING, 0, host, 1)

/* Run the tests named in SEL ("NAME,NAME", "all", or "list"), then exit
 * QEMU with the verdict.  Never returns. */
void harness_run(const char *sel) __attribute__((noreturn));

/* Print "(test) " followed by the message and a newline. */
void msg(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Fail the running test with a reason; ends the run. */
void fail(const char *fmt, ...) __attribute__((noreturn)) PRINTF_LIKE(1, 2);

#define CHECK(cond, ...) \
    do { if (!(cond)) check_failed(__FILE__, __LINE__, #cond, __VA_ARGS__); } while (0)
void check_failed(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((noreturn)) PRINTF_LIKE(4, 5);

/* An expected panic passes only if raised at FILE:LINE. */
void expect_panic_at(const char *file, int line);
/* An expected trap passes only if it happened at instruction EIP. */
void expect_trap_at(uint32_t eip);

#ifdef __cplusplus
}
#endif

#endif
