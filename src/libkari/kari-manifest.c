/* kari-manifest.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-manifest.h"

/* STUB: to be written. */
