/* kernel/pic.h - the two 8259A interrupt controllers. */
#ifndef KERNEL_PIC_H
#define KERNEL_PIC_H

#include <stdint.h>

void pic_init(void);
void pic_unmask(int irq);
void pic_eoi(int irq);

#endif
