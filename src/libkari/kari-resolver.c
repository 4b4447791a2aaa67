/* kari-resolver.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-resolver.h"

/* STUB: to be written. */
