# tools/gdb/vmlab.gdb - gdb startup file for vmlab, run by `make gdb`.
#
# `make gdb` starts gdb on build/kernel.elf, connects it to the QEMU that
# `make debug` left halted, then runs this file (from the repository
# root, so the path below is relative to it).  It stops on any panic and
# loads the paging, memview and trap commands of tools/gdb/vmlab.py.
set pagination off
# panic() is a macro; panic_at is the function every panic goes through.
break panic_at
source tools/gdb/vmlab.py
echo vmlab: pt-walk VA | pt-dump [all] [FROM [TO]] | frames [MAX] | vmpools [MAX] | memview [PID] | trapframe [EXPR] | break-fault POOL|LO HI|ADDR   (help CMD explains; bt sees through traps; breakpoint on panic_at)\n
