#!/bin/sh
# tools/deps.sh - install the toolchain vmlab needs, if any of it is missing.
#
# Called by the Makefile before building or running, so that `make run`
# and `make test` are the whole set-up on a fresh Debian machine.  It
# checks for each tool and installs only the Debian packages that are
# missing, with apt-get (through sudo when not root).  `tools/deps.sh
# --check` only reports.
set -eu

# command            Debian package
need="
i686-linux-gnu-gcc   gcc-i686-linux-gnu
i686-linux-gnu-g++   g++-i686-linux-gnu
i686-linux-gnu-ld    binutils-i686-linux-gnu
nasm                 nasm
qemu-system-i386     qemu-system-x86
grub-mkrescue        grub-common
grub-file            grub-common
xorriso              xorriso
mformat              mtools
gdb                  gdb
gnuplot              gnuplot-nox
python3              python3
gcc                  gcc
"
# grub-pc-bin has no command of its own: look for its modules.
missing=""
echo "$need" | while read -r cmd pkg; do
    [ -n "$cmd" ] || continue
    command -v "$cmd" >/dev/null 2>&1 || echo "$pkg"
done > /tmp/vmlab-missing.$$
[ -d /usr/lib/grub/i386-pc ] || echo grub-pc-bin >> /tmp/vmlab-missing.$$
# AddressSanitizer's runtime for the host unit tests.
if command -v gcc >/dev/null 2>&1; then
    echo 'int main(void){return 0;}' > /tmp/vmlab-asan.$$.c
    gcc -fsanitize=address,undefined /tmp/vmlab-asan.$$.c -o /tmp/vmlab-asan.$$ 2>/dev/null \
        || echo libasan8 libubsan1 >> /tmp/vmlab-missing.$$
    rm -f /tmp/vmlab-asan.$$ /tmp/vmlab-asan.$$.c
fi
missing=$(sort -u /tmp/vmlab-missing.$$ | tr '\n' ' ')
rm -f /tmp/vmlab-missing.$$

if [ -z "$missing" ]; then
    exit 0
fi
if [ "${1:-}" = "--check" ]; then
    echo "missing packages: $missing"
    exit 1
fi
echo "tools/deps.sh: installing missing packages: $missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
