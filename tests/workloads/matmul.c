/* tests/workloads/matmul.c - "matmul": C = A * B for square uint32 matrices.
 *
 * Three N x N matrices of uint32, row-major, lie one after the other at
 * the start of the region: A, then B, then C.  N is the largest that
 * fits (3 * N * N * 4 bytes), capped at 64 so that a run stays short
 * even when every reference faults; at N = 64 each matrix is 16 KiB,
 * four pages, one row 256 bytes, and the rest of the region is unused.
 * After writing A and B and zeroing C, the product is computed in the
 * i-k-j order:
 *
 *     for i: for k: a = A[i][k]; for j: C[i][j] += a * B[k][j]
 *
 * The inner loop walks row k of B and row i of C side by side, so the
 * references alternate between one page of B and one page of C, and for
 * each i the whole of B is swept once.  With three frames, one each for
 * the current page of A, B and C, LRU faults only when a row crosses
 * into a new page and is within a few faults of OPT (at N = 64: 280
 * against 277); FIFO evicts the page of A or C that is still in use on
 * a schedule and faults about twice as often (536).  Once the twelve
 * pages fit, every policy takes just the twelve first-touch faults.  The
 * reference string is long (about half a million folded entries) but
 * cheap in faults.
 *
 * The check uses a product with a closed form: A[i][k] = i + 2k + 1 and
 * B[k][j] = k + j + 1 give
 *
 *     C[i][j] = N(i+1)(j+1) + (i+1)S1 + 2(j+1)S1 + 2 S2,
 *
 * with S1 = sum of k = N(N-1)/2 and S2 = sum of k^2 = (N-1)N(2N-1)/6
 * over k < N.  Each element of A and B enters some C[i][j] with a weight
 * that differs by position, so a lost, stale or misplaced page of A or
 * B shows, as does any wrong element of C itself. */
#include "tests/workloads/workload.h"
#include "lib/printf.h"
#include "mm/mmu.h"

#define NMAX 64

static int matmul_run(uint32_t base, uint32_t npages, uint32_t seed)
{
    (void)seed;                 /* nothing random here */
    uint32_t n = 1;
    while (n < NMAX && 3 * (n + 1) * (n + 1) * 4 <= npages * PAGE_SIZE)
        n++;
    uint32_t a = base, b = a + n * n * 4, c = b + n * n * 4;
#define AT(m, r, col) ((m) + ((r) * n + (col)) * 4)
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < n; k++)
            wl_wr32(AT(a, i, k), i + 2 * k + 1);
    for (uint32_t k = 0; k < n; k++)
        for (uint32_t j = 0; j < n; j++)
            wl_wr32(AT(b, k, j), k + j + 1);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++)
            wl_wr32(AT(c, i, j), 0);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < n; k++) {
            uint32_t aik = wl_rd32(AT(a, i, k));
            for (uint32_t j = 0; j < n; j++) {
                /* Separate statements fix the order of the references
                 * (C, B, C), which C leaves open inside one expression. */
                uint32_t cij = wl_rd32(AT(c, i, j));
                uint32_t bkj = wl_rd32(AT(b, k, j));
                wl_wr32(AT(c, i, j), cij + aik * bkj);
            }
        }
    uint32_t s1 = n * (n - 1) / 2, s2 = (n - 1) * n * (2 * n - 1) / 6;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) {
            uint32_t want = n * (i + 1) * (j + 1) + (i + 1) * s1 + 2 * (j + 1) * s1 + 2 * s2;
            uint32_t got = wl_rd32(AT(c, i, j));
            if (got != want) {
                kprintf("matmul: C[%u][%u] is %u, expected %u (N = %u)\n", i, j, got, want, n);
                return -1;
            }
        }
#undef AT
    return 0;
}

const struct workload wl_matmul = {
    "matmul", "C = A*B for N x N uint32 matrices (N <= 64), i-k-j order, closed-form check",
    matmul_run,
};
