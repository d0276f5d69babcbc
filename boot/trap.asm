; boot/trap.asm - entry stubs for all 256 interrupt vectors, and GDT loading.
;
; The CPU pushes EFLAGS, CS and EIP (and, for some exceptions, an error
; code) and jumps to the stub named in the IDT (kernel/trap.c, idt_init).
; When the trap comes from ring 3 it first switches to the kernel stack
; named in the TSS and pushes the user's SS and ESP as well.  Each stub
; pushes a zero error code where the CPU pushes none, so that every trap
; frame has the same shape, then its vector number, and jumps to
; trap_common, which saves the segment and general registers, loads the
; kernel's data segments and calls trap(struct trapframe *) in
; kernel/trap.c (the page fault's stub does the same itself, and calls
; trap_page_fault).  The layout built here must match struct trapframe in
; kernel/trap.h field for field:
;
;     higher addresses
;     ss, esp          pushed by the CPU only on a ring 3 -> ring 0 trap
;     eflags, cs, eip  pushed by the CPU
;     err              pushed by the CPU, or 0 by the stub
;     vector           pushed by the stub
;     ds, es, fs, gs   pushed by trap_common (TRAP_SAVE)
;     eax ... edi      pusha
;     lower addresses  <- the struct trapframe * handed to trap()
;                         (or to trap_page_fault)
;
; gdb cannot unwind through this frame by itself (NASM emits no unwind
; information); the unwinder in tools/gdb/vmlab_traps.py reads the trap
; frame, so `bt` inside a handler continues into the interrupted code.

section .text

%macro TRAP_NOERR 1
trap_stub_%1:
    push dword 0                ; no error code from the CPU
    push dword %1               ; vector
    jmp trap_common
%endmacro

%macro TRAP_ERR 1
trap_stub_%1:
    push dword %1               ; the CPU already pushed an error code
    jmp trap_common
%endmacro

SEG_KDATA equ 0x10              ; kernel/gdt.h

; The rest of the trap frame: segment and general registers; then the
; kernel's data segments.
%macro TRAP_SAVE 0
    push ds
    push es
    push fs
    push gs
    pusha                       ; eax ecx edx ebx esp ebp esi edi
    mov ax, SEG_KDATA           ; the user's segments may be anything
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
%endmacro

; Vectors 8, 10-14, 17 and 21 push an error code (Intel SDM vol. 3, 6.13).
; The page fault (14), the one exception on a hot path, has an entry of
; its own: it calls trap_page_fault, which skips trap()'s dispatch on
; the vector.
extern trap, trap_page_fault
global trap_stub_14             ; named for tools/gdb/vmlab_traps.py
%assign v 0
%rep 256
%if v == 14
trap_stub_14:
    push dword 14
    TRAP_SAVE
    push esp                    ; argument: struct trapframe *
    call trap_page_fault
    add esp, 4
    jmp trap_return
%elif v == 8 || (v >= 10 && v <= 13) || v == 17 || v == 21
TRAP_ERR %[v]
%else
TRAP_NOERR %[v]
%endif
%assign v v+1
%endrep

global trap_common, trap_return
trap_common:
    TRAP_SAVE
    push esp                    ; argument: struct trapframe *
    call trap
    add esp, 4
; Also the way into a context that has only a trap frame: jump here
; with ESP pointing at one.
trap_return:
    popa
    pop gs
    pop fs
    pop es
    pop ds
    add esp, 8                  ; vector and error code
    iret

; The double-fault task (kernel/dfault.c).  A double fault arrives
; through a task gate: the CPU saves the interrupted state in the kernel's
; TSS and loads the double-fault TSS, whose EIP is df_task and whose
; stack is its own, so the handler runs even when the fault was caused
; by a broken stack.  The CPU pushes an error code (always 0) there.
; `iret` with NT set switches back to the interrupted task; the next
; double fault resumes after it, at the jmp, and so runs the loop again.
extern double_fault
global df_task
df_task:
    add esp, 4                  ; the error code
    call double_fault
    iret
    jmp df_task

; The table of stub addresses, indexed by vector, for idt_init in
; kernel/trap.c.
section .rodata
global trap_stubs
trap_stubs:
%assign v 0
%rep 256
    dd trap_stub_%[v]
%assign v v+1
%endrep

section .text
; gdt_load(struct gdtdesc *d): load GDTR, then reload every segment
; register so the CPU uses our descriptors instead of the loader's.
global gdt_load
gdt_load:
    mov eax, [esp + 4]
    lgdt [eax]
    mov ax, SEG_KDATA
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    jmp 0x08:.reload_cs         ; SEG_KCODE: a far jump reloads CS
.reload_cs:
    ret
