/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: umbrella header. */
#ifndef CRAMP_H
#define CRAMP_H

#include "cramp/baseline.h"
#include "cramp/detect.h"
#include "cramp/envelope.h"
#include "cramp/fft.h"
#include "cramp/filter.h"
#include "cramp/night.h"
#include "cramp/onset.h"
#include "cramp/output.h"
#include "cramp/profile.h"
#include "cramp/recording.h"
#include "cramp/score.h"
#include "cramp/simd.h"
#include "cramp/spectral.h"
#include "cramp/status.h"
#include "cramp/synth.h"
#include "cramp/tuning.h"
#include "cramp/types.h"

#endif
