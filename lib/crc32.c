/* lib/crc32.c - table-driven CRC-32 (IEEE 802.3, reflected form).
 *
 * A CRC treats the data as one long binary polynomial and keeps the
 * remainder of its division by a fixed generator polynomial; any burst
 * of up to 32 flipped bits changes the remainder.  The IEEE generator is
 * 0x04C11DB7; processing bits least-significant first (the "reflected"
 * form every zip/Ethernet implementation uses) turns it into 0xEDB88320.
 * The register starts at all ones (so leading zero bytes still count)
 * and is inverted at the end.
 *
 * Bit by bit, each byte costs eight shift-and-maybe-xor steps.  The table
 * holds, for every possible low byte of the register, the effect of
 * those eight steps, so each byte costs one lookup instead.  It is built
 * on first use (1 KiB of .bss) rather than written out as 256 constants. */
#include "lib/crc32.h"

#define CRC32_POLY 0xEDB88320u      /* 0x04C11DB7 with its bits reversed */

static uint32_t table[256];
static int table_ready;

/* Fill TABLE: entry B is the register after shifting byte B through
 * eight steps of the bitwise algorithm. */
static void build_table(void)
{
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ CRC32_POLY : c >> 1;
        table[b] = c;
    }
    table_ready = 1;
}

uint32_t crc32_update(uint32_t crc, const void *buf, uint32_t len)
{
    const uint8_t *p = buf;
    if (!table_ready)
        build_table();
    crc = ~crc;                 /* undo the final inversion of the last call */
    while (len--)
        crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

uint32_t crc32(const void *buf, uint32_t len)
{
    return crc32_update(0, buf, len);
}
