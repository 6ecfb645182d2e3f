/*
 * incident_fixture.h - the temporary incident file the incident unit tests start each test from: a new folder
 * under /tmp holding incident.db, opened (created) as f; the teardown closes it and removes the folder.
 * Include after cmocka.h and incident/incident.h, once per test program.
 */
#ifndef LB_TEST_INCIDENT_FIXTURE_H
#define LB_TEST_INCIDENT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

/* SQL that takes a new (version 4) file back to version 3 by dropping the back-entry tables (their triggers and
 * indexes go with them): the tests of older versions start from it. */
#define INCIDENT_FIXTURE_DROP_V4                                                                             \
	"DROP TABLE be_blocks; DROP TABLE be_orders; DROP TABLE be_steps; DROP TABLE be_links;"              \
	" DROP TABLE be_conflicts; DROP TABLE be_resolutions; DROP TABLE be_imports; DROP TABLE be_backlog;" \
	" PRAGMA user_version = 3;"

static char dir[64], path[128];
static struct incident_file *f;

/* A new incident file in a new folder named after the test program (name: "cards" → /tmp/lb-test-cards-XXXXXX). */
static int incident_fixture_open(const char *name)
{
	snprintf(dir, sizeof(dir), "/tmp/lb-test-%s-XXXXXX", name);
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/incident.db", dir);
	return incident_open(&f, path, 1);
}

static int teardown(void **state)
{
	(void)state;
	incident_file_close(f);
	f = NULL;
	lb_rmtree(dir);
	return 0;
}

#endif
