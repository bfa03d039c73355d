/* Built by pkgconfig-smoke.sh with `cc pkgconfig_smoke.c $(pkg-config --cflags --libs ivs)`: the
 * installed header and library are enough for a program, and ivs_version() is the version ivs.pc
 * declares (passed as argv[1]). */
#include <ivs.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *v = ivs_version();
    char *services = ivs_describe(NULL);
    int ok = v && argc == 2 && strcmp(v, argv[1]) == 0 && services && strstr(services, "\"ivschat\"") != NULL;
    printf("ivs_version() = %s, pkg-config --modversion ivs = %s: %s\n", v ? v : "(null)", argc == 2 ? argv[1] : "?",
           ok ? "ok" : "MISMATCH");
    ivs_free(services);
    return ok ? 0 : 1;
}
