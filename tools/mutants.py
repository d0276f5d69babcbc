#!/usr/bin/env python3
"""tools/mutants.py - put known bugs into the kernel, one at a time, and see the tests catch them.

    make mutants                 every mutant below
    make mutants M=no_zero,...   the ones named (M= takes shell patterns)

A test is only worth what it would catch.  Each mutant is a one-line
bug a student (or we) could plausibly write, with the test that exists
to catch it.  For each, this copies the tracked tree into a scratch
directory (build/mutants/tree; the working tree is never touched),
makes the one change, builds, and runs `tools/runtests.py` on its
tests.  A mutant is *killed* when a test fails, and the line that
failed is printed; it *survives* when every test passes, which means
that test guards nothing.  The exit status is 0 only if every mutant
was killed.

If the code has changed so that a mutant's text is no longer in its
file exactly once, that mutant is reported as stale (and counts as a
failure): update its text here along with the code.

Host tools only: Python 3's standard library and git.  A run takes
about a second per mutant after one full build (45 s for all 27,
the build included).
"""
import argparse
import fnmatch
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRATCH = os.path.join(ROOT, "build", "mutants")
TREE = os.path.join(SCRATCH, "tree")

# (name, file, text as it is, text with the bug, tests that must fail, the bug in words)
MUTANTS = [
    ("no_zero", "mm/paging.c",
     "    memset((void *)PG_ROUND_DOWN(va), 0, PAGE_SIZE);\n    /* Zeroing",
     "    /* Zeroing",
     "fresh_page_zero", "a demand-zero fault does not zero its frame"),
    ("zero_thread_no_zero", "mm/daemon.c",
     "        memset(p, 0, PAGE_SIZE);\n", "",
     "fresh_page_zero", "the zero-page thread puts frames on the zeroed list unzeroed"),
    ("no_recheck", "mm/fault.c",
     "if (e & PTE_P) {                            /* another thread mapped it first */",
     "if (0) {",
     "fault_overlap", "the fault handler does not look at the PTE again after taking the lock"),
    ("ata_error_ignored", "drivers/ata_pio.c",
     "            if (st & (ST_ERR | ST_DF))\n"
     "                return ata_device_error(r, what, lba + i, b, st, -1);\n"
     "            ata_bus.stats.sectors_written",
     "            ata_bus.stats.sectors_written",
     "ata_midwrite_error", "the error bit is not read after each sector written by PIO"),
    ("tlb_model_not_told", "mm/paging.c",
     "    if (tlb_observer) tlb_observer->page(tlb_observer->ctx, va);\n", "",
     "tlb_model_invalidate", "tlb_flush_page does not tell the TLB model"),
    ("trim_no_flush", "mm/pager.c",
     "    *pte = pte_to_trans(e);\n"
     "    if (!as || as == current_as || va >= KERNEL_BASE) tlb_flush_page(va);",
     "    *pte = pte_to_trans(e);",
     "tlb_model_invalidate", "the trimmer makes a PTE a transition entry without a flush"),
    ("heap_fault_no_room", "mm/fault.c",
     "    if (!f && (err = pager_frame_z(pg, &f, &zeroed)) != 0) {",
     "    if (!f && (err = pg ? pager_frame_z(pg, &f, &zeroed) : -E_NOMEM) != 0) {",
     "heap_evicts,heap_evicts@sync", "a kernel-heap fault does not ask the pagers for room"),
    ("zeroed_spill_lost", "mm/daemon.c",
     "    release_frames(f);\n    daemon_stats.zeroed_spilled++;",
     "    daemon_stats.zeroed_spilled++;",
     "daemon_zeroed_full", "a zeroed frame that finds the zeroed list full is lost"),
    ("release_listed_frame", "mm/paging.c",
     "        if (fr->state != FS_NONE)\n",
     "        if (0 && fr->state != FS_NONE)\n",
     "frame_release_listed", "frame_release frees a frame that is on the zeroed list"),
    ("no_guard", "mm/fault.c",
     "if (thread_guard_hit(va)) return FAULT_OVERFLOW;",
     "if (0 && thread_guard_hit(va)) return FAULT_OVERFLOW;",
     "stack_guard_direct", "the fault path does not recognise a stack guard page"),
    ("a_clear_no_flush", "mm/pager.c",
     "        *pte &= ~bit;\n"
     "        if (!as || as == current_as || va >= KERNEL_BASE) tlb_flush_page(va);",
     "        *pte &= ~bit;",
     "policy_kernel_equals_host", "a policy's A bit is cleared without flushing the TLB entry"),
    ("ad_left_set", "mm/paging.c",
     "    *pte_of(va) &= ~(PTE_A | PTE_D);\n", "",
     "read_only_no_writes", "A and D stay set after the kernel zeroes a fresh page"),
    ("trim_always_dirty", "mm/pager.c",
     "    int dirty = (fr->flags & (FRAME_DIRTY | FRAME_INFLIGHT)) != 0;",
     "    int dirty = 1;",
     "read_only_no_writes", "the trimmer sends clean pages to the modified list"),
    ("inflight_as_clean", "mm/pager.c",
     "    int dirty = (fr->flags & (FRAME_DIRTY | FRAME_INFLIGHT)) != 0;",
     "    int dirty = (fr->flags & FRAME_DIRTY) != 0;",
     "daemon_inflight_retrim", "a page trimmed while its write is in flight is taken as clean"),
    ("trim_drops_dirty", "mm/pager.c",
     "    if (e & PTE_D) fr->flags |= FRAME_DIRTY;\n    *pte = pte_to_trans(e);",
     "    (void)fr;\n    *pte = pte_to_trans(e);",
     "daemon_write_race", "the trimmer forgets a page's D bit: a write after its last copy is lost"),
    ("dirty_flag_ignored", "mm/pager.c",
     "    if (frame_of(key_frame_pte(pg, key, &e))->flags & FRAME_DIRTY) return 1;",
     "    if ((void)key_frame_pte(pg, key, &e), pg->by_frame && (frame_of(key)->flags & FRAME_DIRTY))\n"
     "        return 1;",
     "swap_copy_dropped", "a pool's pager ignores FRAME_DIRTY: a page with no swap copy is "
     "evicted as clean"),
    ("unmap_no_invlpg", "mm/paging.c",
     "    if (old && here) tlb_flush_page(va);", "    (void)here;",
     "free_page", "an unmapped page's TLB entry is not invalidated"),
    ("mutex_no_exclusion", "kernel/sync.c",
     "    while (m->owner) thread_block(&m->waiters);\n", "",
     "locks", "a contended mutex lets a second holder in"),
    ("fault_lock_global", "mm/fault.c",
     "    int excl = __builtin_expect(!t || vm_excl_held(), 0);",
     "    int excl = ((void)t, 1);",
     "fault_locks", "every fault takes the VM lock exclusive: one global lock, as before"),
    ("no_pager_lock", "mm/fault.c",
     "    if (m) mutex_lock(m);\n    int r = fn(tf, va, &at);\n    if (m) mutex_unlock(m);",
     "    (void)m;\n    int r = fn(tf, va, &at);",
     "thread_fault_race,fault_overlap", "a fault holds the VM lock shared but not its pager's lock"),
    ("claim_not_tried", "mm/pager.c",
     "    return mutex_trylock(&pg->lock) ? &pg->lock : PAGER_BUSY;",
     "    return 0;",
     "daemon_backoff", "a fault repurposes another pager's standby frame without its lock"),
    ("read_no_room", "mm/pager.c",
     "    if (unlocked) reserve(pg);                  /* other faults may have filled it meanwhile */\n",
     "",
     "daemon_read_race", "a swap-in that let go of its locks for the read does not make room again"),
    ("killed_keeps_shared", "mm/paging.c",
     "    thread_release_hook = vm_release_killed;\n", "    (void)vm_release_killed;\n",
     "stack_guard_direct", "a thread killed holding the VM lock shared keeps it for ever"),
    ("detach_with_regions", "mm/pager.c",
     "    if (vi.nalloc || pg->nresident) {", "    if (pg->nresident) {",
     "daemon_rescue_standby,daemon_detach_inflight",
     "a pager is detached while its pool's regions (pages on the lists, in flight) remain"),
    ("detach_keeps_stash", "mm/pager.c",
     "        return -E_BUSY;\n    }\n    daemon_unstash(pg);\n", "        return -E_BUSY;\n    }\n",
     "fault_locks", "a detached pager's stash of zeroed frames is lost"),
    ("no_table_sweep", "mm/vmpool.c",
     "    for (uint32_t d = PDX(start); d <= PDX(end - 1); d++) pt_release_if_empty(PGADDR(d, 0, 0));\n",
     "",
     "daemon_table_emptied", "a page table a fault emptied is never released"),
    ("fault_releases_table", "mm/paging.c",
     "    if (t && t->vm_shared) return;      /* a fault (never exclusive too): see pt_ensure */\n",
     "    (void)t;\n",
     "daemon_table_emptied", "a fault, holding the VM lock only shared, releases a page table"),
]


