/* lib/crc32.h - CRC-32 checksums (IEEE 802.3, as in Ethernet, zip, png).
 *
 * The swap code stores a CRC-32 of every page it writes and checks it on
 * the way back in, so that a disk that returns the wrong data is caught
 * (E_CHECKSUM) instead of silently corrupting a process.  Pure code: it
 * builds for the kernel and for host unit tests alike. */
#ifndef LIB_CRC32_H
#define LIB_CRC32_H

#include <stdint.h>

/* The CRC-32 of LEN bytes at BUF.  crc32("123456789", 9) == 0xCBF43926. */
uint32_t crc32(const void *buf, uint32_t len);

/* Continue a CRC over more data: CRC is a value returned by crc32() or
 * crc32_update() (or 0 to start), and the result is the CRC of all the
 * bytes so far, so crc32_update(crc32(a), b) == crc32(a followed by b). */
uint32_t crc32_update(uint32_t crc, const void *buf, uint32_t len);

#endif
