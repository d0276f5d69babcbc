/* tests/harness.c - select, run and judge in-kernel tests.
 *
 * kmain calls harness_run() with the test= option.  Each selected test
 * runs in turn; the first failure ends the run with EXIT_FAIL, and if
 * every test passes the run ends with EXIT_PASS.  The harness installs
 * the kernel's panic and trap hooks (kernel/panic.h, kernel/trap.h), so
 * that a test can expect a panic or an exception: the kernel core never
 * calls test code itself. */
#include <stdarg.h>
#include "tests/harness.h"
#include "kernel/exit.h"
#include "kernel/panic.h"
#include "kernel/trap.h"
#include "lib/string.h"
#include "kernel/cmdline.h"

CMDLINE_KEY(test, "test", "NAME[,NAME...] | all | list: the tests to run (default all)");

extern const struct test __tests_start[], __tests_end[];   /* linker.ld */
#define tests __tests_start
#define ntests ((int)(__tests_end - __tests_start))

static const struct test *cur;
static const char *want_file;   /* expect_panic_at */
static int want_line;
static uint32_t want_eip;       /* expect_trap_at; 0 = any */

void msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kprintf("(%s) ", cur ? cur->name : "kernel");
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);
}

static void __attribute__((noreturn)) vfail(const char *prefix, const char *fmt, va_list ap)
{
    kprintf("(%s) FAIL: %s", cur ? cur->name : "kernel", prefix);
    kvprintf(fmt, ap);
    kprintf("\n");
    qemu_exit(EXIT_FAIL);
}

void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail("", fmt, ap);
}

void check_failed(const char *file, int line, const char *cond, const char *fmt, ...)
{
    char where[160];
    ksnprintf(where, sizeof where, "%s:%d: check '%s' failed: ", file, line, cond);
    va_list ap;
    va_start(ap, fmt);
    vfail(where, fmt, ap);
}

void expect_panic_at(const char *file, int line)
{
    want_file = file;
    want_line = line;
}

void expect_trap_at(uint32_t eip) { want_eip = eip; }

static void passed_by_ending(const char *what)
{
    kprintf("(%s) the expected %s happened\n", cur->name, what);
    kprintf("(%s) PASS\n", cur->name);
    qemu_exit(EXIT_PASS);
}

/* panic_hook: if the running test expected this panic, pass it. */
static void on_panic(const char *file, int line)
{
    if (!cur || cur->expect != EXPECT_PANIC) return;
    if (want_file && (strcmp(want_file, file) != 0 || want_line != line)) {
        kprintf("(%s) FAIL: panic raised at %s:%d, expected at %s:%d\n",
                cur->name, file, line, want_file, want_line);
        qemu_exit(EXIT_FAIL);
    }
    passed_by_ending("panic");
}

/* trap_hook: if the running test expected this exception, pass it. */
static void on_trap(const struct trapframe *tf)
{
    if (!cur || cur->expect != EXPECT_TRAP) return;
    if (tf->vector != (uint32_t)cur->vector) {
        kprintf("(%s) FAIL: got %s (vector %u), expected vector %d\n",
                cur->name, trap_name(tf->vector), tf->vector, cur->vector);
        qemu_exit(EXIT_FAIL);
    }
    if (want_eip && tf->eip != want_eip) {
        kprintf("(%s) FAIL: %s at eip %08x, expected at %08x\n",
                cur->name, trap_name(tf->vector), tf->eip, want_eip);
        qemu_exit(EXIT_FAIL);
    }
    passed_by_ending(trap_name(tf->vector));
}

static const struct test *find(const char *name, int len)
{
    for (int i = 0; i < ntests; i++)
        if ((int)strlen(tests[i].name) == len && strncmp(tests[i].name, name, len) == 0)
            return &tests[i];
    return 0;
}

/* Does T need a boot of its own (host option "solo": a device set-up of
 * its own, such as no disk or injected disk errors, or minutes of run)? */
static int solo(const struct test *t)
{
    const char *h = t->host ? t->host : "";
    for (const char *p = h; (p = strchr(p, 's')) != 0; p++)
        if (strncmp(p, "solo", 4) == 0 && (p == h || p[-1] == ' ') && (p[4] == ' ' || !p[4]))
            return 1;
    return 0;
}

static void list_tests(void)
{
    static const char *const ex[] = { "nothing", "panic", "trap" };
    for (int i = 0; i < ntests; i++)
        kprintf("test %s kind=%s expect=%s host=\"%s\" about=\"%s\"\n", tests[i].name,
                tests[i].bench ? "bench" : "test", ex[tests[i].expect],
                tests[i].host ? tests[i].host : "", tests[i].about);
}

static void unknown(const char *name, int len)
{
    kprintf("harness: unknown test '%.*s'. Available tests:\n", len, name);
    for (int i = 0; i < ntests; i++)
        kprintf("  %-18s %s\n", tests[i].name, tests[i].about);
    qemu_exit(EXIT_FAIL);
}

#define MAX_RUN 64         /* tests one boot can be asked to run */

void harness_run(const char *sel)
{
    static const struct test *run[MAX_RUN];
    int n = 0;

    panic_hook = on_panic;
    trap_hook = on_trap;

    if (!sel || strcmp(sel, "all") == 0) {
        /* Every test that returns normally and needs no boot of its own;
         * make test boots each test on its own anyway. */
        for (int i = 0; i < ntests; i++) {
            if (tests[i].bench || tests[i].expect != EXPECT_NOTHING || solo(&tests[i]))
                continue;
            if (n == MAX_RUN) {
                kprintf("harness: test=all selects more than %d tests; raise MAX_RUN in "
                        "tests/harness.c\n", MAX_RUN);
                qemu_exit(EXIT_FAIL);
            }
            run[n++] = &tests[i];
        }
    } else if (strcmp(sel, "list") == 0) {
        list_tests();
        qemu_exit(EXIT_PASS);
    } else {
        for (const char *p = sel;;) {
            const char *comma = strchr(p, ',');
            int len = comma ? comma - p : (int)strlen(p);
            if (len == 0) {
                kprintf("harness: test=%s names no test%s; give test=NAME[,NAME...], "
                        "test=all or test=list\n", sel, *sel ? " between its commas" : "");
                qemu_exit(EXIT_FAIL);
            }
            const struct test *t = find(p, len);
            if (!t) unknown(p, len);
            if (n == MAX_RUN) {
                kprintf("harness: test= names more than %d tests; split them over "
                        "several boots\n", MAX_RUN);
                qemu_exit(EXIT_FAIL);
            }
            run[n++] = t;
            if (!comma) break;
            p = comma + 1;
        }
    }
    for (int i = 0; i + 1 < n; i++) {
        if (run[i]->expect != EXPECT_NOTHING) {
            kprintf("harness: test %s ends the boot with a %s; select it last\n",
                    run[i]->name, run[i]->expect == EXPECT_PANIC ? "panic" : "trap");
            qemu_exit(EXIT_FAIL);
        }
    }

    for (int i = 0; i < n; i++) {
        cur = run[i];
        want_file = 0, want_line = 0, want_eip = 0;
        msg("begin: %s", cur->about);
        cur->run();
        if (cur->expect != EXPECT_NOTHING)
            fail("the test returned, but it expected a %s",
                 cur->expect == EXPECT_PANIC ? "panic" : "CPU exception");
        msg("PASS");
    }
    cur = 0;
    kprintf("harness: %d of %d selected tests passed\n", n, n);
    qemu_exit(EXIT_PASS);
}
