"""Shared by the export tests: compile and run a generated C header on data."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

MAIN_FIXED = r"""
#include <stdio.h>
#include <stdlib.h>
#include "net.h"
int main(void) {
    char buf[64];
    exactnet_t in[EXACTNET_INPUTS], out[EXACTNET_OUTPUTS];
    long total = 0;
    int i;
    for (;;) {
        for (i = 0; i < EXACTNET_INPUTS; ++i) {
            if (scanf("%63s", buf) != 1) { printf("saturations %ld\n", total); return 0; }
            in[i] = (exactnet_t)strtoll(buf, NULL, 10);
        }
        total += exactnet_forward(in, out);
        for (i = 0; i < EXACTNET_OUTPUTS; ++i) printf("%lld ", (long long)out[i]);
        printf("\n");
    }
}
"""

MAIN_FLOAT = r"""
#include <stdio.h>
#include <stdlib.h>
#include "net.h"
int main(void) {
    char buf[128];
    exactnet_t in[EXACTNET_INPUTS], out[EXACTNET_OUTPUTS];
    int i;
    for (;;) {
        for (i = 0; i < EXACTNET_INPUTS; ++i) {
            if (scanf("%127s", buf) != 1) return 0;
            in[i] = (exactnet_t)strtod(buf, NULL);
        }
        exactnet_forward(in, out);
        for (i = 0; i < EXACTNET_OUTPUTS; ++i) printf("%a ", (double)out[i]);
        printf("\n");
    }
}
"""

MAIN_INT64 = r"""
#include <stdio.h>
#include <stdlib.h>
#include "net.h"
int main(void) {
    char buf[64];
    int64_t in[EXACTNET_INPUTS], out[EXACTNET_OUTPUTS];
    int i;
    for (;;) {
        for (i = 0; i < EXACTNET_INPUTS; ++i) {
            if (scanf("%63s", buf) != 1) return 0;
            in[i] = (int64_t)strtoll(buf, NULL, 10);
        }
        exactnet_forward(in, out);
        for (i = 0; i < EXACTNET_OUTPUTS; ++i) printf("%lld ", (long long)out[i]);
        printf("\n");
    }
}
"""


def compiler() -> str | None:
    return shutil.which("gcc") or shutil.which("cc")


def run_c(header: str, rows: list[list[str]], tmp: Path, fixed: bool, driver: str | None = None) -> list[str]:
    """Compile ``header`` with a small driver (C99, warnings are errors) and feed it ``rows``."""
    (tmp / "net.h").write_text(header)
    (tmp / "main.c").write_text(driver or (MAIN_FIXED if fixed else MAIN_FLOAT))
    exe = tmp / "net"
    subprocess.run([compiler(), "-std=c99", "-O1", "-Wall", "-Werror", "-ffp-contract=off", "-o", str(exe),
                    str(tmp / "main.c"), "-lm"], check=True, capture_output=True, text=True)
    text = "\n".join(" ".join(r) for r in rows) + "\n"
    return subprocess.run([str(exe)], input=text, check=True, capture_output=True, text=True).stdout.splitlines()
