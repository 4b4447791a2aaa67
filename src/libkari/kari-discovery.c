/* kari-discovery.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-discovery.h"

/* STUB: to be written. */
