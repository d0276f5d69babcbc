/* kernel/pit.h - the programmable interval timer: vmlab's clock tick. */
#ifndef KERNEL_PIT_H
#define KERNEL_PIT_H

#include <stdint.h>

#define PIT_HZ 100

void pit_init(void);
/* Ticks since pit_init (PIT_HZ per second of guest time). */
uint32_t pit_ticks(void);
/* Call FN on every tick, after the tick count is advanced (up to 4). */
void pit_add_hook(void (*fn)(void));

#endif
