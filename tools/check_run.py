#!/usr/bin/env python3
"""tools/check_run.py - run=PROG boots one user program: the run_prog test.

Boots the kernel once per case with a run= option (kernel/run.c) and
checks the QEMU exit status and the serial output, through
tools/check_cmdline.py's check():

  - run=hello,one: the program runs with argv "hello" "one", prints
    them, and the kernel reports its exit status (7 + 2 arguments = 9,
    computed here, not by the kernel); a status other than 0 ends the
    boot with 35;
  - run=badcalls: a program that exits 0 ends the boot with 33;
  - run=nosuch: refused with a message naming 'nosuch' and listing the
    programs, status 35, and no process started (nothing is printed by
    or about one);
  - run= together with test=: refused, naming both, and no test ran.

Run by `make test` as `run_prog`; logs go to build/test-logs/run_prog-N.log.
Exit status 0 if every case passed.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_cmdline import FAIL, PASS, check  # noqa: E402

STARTED = r"run: pid|hello from|\(\w+\) begin"      # a process or a test ran

# (what it checks, MB of RAM, swap disk bytes, kernel options, expected
#  QEMU status, regex the output must contain, regex it must not contain)
CASES = [
    ("a program runs with its arguments; its exit status is reported", 64, 0, "run=hello,one",
     FAIL, r"hello from pid 1, 2 arguments: 'hello' 'one'\n(.|\n)*"
           r"run: pid 1 'hello' exited with status %d\n" % (7 + 2)),
    ("a program that exits 0 ends the boot with status 33", 64, 0, "run=badcalls", PASS,
     r"run: pid 1 'badcalls' exited with status 0\n"),
    ("an unknown program is refused by name, the programs listed", 64, 0, "run=nosuch", FAIL,
     r"cmdline: run=nosuch: no program 'nosuch'; the programs are: (\w+ )*hello( \w+)*\n",
     STARTED),
    ("run= with test= is refused", 64, 0, "run=hello test=tlb_model", FAIL,
     r"cmdline: run=hello and test=tlb_model both choose what the boot does", STARTED),
]

if __name__ == "__main__":
    sys.exit(check("run_prog", CASES))
