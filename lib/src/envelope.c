/* PLACEHOLDER: being written. */
#include "internal.h"