def tracked_files():
    out = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], capture_output=True, check=True)
    return [p for p in out.stdout.decode().split("\0") if p]


def fresh_tree():
    """Copy the tracked files (as they are in the working tree) to TREE."""
    if os.path.isdir(TREE):
        shutil.rmtree(TREE)
    for rel in tracked_files():
        src = os.path.join(ROOT, rel)
        if not os.path.isfile(src):
            continue                        # deleted in the working tree
        dst = os.path.join(TREE, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)


def run(cmd, log):
    with open(log, "w") as f:
        return subprocess.run(cmd, cwd=TREE, stdout=f, stderr=subprocess.STDOUT).returncode


def first_failure(log):
    """The first line of a runner log saying a test failed, shortened; or
    None if there is none (the runner failed for another reason: a test
    name that no longer exists, say)."""
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("FAIL tests/"):
                return " ".join(line.split())[:220]
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-m", "--mutants", default="*",
                    help="comma-separated shell patterns of mutant names (default: all)")
    args = ap.parse_args()
    pats = [p for p in args.mutants.split(",") if p] or ["*"]
    chosen = [m for m in MUTANTS if any(fnmatch.fnmatch(m[0], p) for p in pats)]
    if not chosen:
        sys.exit("mutants: %s names no mutant; the mutants are: %s"
                 % (args.mutants, ", ".join(m[0] for m in MUTANTS)))

    os.makedirs(SCRATCH, exist_ok=True)
    print("mutants: copying the tree to %s and building it once ..." % os.path.relpath(TREE, ROOT),
          flush=True)
    fresh_tree()
    if run(["make", "-s", "all"], os.path.join(SCRATCH, "build.log")) != 0:
        sys.exit("mutants: the unmutated tree does not build; see build/mutants/build.log")

    killed = survived = stale = 0
    for i, (name, rel, old, new, tests, what) in enumerate(chosen, 1):
        path = os.path.join(TREE, rel)
        with open(path) as f:
            text = f.read()
        n = text.count(old)
        head = "[%d/%d] %-20s %s" % (i, len(chosen), name, what)
        if n != 1:
            print("%s\n      STALE: its text is in %s %d times, not once; update tools/mutants.py"
                  % (head, rel, n), flush=True)
            stale += 1
            continue
        t0 = time.time()
        log = os.path.join(SCRATCH, name + ".log")
        try:
            with open(path, "w") as f:
                f.write(text.replace(old, new))
            if run(["make", "-s", "all"], log) != 0:
                print("%s\n      STALE: the mutant does not build; see %s"
                      % (head, os.path.relpath(log, ROOT)), flush=True)
                stale += 1
                continue
            rc = run([sys.executable, "tools/runtests.py", "test", tests], log)
        finally:
            with open(path, "w") as f:
                f.write(text)
        failed = first_failure(log) if rc != 0 else None
        if rc != 0 and not failed:
            print("%s\n      STALE: the runner failed without a failing test (a test renamed?); "
                  "see %s" % (head, os.path.relpath(log, ROOT)), flush=True)
            stale += 1
        elif failed:
            killed += 1
            print("%s\n      killed by %s in %.0f s: %s"
                  % (head, tests, time.time() - t0, failed), flush=True)
        else:
            survived += 1
            print("%s\n      SURVIVED: %s passed with the bug in %s"
                  % (head, tests, rel), flush=True)
    print("mutants: %d killed, %d survived, %d stale" % (killed, survived, stale))
    sys.exit(0 if survived == stale == 0 else 1)


if __name__ == "__main__":
    main()
