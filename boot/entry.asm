; boot/entry.asm - the multiboot v1 header and the kernel's first instructions.
;
; A multiboot loader (QEMU -kernel, or GRUB from the ISO) finds the header
; below in the first 8 KiB of the image, loads the image at 1 MiB, and jumps
; to _start in 32-bit protected mode with paging off, EAX = 0x2BADB002 and
; EBX = the physical address of the multiboot information structure.
; We set up a stack and call kmain(magic, info) in kernel/main.c.

MB_MAGIC    equ 0x1BADB002
MB_ALIGN    equ 1 << 0          ; load modules on page boundaries
MB_MEMINFO  equ 1 << 1          ; we want mem_lower/upper and the memory map
MB_FLAGS    equ MB_ALIGN | MB_MEMINFO
MB_CHECKSUM equ -(MB_MAGIC + MB_FLAGS)

STACK_SIZE  equ 16384

section .multiboot
align 4
    dd MB_MAGIC
    dd MB_FLAGS
    dd MB_CHECKSUM

section .bss
align 16
global boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    resb STACK_SIZE
boot_stack_top:

section .text
global _start
extern kmain
_start:
    cli
    mov esp, boot_stack_top
    xor ebp, ebp                ; a zero frame pointer ends every backtrace
    push ebx                    ; multiboot info (physical address)
    push eax                    ; multiboot magic
    call kmain
.hang:                          ; kmain never returns; if it did, stop here
    cli
    hlt
    jmp .hang
