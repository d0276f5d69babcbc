/* tests/bench.c - measurement helpers shared by the benchmarks. */
#include "tests/bench.h"
#include "tests/harness.h"
#include "kernel/x86.h"

uint64_t bench_overhead(int rounds)
{
    uint64_t t0 = rdtsc();
    for (volatile int i = 0; i < rounds; i++)
        ;
    return rdtsc() - t0;
}

void bench_report(const char *key, uint32_t mb, uint32_t value, const char *what)
{
    kprintf("BENCH key=%s mem=%u value=%u what=\"%s\"\n", key, mb, value, what);
}
