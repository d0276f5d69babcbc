/* kernel/x86.h - thin C wrappers around x86 instructions.
 *
 * Port I/O, control registers, interrupts on/off, invlpg and rdtsc.
 * Everything here is one instruction; nothing here knows about vmlab's
 * data structures.  Compare xv6's x86.h. */
#ifndef KERNEL_X86_H
#define KERNEL_X86_H

#include <stdint.h>

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
    asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* Read COUNT 16-bit words from PORT into BUF (ATA data transfers). */
static inline void insw(uint16_t port, void *buf, uint32_t count)
{
    asm volatile("cld; rep insw" : "+D"(buf), "+c"(count) : "d"(port) : "memory");
}

/* Write COUNT 16-bit words from BUF to PORT. */
static inline void outsw(uint16_t port, const void *buf, uint32_t count)
{
    asm volatile("cld; rep outsw" : "+S"(buf), "+c"(count) : "d"(port));
}

static inline uint32_t read_cr0(void) { uint32_t v; asm volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr2(void) { uint32_t v; asm volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr3(void) { uint32_t v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr4(void) { uint32_t v; asm volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint32_t v) { asm volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr3(uint32_t v) { asm volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }

static inline uint32_t read_ebp(void) { uint32_t v; asm volatile("mov %%ebp, %0" : "=r"(v)); return v; }

static inline uint32_t read_eflags(void)
{
    uint32_t v;
    asm volatile("pushfl; popl %0" : "=r"(v));
    return v;
}

/* A compiler barrier: no value of memory is kept in a register across
 * it, and no load or store moves over it.  Code that touches memory
 * which may fault needs one on each side: the page-fault handler runs
 * in between and changes what the compiler cannot see change (counters,
 * page-table entries, a hook the fault calls), and volatile accesses
 * order only each other. */
static inline void barrier(void) { asm volatile("" : : : "memory"); }

static inline void cli(void) { asm volatile("cli" : : : "memory"); }
static inline void sti(void) { asm volatile("sti" : : : "memory"); }
static inline void hlt(void) { asm volatile("hlt"); }

/* Drop the TLB entry for the page holding VA. */
static inline void invlpg(uint32_t va)
{
    asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Time-stamp counter.  Under QEMU -icount shift=0 it counts guest
 * instructions exactly, which is what `make bench` relies on. */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#define EFLAGS_IF 0x200   /* interrupt enable flag */

#endif
