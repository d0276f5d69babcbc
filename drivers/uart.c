/* drivers/uart.c - a polling driver for the 16550 UART at COM1 (0x3F8).
 *
 * Serial is vmlab's console: the host test runner reads everything the
 * kernel says from QEMU's -serial file.  We program 115200 baud, 8 data
 * bits, no parity, one stop bit, FIFOs on, interrupts off, and send each
 * byte once the transmit holding register is empty.  No input yet. */
#include <stdint.h>
#include "drivers/uart.h"
#include "kernel/x86.h"

#define COM1        0x3F8
#define UART_DATA   0       /* transmit/receive buffer (DLAB=0) */
#define UART_IER    1       /* interrupt enable (DLAB=0) */
#define UART_DLL    0       /* divisor latch low (DLAB=1) */
#define UART_DLH    1       /* divisor latch high (DLAB=1) */
#define UART_FCR    2       /* FIFO control */
#define UART_LCR    3       /* line control */
#define UART_MCR    4       /* modem control */
#define UART_LSR    5       /* line status */
#define LCR_DLAB    0x80    /* divisor latch access */
#define LCR_8N1     0x03
#define LSR_THRE    0x20    /* transmit holding register empty */

static int present;         /* 0 if no UART answered at COM1 */

/* Set COM1 to 115200 8N1 and check it is there (scratch register test). */
void uart_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DLL, 1);           /* 115200 / 1 */
    outb(COM1 + UART_DLH, 0);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, 0xC7);        /* enable and clear FIFOs */
    outb(COM1 + UART_MCR, 0x03);        /* DTR, RTS */
    outb(COM1 + 7, 0x5A);               /* scratch register */
    present = inb(COM1 + 7) == 0x5A;
}

void uart_putc(char c)
{
    if (!present) return;
    if (c == '\n') uart_putc('\r');
    for (int spin = 0; spin < 100000; spin++)
        if (inb(COM1 + UART_LSR) & LSR_THRE) break;
    outb(COM1 + UART_DATA, (uint8_t)c);
}
