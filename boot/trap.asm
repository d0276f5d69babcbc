; boot/trap.asm - entry stubs for all 48 interrupt vectors, and GDT loading.
;
; The CPU pushes EFLAGS, CS and EIP (and, for some exceptions, an error
; code) and jumps to the stub named in the IDT (kernel/idt.c).  Each stub
; pushes a zero error code where the CPU pushes none, so that every trap
; frame has the same shape, then its vector number, and jumps to
; trap_common, which saves the rest of the registers and calls
; trap(struct trapframe *) in kernel/trap.c.  The layout built here must
; match struct trapframe in kernel/trap.h field for field.

section .text

%macro TRAP_NOERR 1
global trap_stub_%1
trap_stub_%1:
    push dword 0                ; no error code from the CPU
    push dword %1               ; vector
    jmp trap_common
%endmacro

%macro TRAP_ERR 1
global trap_stub_%1
trap_stub_%1:
    push dword %1               ; the CPU already pushed an error code
    jmp trap_common
%endmacro

; Vectors 8, 10-14, 17 and 21 push an error code (Intel SDM vol. 3, 6.13).
TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR   8
TRAP_NOERR 9
TRAP_ERR   10
TRAP_ERR   11
TRAP_ERR   12
TRAP_ERR   13
TRAP_ERR   14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR   17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR   21
%assign v 22
%rep 26                          ; 22..31 reserved, 32..47 the PIC's IRQs
TRAP_NOERR %[v]
%assign v v+1
%endrep

extern trap
; vmlab runs everything in ring 0 with one flat data segment, so DS, ES,
; FS and GS hold SEG_KDATA at every trap and need no saving; a kernel
; with user mode would push them here and load the kernel's.
global trap_common, trap_return
trap_common:
    pusha                       ; eax ecx edx ebx esp ebp esi edi
    push esp                    ; argument: struct trapframe *
    call trap
    add esp, 4
trap_return:
    popa
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

; The table of stub addresses, indexed by vector, for kernel/idt.c.
section .rodata
global trap_stubs
trap_stubs:
%assign v 0
%rep 48
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
    mov ax, 0x10                ; SEG_KDATA
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    jmp 0x08:.reload_cs         ; SEG_KCODE: a far jump reloads CS
.reload_cs:
    ret
