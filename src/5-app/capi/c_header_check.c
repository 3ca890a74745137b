/* Compiled as C: the public header must be valid C. */
#include "capi/proofmill.h"

const char* pm_c_header_check(void) { return pm_status_name(PM_OK); }
