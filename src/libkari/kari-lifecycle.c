/* kari-lifecycle.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-lifecycle.h"

/* STUB: to be written. */
