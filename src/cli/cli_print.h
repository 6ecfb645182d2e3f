/*
 * cli_print.h - what the files of `lifeboat print` share: the downtime number sheets (cmd_print_numbers.c), read
 * from the incident file for `print numbers`, `print pack` and `print all`.
 */
#ifndef LB_CLI_PRINT_H
#define LB_CLI_PRINT_H

#include "cli.h"
#include "print/print.h"

/* Label sheets of downtime numbers and the memory behind them. A zeroed struct is an empty set. */
struct cpn_sheets {
	struct print_number_sheet *v;
	size_t n, cap;
};
void cpn_sheets_release(struct cpn_sheets *s);

/*
 * The sheets of a pack: for every ward (or only ward, when not NULL) and kind with blocks in the incident file,
 * the numbers of all its blocks not yet used (an order number registered, a patient number any order names), in
 * order. The file is incident (--incident), else incident.db next to db when it exists; neither: no sheets.
 * Returns an exit code (0 with s filled).
 */
int cpn_pack_sheets(const char *incident, const char *db, const char *ward, struct cpn_sheets *s);

int cmd_print_numbers(int argc, char **argv);

#endif
