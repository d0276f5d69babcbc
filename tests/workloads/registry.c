/* tests/workloads/registry.c - the list of workloads, by name.
 *
 * The experiment driver and the tests look workloads up here
 * (workload=NAME on the command line); workload_at() walks the list in
 * the order below, which is the order the experiment's tables print.
 * Adding a workload means one file exporting `const struct workload
 * wl_NAME` and one line in each list here. */
#include "tests/workloads/workload.h"
#include "lib/string.h"

extern const struct workload wl_scan, wl_sort, wl_focus, wl_gamma, wl_zigzag, wl_uniform,
    wl_hotcold, wl_matmul;

static const struct workload *const all[] = {
    &wl_scan, &wl_sort, &wl_focus, &wl_gamma, &wl_zigzag, &wl_uniform, &wl_hotcold,
    &wl_matmul,
    0,
};

const struct workload *workload_find(const char *name)
{
    for (int i = 0; all[i]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return 0;
}

const struct workload *workload_at(int i)
{
    if (i < 0 || i >= (int)(sizeof all / sizeof all[0]))
        return 0;
    return all[i];
}
