/*
 * be_register.c - registers one paper order in an incident file through src/incident/backentry.h, for the tests of
 * what reads the register (tests/integration/print_numbers.sh: which downtime numbers are used) while the
 * register's own command is not there. Built with the test suite only.
 *
 *   be_register INCIDENT NUMBER PATIENT     (PATIENT: an allocated DP- number; no store is asked)
 */
#include "incident/backentry.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: be_register INCIDENT NUMBER PATIENT\n");
		return 2;
	}
	struct incident_file *f;
	int rc = incident_open(&f, argv[1], 0);
	if (rc == 0) {
		struct be_order_new n = {.number = argv[2],
		                         .patient = argv[3],
		                         .kind = BE_PRESCRIPTION,
		                         .author = "test",
		                         .who = "test",
		                         .os_user = "test"};
		int64_t seq;
		int existed;
		rc = be_order_add(f, &n, NULL, NULL, &seq, &existed);
		incident_file_close(f);
	}
	if (rc < 0) {
		fprintf(stderr, "be_register: %s\n", lb_errmsg());
		return 2;
	}
	return 0;
}
