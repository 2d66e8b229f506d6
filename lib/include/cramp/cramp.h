/* cramp: umbrella header. */
#ifndef CRAMP_H
#define CRAMP_H

#include "cramp/envelope.h"
#include "cramp/filter.h"
#include "cramp/simd.h"
#include "cramp/status.h"

#endif
