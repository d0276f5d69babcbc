"""tools/jobpool.py - run jobs on a few worker threads, longest first.

tools/runtests.py hands every test of `make test` to one pool: kernel
tests (each a QEMU), host unit tests, scripted checks.  A job may have to
wait for others (the host unit tests wait for their build).  Each job
carries an estimate of its seconds, and a free worker always takes the
ready job with the longest critical path (its own estimate plus the
longest chain of jobs that wait for it): the long tests start first, and
the short ones fill the gaps at the end, which is what keeps the wall
time of the whole run close to its total work divided by the workers.

The pool knows nothing of tests: a job is a function to call.
"""
import queue
import threading
import traceback


class Job:
    """One unit of work: RUN() is called once, in a worker thread; its
    return value lands in .result, or what it raised in .exception and
    its traceback in .error.  ESTIMATE is in seconds; AFTER lists the jobs that must finish
    first (finish, not succeed: RUN itself looks at their results)."""

    def __init__(self, name, run, estimate, after=()):
        self.name = name
        self.run = run
        self.estimate = estimate
        self.after = list(after)
        self.result = None
        self.error = None
        self.exception = None


def _priorities(jobs):
    """Each job's critical path: its estimate plus the longest path among
    the jobs that wait for it."""
    waiters = {j: [] for j in jobs}
    for j in jobs:
        for a in j.after:
            waiters[a].append(j)
    memo = {}

    def path(j):
        if j not in memo:
            memo[j] = j.estimate + max((path(w) for w in waiters[j]), default=0)
        return memo[j]

    return {j: path(j) for j in jobs}, waiters


def run_jobs(jobs, workers):
    """Run every job of JOBS on WORKERS threads and yield each job as it
    finishes, in the calling thread (so the caller prints without locks).
    Every job in an AFTER list must itself be in JOBS."""
    prio, waiters = _priorities(jobs)
    blocked = {j: set(j.after) for j in jobs}
    ready = [j for j in jobs if not blocked[j]]
    unstarted = [len(jobs)]             # a list: the workers change it
    cond = threading.Condition()
    finished = queue.Queue()

    def worker():
        while True:
            with cond:
                while not ready and unstarted[0]:
                    cond.wait()
                if not ready:
                    return              # every job has been started
                job = max(ready, key=lambda j: prio[j])
                ready.remove(job)
                unstarted[0] -= 1
            try:
                job.result = job.run()
            except Exception as e:      # a bug in the job: report it, run on
                job.error = traceback.format_exc()
                job.exception = e
            with cond:
                for w in waiters[job]:
                    blocked[w].discard(job)
                    if not blocked[w]:
                        ready.append(w)
                cond.notify_all()
            finished.put(job)

    for _ in range(max(1, min(workers, len(jobs)))):
        threading.Thread(target=worker, daemon=True).start()
    for _ in jobs:
        yield finished.get()
