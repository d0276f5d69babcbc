/* tests/user/access.c - sequential against random access, with a TLB model.
 *
 * The experiment of seed 003 ("Performance Considerations"), in user mode:
 * 1,000,000 increments of bytes in 1,024 pages (4 MiB), first in order,
 * then at random offsets.  Each pattern runs twice: once alone, timed in
 * instructions (rdtsc under -icount), and once feeding every access to a
 * software TLB model (mm/tlb_model.c, built into this program: pure code
 * runs in user mode too) of 64 entries, 4-way, which counts the misses a
 * TLB of that shape would take.  The hardware TLB cannot be read, and
 * under QEMU a TLB miss costs no guest instruction, so the instruction
 * counts differ only by the work of the address arithmetic; the model's
 * misses show what the real TLB would suffer.  Prints both side by side
 * and BENCH lines for tools/bench.py.  Exits 0. */
#include "tests/user/ulib.h"
#include "mm/tlb_model.h"

#define NPAGES    1024
#define PAGE      4096u
#define ACCESSES  1000000u

static uint8_t model_mem[16384] __attribute__((aligned(4)));

static uint32_t next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    return *s = x;
}

/* Run the pattern (RANDOM or not) over MEM; feed MODEL if it is not 0.
 * Returns the instructions taken. */
static uint32_t run(volatile uint8_t *mem, int random, struct tlb_model *model)
{
    uint32_t seed = 12345, size = NPAGES * PAGE;
    uint64_t t0 = rdtsc();
    for (uint32_t i = 0; i < ACCESSES; i++) {
        uint32_t off = random ? next(&seed) % size : i % size;
        mem[off] += 1;
        if (model) tlb_lookup(model, ((uint32_t)mem + off) >> 12);
    }
    return (uint32_t)(rdtsc() - t0);
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    progname = "access";
    uint8_t *mem = sbrk(NPAGES * PAGE);
    CHECK(!is_err(mem), "sbrk");
    for (uint32_t p = 0; p < NPAGES; p++) mem[p * PAGE] = 0;     /* fault every page in */
    struct tlb_model model;
    CHECK(tlb_model_bytes(64) <= sizeof model_mem && tlb_model_init(&model, 64, 4, model_mem) == 0,
          "TLB model");
    uint32_t ins[2], misses[2];
    for (int r = 0; r < 2; r++) {
        ins[r] = run(mem, r, 0);
        tlb_flush(&model);
        model.lookups = model.misses = 0;
        run(mem, r, &model);
        misses[r] = (uint32_t)model.misses;
    }
    printf("access: %u accesses over %u pages; TLB model of 64 entries, 4-way\n", ACCESSES,
           NPAGES);
    printf("access:   pattern      instructions   TLB misses   miss rate\n");
    for (int r = 0; r < 2; r++)
        printf("access:   %-10s  %12u   %10u   %3u.%02u%%\n", r ? "random" : "sequential",
               ins[r], misses[r], misses[r] * 100 / ACCESSES,
               misses[r] * 10000 / ACCESSES % 100);
    printf("BENCH key=user.access_seq_instr mem=0 value=%u what=\"sequential: instructions\"\n", ins[0]);
    printf("BENCH key=user.access_seq_misses mem=0 value=%u what=\"sequential: TLB model misses\"\n", misses[0]);
    printf("BENCH key=user.access_rand_instr mem=0 value=%u what=\"random: instructions\"\n", ins[1]);
    printf("BENCH key=user.access_rand_misses mem=0 value=%u what=\"random: TLB model misses\"\n", misses[1]);
    return 0;
}
