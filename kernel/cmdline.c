/* kernel/cmdline.c - parse the multiboot command line once, at boot.
 *
 * The loader's string is copied into our own buffer (the loader's memory
 * becomes frame-pool memory later), then split in place into key and
 * value strings.  The keys are checked against the CMDLINE_KEY registry
 * that linker.ld gathers between __cmdline_keys_start and
 * __cmdline_keys_end. */
#include <stdarg.h>
#include "kernel/cmdline.h"
#include "kernel/exit.h"
#include "lib/string.h"

static char raw[CMDLINE_MAX];
static char buf[CMDLINE_MAX];
static struct { const char *key, *val; } opts[CMDLINE_MAX_OPTS];
static int nopts;

extern const struct cmdline_key __cmdline_keys_start[], __cmdline_keys_end[];

CMDLINE_KEY(ram, "ram", "MB: the RAM the runner gave QEMU (memory tests compare)");

void cmdline_refuse(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kprintf("cmdline: ");
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);
    qemu_exit(EXIT_FAIL);
}

static int known(const char *key)
{
    for (const struct cmdline_key *k = __cmdline_keys_start; k < __cmdline_keys_end; k++)
        if (strcmp(k->name, key) == 0) return 1;
    return 0;
}

/* Say that KEY means nothing to the kernel, and list the keys that do. */
static void warn_unknown(const char *key)
{
    kprintf("cmdline: warning: unknown option '%s' (ignored); the options are:\n", key);
    for (const struct cmdline_key *k = __cmdline_keys_start; k < __cmdline_keys_end; k++)
        kprintf("  %-10s %s\n", k->name, k->help);
}

void cmdline_init(const struct multiboot_info *mbi)
{
    if (mbi->flags & MB_INFO_CMDLINE) {
        const char *src = (const char *)mbi->cmdline;
        size_t len = strlen(src);
        if (len >= CMDLINE_MAX)
            cmdline_refuse("the command line is %u characters long; at most %u are read, "
                           "and a cut-off option would run something else", (uint32_t)len,
                           CMDLINE_MAX - 1);
        strlcpy(raw, src, sizeof raw);
    }
    strlcpy(buf, raw, sizeof buf);

    char *p = buf;
    while (*p) {
        while (*p == ' ') *p++ = '\0';
        if (!*p) break;
        char *tok = p;
        while (*p && *p != ' ') p++;
        if (*p) *p++ = '\0';
        char *eq = strchr(tok, '=');
        if (!eq) continue;                      /* the kernel's path */
        *eq = '\0';
        if (nopts == CMDLINE_MAX_OPTS)
            cmdline_refuse("more than %d options (the last one read: '%s')", CMDLINE_MAX_OPTS,
                           tok);
        if (!known(tok)) warn_unknown(tok);
        opts[nopts].key = tok;
        opts[nopts].val = eq + 1;
        nopts++;
    }
}

const char *cmdline_get(const char *key)
{
    for (int i = nopts - 1; i >= 0; i--)        /* the last one given wins */
        if (strcmp(opts[i].key, key) == 0) return opts[i].val;
    return 0;
}

uint32_t cmdline_uint(const char *key, uint32_t dflt)
{
    const char *v = cmdline_get(key);
    uint32_t n;
    if (!v) return dflt;
    if (parse_u32(v, &n) != 0)
        cmdline_refuse("option %s=%s: '%s' is not a number from 0 to 4294967295", key, v, v);
    return n;
}

int cmdline_list(const char *key, const char *dflt, char *out_buf, uint32_t size,
                 const char **out, int max)
{
    const char *v = cmdline_get(key);
    if (!v) v = dflt;
    if (!v || !*v) cmdline_refuse("option %s= is an empty list", key);
    if (strlen(v) >= size)
        cmdline_refuse("option %s=%s is longer than %u characters", key, v, size - 1);
    strlcpy(out_buf, v, size);
    int n = 0;
    for (char *p = out_buf;;) {
        char *c = strchr(p, ',');
        if (c) *c = '\0';
        if (!*p) cmdline_refuse("option %s=%s has an empty item", key, v);
        if (n == max) cmdline_refuse("option %s=%s has more than %d items", key, v, max);
        out[n++] = p;
        if (!c) break;
        p = c + 1;
    }
    return n;
}

const char *cmdline_raw(void) { return raw; }
