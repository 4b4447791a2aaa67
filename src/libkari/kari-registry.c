/* kari-registry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-registry.h"

/* STUB: to be written. */
