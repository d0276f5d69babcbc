/* tests/bench.h - helpers for benchmarks measured in guest instructions. */
#ifndef TESTS_BENCH_H
#define TESTS_BENCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Instructions an empty loop of ROUNDS iterations with two rdtsc reads
 * costs, to subtract from a measurement. */
uint64_t bench_overhead(int rounds);

/* Print one result line, "BENCH key=KEY mem=MB value=V what=...", for
 * the host runner. */
void bench_report(const char *key, uint32_t mb, uint32_t value, const char *what);

#ifdef __cplusplus
}
#endif

#endif
