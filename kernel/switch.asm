; kernel/switch.asm - switch from one kernel thread's stack to another's.
;
; void switch_to(uint32_t *save_esp, uint32_t new_esp)
;
; Pushes the callee-saved registers (the C calling convention lets the
; caller assume EBX, ESI, EDI and EBP survive a call) on the current
; stack, stores ESP in *SAVE_ESP, loads NEW_ESP and pops the other
; thread's registers, whose stack was left the same way by its own call
; to switch_to.  The final `ret` returns into that thread.  A new thread's
; stack is built by kernel/thread.c to look exactly like this, with
; thread_entry as the return address.  EAX, ECX, EDX and EFLAGS are not
; saved: switch_to is called with interrupts off and the caller-saved
; registers are the caller's problem.

section .text
global switch_to
switch_to:
    mov eax, [esp + 4]          ; save_esp
    mov edx, [esp + 8]          ; new_esp
    push ebp
    push ebx
    push esi
    push edi
    mov [eax], esp
    mov esp, edx
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret
