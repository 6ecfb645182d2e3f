/*
 * incident_fixture.h - the temporary incident file the incident unit tests start each test from: a new folder
 * under /tmp holding incident.db, opened (created) as f; the teardown closes it and removes the folder.
 * Include after cmocka.h and incident/incident.h, once per test program.
 */
#ifndef LB_TEST_INCIDENT_FIXTURE_H
#define LB_TEST_INCIDENT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

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
