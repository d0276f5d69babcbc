/* tests/tests.c - the registry of every in-kernel test and benchmark.
 *
 * To add a test: write `void test_NAME(void)` in a file of its own under
 * tests/, declare it below and add a row to the table.  The host
 * options ("host") are read by tools/runtests.py: mem=MB[,MB...] boots
 * once per size, timeout=SECONDS, log=REGEX must appear in the serial log. */
#include "tests/harness.h"

void test_frame_pool(void);
void test_frame_pool_bad(void);
void test_memory_map(void);
void test_panic(void);
void test_exception(void);
void bench_frame_pool(void);

const struct test tests[] = {
    /* name            function             what it checks */
    { "frame_pool",     test_frame_pool,     "frame pools: fill/verify, first fit, exhaustion",
      EXPECT_NOTHING, 0, "mem=64", 0 },
    { "frame_pool_bad", test_frame_pool_bad, "frame pools refuse bad releases, change nothing",
      EXPECT_NOTHING, 0, "", 0 },
    { "memory_map",     test_memory_map,     "pools follow the multiboot memory map",
      EXPECT_NOTHING, 0, "mem=32,256", 0 },
    { "panic",          test_panic,          "panic() reports file:line, registers, backtrace",
      EXPECT_PANIC, 0, "log=PANIC\\sat\\stests/test_boot.c:\\d+ log=#0\\s0x[0-9a-f]+\\s+test_panic", 0 },
    { "exception",      test_exception,      "divide by zero arrives as vector 0 at its EIP",
      EXPECT_TRAP, 0, "log=divide\\serror\\s\\(vector\\s0\\)", 0 },
    { "bench_frame_pool", bench_frame_pool,  "instructions per get_frames+release_frames",
      EXPECT_NOTHING, 0, "mem=32,1024", 1 },
};

const int ntests = sizeof tests / sizeof tests[0];
