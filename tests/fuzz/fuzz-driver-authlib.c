/* fuzz-main.c for authlib's targets. fuzz-main.c defines MAX_INPUT, which <limits.h> (pulled in
 * by <dirent.h> on Linux) already defines; drop this wrapper once fuzz-main.c renames it. */
#include "config.h"

#include <limits.h>
#undef MAX_INPUT
#include "fuzz-main.c"
