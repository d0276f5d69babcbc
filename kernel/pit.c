/* kernel/pit.c - channel 0 of the 8253/8254 PIT as a periodic tick.
 *
 * The PIT counts down from a divisor at 1.193182 MHz and raises IRQ 0 at
 * zero.  We program PIT_HZ ticks per second; the tick count is the
 * kernel's notion of time, and a hook lets later subsystems (the aging
 * replacement policy, the scheduler) run on every tick. */
#include "kernel/pit.h"
#include "kernel/pic.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "kernel/panic.h"

#define PIT_FREQ 1193182
#define PIT_CH0  0x40
#define PIT_CMD  0x43

static volatile uint32_t ticks;
static void (*hooks[4])(void);

static int tick(struct trapframe *tf)
{
    (void)tf;
    ticks++;
    for (int i = 0; i < 4 && hooks[i]; i++) hooks[i]();
    return 1;
}

void pit_init(void)
{
    uint16_t div = PIT_FREQ / PIT_HZ;
    outb(PIT_CMD, 0x36);            /* channel 0, lo/hi byte, mode 3 */
    outb(PIT_CH0, div & 0xFF);
    outb(PIT_CH0, div >> 8);
    trap_register(T_IRQ0 + 0, tick);
    pic_unmask(0);
}

uint32_t pit_ticks(void) { return ticks; }

void pit_add_hook(void (*fn)(void))
{
    int i = 0;
    while (i < 4 && hooks[i]) i++;
    if (i == 4) panic("pit_add_hook: no room for another hook");
    hooks[i] = fn;
}
