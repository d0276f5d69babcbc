; kernel/probe.asm - memory accesses that may fault and come back.
;
; probe_read(addr, out) and probe_write(addr, value) each do one 32-bit
; access at a known instruction (probe_read_insn, probe_write_insn).  If
; that access takes a page fault the handler refuses, mm/fault.c sees the
; faulting EIP is one of these, and resumes at probe_fixup instead, which
; returns -1.  This is the exception-table trick Linux uses for
; copy_from_user, in miniature.

section .text
global probe_read, probe_write, probe_read_insn, probe_write_insn, probe_fixup

; int probe_read(const volatile void *addr, uint32_t *out)
probe_read:
    mov ecx, [esp + 4]
probe_read_insn:
    mov eax, [ecx]
    mov edx, [esp + 8]
    mov [edx], eax
    xor eax, eax
    ret

; int probe_write(volatile void *addr, uint32_t value)
probe_write:
    mov ecx, [esp + 4]
    mov edx, [esp + 8]
probe_write_insn:
    mov [ecx], edx
    xor eax, eax
    ret

; Where a refused fault in either probe resumes: return -1.
probe_fixup:
    mov eax, -1
    ret
