/* audit_int.h - what the check files of src/audit/ share. Internal. */
#ifndef LB_AUDIT_INT_H
#define LB_AUDIT_INT_H

#include "audit.h"

void audit_check_endpoints(const struct audit_inventory *inv, const struct audit_check_opts *o,
                           struct audit_findings *f);
void audit_check_network(const struct audit_inventory *inv, struct audit_findings *f);

#endif
