/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: FFTW planning vocabulary shared by the spectral analysis
 * (cramp/spectral.h) and the library's one door to FFTW: the planner effort
 * and the wisdom-file status bits. Declares no functions. */
#ifndef CRAMP_FFT_H
#define CRAMP_FFT_H

#ifdef __cplusplus
extern "C" {
#endif

/* FFTW planner flags. Planning time grows down the list (ESTIMATE: none;
 * EXHAUSTIVE: seconds per size), and so, usually, does the speed of the
 * plan; with a wisdom file the time is spent once per machine and size. */
typedef enum cramp_fft_effort {
    CRAMP_FFT_ESTIMATE = 0,   /* FFTW_ESTIMATE */
    CRAMP_FFT_MEASURE,        /* FFTW_MEASURE */
    CRAMP_FFT_PATIENT,        /* FFTW_PATIENT */
    CRAMP_FFT_EXHAUSTIVE      /* FFTW_EXHAUSTIVE */
} cramp_fft_effort;

/* What happened to the wisdom file at create: a mask of these bits. */
#define CRAMP_WISDOM_USED 1u         /* a path was given (config or environment) */
#define CRAMP_WISDOM_LOADED 2u       /* it was imported (now or earlier in the process) */
#define CRAMP_WISDOM_SAVED 4u        /* it was written with new wisdom */
#define CRAMP_WISDOM_SAVE_FAILED 8u  /* writing it failed (left unchanged) */

#ifdef __cplusplus
}
#endif

#endif
