/* rz serve: execs rz-serve from the same directory (the server is a program of its own, so rz
 * itself starts without libmicrohttpd); the minimal build has no rz-serve. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/rz/commands.h"
#include "engine/core/file.h"

int rz_cmd_serve(int argc, char **argv) {
    (void)argc;
    char dir[4096];
    if (!rz_file_self_dir(dir, sizeof dir)) {
        fprintf(stderr, "rz serve: cannot locate the rz executable: %s\n", strerror(errno));
        return 1;
    }
    char server[4200];
    snprintf(server, sizeof server, "%s/rz-serve", dir);
    argv[0] = server;
    execv(server, argv);
    fprintf(stderr, "rz serve: %s: %s%s\n", server, strerror(errno),
            errno == ENOENT ? " (this build has no server: RZ_MINIMAL)" : "");
    return 1;
}
