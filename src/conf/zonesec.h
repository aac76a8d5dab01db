/* SPDX-License-Identifier: MIT */
/* zonesec.h -- [parent NAME] and [zone NAME] sections (internal to conf/) */
#ifndef LC_CONF_ZONESEC_H
#define LC_CONF_ZONESEC_H

#include "conf/parse.h"

/**
 * Start a [parent NAME] or [zone NAME] section: check the name and add the
 * zone (called from the line reader, so a section with no keys still counts).
 * @param sec  SEC_PARENT or SEC_ZONE.
 * @param name the name as written (any case, optional trailing dot).
 * @return LC_EOK; LC_EMALF (bad or duplicate name; message recorded in p).
 */
int zonesec_begin(conf_parse_t *p, enum conf_section sec, char *name);

/** Finish the current section: a [parent] must have said its kind. */
void zonesec_end(conf_parse_t *p);

/**
 * Handle one key of the current zone section: "record" in both, "kind" and
 * "psl" in [parent] only. @return LC_EOK; LC_EMALF; LC_ENOMEM (recorded in p).
 */
int zonesec_set_key(conf_parse_t *p, const char *key, const char *value);

/**
 * Add the embedded default parents (localhostcert.test, localhost kind, with
 * "ns1 A 127.0.0.1"; localcert.test, local kind) in front of the file's zones.
 * Called when the file declares no [parent].
 * @return LC_EOK; LC_EMALF (a [zone] has one of those names); LC_ENOMEM.
 */
int zonesec_add_defaults(conf_parse_t *p);

#endif
