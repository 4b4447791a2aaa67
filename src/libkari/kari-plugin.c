/* kari-plugin.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kari-plugin.h"

/* STUB: to be written. */
