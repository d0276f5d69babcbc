/* kernel/cmdline.c - parse the multiboot command line once, at boot.
 *
 * The loader's string is copied into our own buffer (the loader's memory
 * becomes frame-pool memory later), then split in place into key and
 * value strings. */
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "lib/string.h"

#define CMDLINE_MAX 1024
#define MAX_OPTS    32

static char raw[CMDLINE_MAX];
static char buf[CMDLINE_MAX];
static struct { const char *key, *val; } opts[MAX_OPTS];
static int nopts;

void cmdline_init(const struct multiboot_info *mbi)
{
    if (mbi->flags & MB_INFO_CMDLINE)
        strlcpy(raw, (const char *)mbi->cmdline, sizeof raw);
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
        if (nopts == MAX_OPTS) panic("cmdline: more than %d options", MAX_OPTS);
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
    const char *v = cmdline_get(key), *e;
    if (!v) return dflt;
    uint32_t n = strtoul_simple(v, &e);
    if (e == v || *e)
        panic("cmdline: option %s=%s is not a number", key, v);
    return n;
}

const char *cmdline_raw(void) { return raw; }
