/* kari.h — the whole public API of libkari
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kari-audit.h"
#include "kari-bwrap.h"
#include "kari-broker.h"
#include "kari-catalog.h"
#include "kari-cron.h"
#include "kari-diagnostic.h"
#include "kari-discovery.h"
#include "kari-grant.h"
#include "kari-json.h"
#include "kari-lifecycle.h"
#include "kari-location.h"
#include "kari-manifest.h"
#include "kari-permission-engine.h"
#include "kari-permission-pattern.h"
#include "kari-permission.h"
#include "kari-plugin.h"
#include "kari-policy.h"
#include "kari-prompt.h"
#include "kari-registry.h"
#include "kari-resolver.h"
#include "kari-roles.h"
#include "kari-sandbox.h"
#include "kari-seccomp.h"
#include "kari-toml.h"
#include "kari-version.h"
#include "kari-limits.h"
#include "kari-supervisor.h"
#include "kari-http-fetch.h"
