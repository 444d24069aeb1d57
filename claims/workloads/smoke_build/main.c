/* The smoke build's program (CMakeLists.txt beside it): prints one line. */
#include <stdio.h>

int main(void) {
    puts("rz smoke build");
    return 0;
}
