/* tests/test_ata.h - sector patterns shared by the ATA driver's tests
 * (tests/test_ata*.c), defined in tests/test_ata.c.
 *
 * Every 32-bit word a test writes is a function of its sector's LBA, its
 * place in the sector and a salt, so a sector that lands at the wrong
 * LBA, in the wrong page, or comes from an earlier write shows.  The
 * expected values come from this function, never from the driver. */
#ifndef TESTS_TEST_ATA_H
#define TESTS_TEST_ATA_H

#include <stdint.h>

/* Word I of sector LBA as written with SALT (never 0 for SALT != 0). */
uint32_t ata_pattern(uint32_t lba, uint32_t salt, uint32_t i);

/* Fill COUNT sectors at P with the pattern of sectors LBA.. and SALT. */
void ata_fill(uint8_t *p, uint32_t lba, uint32_t count, uint32_t salt);

/* Check COUNT sectors at P against the pattern of LBA.. and SALT (or
 * against zeros if SALT is 0); fail the test naming WHAT and the first
 * wrong sector. */
void ata_expect(const char *what, const uint8_t *p, uint32_t lba, uint32_t count,
                uint32_t salt);

struct ata_stats;

/* A bad request: RC must be -E_INVAL and no sector may have moved, i.e.
 * the driver's counters must be where they were at BEFORE, taken ahead
 * of all the bad calls.  WHAT names the call in messages. */
void ata_expect_inval(const char *what, int rc, const struct ata_stats *before);

#endif
