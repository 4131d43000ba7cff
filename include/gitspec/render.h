#ifndef GITSPEC_RENDER_H
#define GITSPEC_RENDER_H

/* The contract format module's header is contract.h; this name stays for old includes. */
#include "contract.h"

#endif
