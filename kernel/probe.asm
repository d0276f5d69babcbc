; kernel/probe.asm - memory accesses that may fault and come back.
;
; Each routine here makes its risky access at a known instruction.  If
; that access takes a page fault the handler refuses, mm/fault.c finds
; the faulting EIP in fixup_table below and resumes at the address paired
; with it, which returns -1, instead of declaring the fault fatal.  This
; is the exception-table trick Linux uses for copy_from_user, in
; miniature:
;
;   probe_read(addr, out) / probe_write(addr, value): one 32-bit access
;       (tests use them to touch addresses that must be refused);
;   uaccess_copy(dst, src, n): copy N bytes (mm/uaccess.c checks that the
;       user side lies in the user half first; a fault on a legitimate
;       user page, demand-zero or copy-on-write, is handled as usual and
;       the copy goes on).

section .text
global probe_read, probe_write, probe_read_insn, probe_write_insn, probe_fixup
global uaccess_copy, fixup_table, fixup_count

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

; int uaccess_copy(void *dst, const void *src, uint32_t n): 0, or -1 if
; a page of either side could not be had.
uaccess_copy:
    push esi
    push edi
    mov edi, [esp + 12]
    mov esi, [esp + 16]
    mov ecx, [esp + 20]
    cld
uaccess_copy_insn:
    rep movsb
    pop edi
    pop esi
    xor eax, eax
    ret
uaccess_fixup:
    pop edi
    pop esi
    mov eax, -1
    ret

; (faulting instruction, where to resume) pairs, for mm/fault.c.
section .rodata
align 4
fixup_table:
    dd probe_read_insn, probe_fixup
    dd probe_write_insn, probe_fixup
    dd uaccess_copy_insn, uaccess_fixup
fixup_count:
    dd (fixup_count - fixup_table) / 8
