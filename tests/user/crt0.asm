; tests/user/crt0.asm - where every user program starts.
;
; The kernel (mm/uvm.c, push_args) enters here with ESP pointing at argc
; and, above it, argv: exactly the two arguments of main, so main is
; called with the stack as it is, and its return value handed to exit.

section .text.start
global _start
extern main, exit
_start:
    xor ebp, ebp                ; a zero frame pointer ends backtraces
    call main                   ; main(argc, argv): they are on the stack
    push eax
    call exit                   ; never returns
.hang:
    jmp .hang
