/*
 * test_backentry_medium.c - the ward's back-entry medium (issue 16, offline wards merged later): an export parses
 * back to the same orders; the parsers refuse an altered order (its content hash), a wrong check digit, an unknown
 * or repeated key, a cut-off last line, counts or ranges that are not the manifest's, a number twice and a step of
 * an order the medium does not hold; an import twice adds nothing the second time; other content under a number is
 * a conflict that keeps both sides, and a resolution changes what the register shows without touching its row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "incident/backentry.h"
#include "incident/incident.h"
#include "incident_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
	(void)state;
	return incident_fixture_open("bemedium");
}

static void add(struct incident_file *g, uint32_t serial, const char *author)
{
	char number[BE_NUMBER_MAX];
	be_number_format(number, BE_NUM_ORDER, "3A", serial);
	struct be_order_new n = {.number = number,
	                         .patient = "P1",
	                         .kind = BE_LAB,
	                         .clinical_ms = INT64_C(1796601600000),
	                         .author = author,
	                         .who = "nurse",
	                         .os_user = "it1"};
	assert_int_equal(be_order_add(g, &n, NULL, NULL, NULL, NULL), 0);
}

/* The ward file: 3A numbers 1..5 allocated, orders 1..3 registered, order 2 entered. */
static void ward(struct incident_file *g, const char *author)
{
	assert_int_equal(be_numbers_allocate(g, BE_NUM_ORDER, "3A", 5, "clerk", "it1", NULL, NULL), 0);
	for (uint32_t s = 1; s <= 3; s++)
		add(g, s, author);
	char number[BE_NUMBER_MAX];
	be_number_format(number, BE_NUM_ORDER, "3A", 2);
	const char *v[] = {number};
	assert_int_equal(be_steps_mark(g, v, 1, BE_STEP_ENTERED, NULL, "clerk", "it1", NULL), 0);
}

static void read_file(const char *dir_, const char *name, char **data, size_t *len)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir_, name);
	FILE *fp = fopen(p, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	*len = (size_t)ftell(fp);
	rewind(fp);
	*data = malloc(*len + 1);
	assert_int_equal(fread(*data, 1, *len, fp), *len);
	(*data)[*len] = '\0';
	fclose(fp);
}

/* Parse every file of the medium in dir_ into m: the first failing file's code. */
static int parse_all(const char *dir_, struct be_medium *m)
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < BE_MF_COUNT; i++) {
		char *data;
		size_t len;
		read_file(dir_, be_medium_file_name(i), &data, &len);
		rc = be_medium_parse(m, i, data, len);
		free(data);
	}
	return rc ? rc : be_medium_check(m);
}

static void test_roundtrip_and_refusals(void **state)
{
	(void)state;
	ward(f, "医師 山田");
	char med[128];
	snprintf(med, sizeof(med), "%s/medium", dir);
	struct be_export_result r;
	assert_int_equal(be_orders_export(f, NULL, med, lb_now_ms(), &r), 0);
	assert_int_equal(r.orders, 3);
	assert_int_equal(r.steps, 1);
	assert_int_equal(be_orders_export(f, NULL, med, lb_now_ms(), &r), -LB_EEXIST);
	struct be_medium m = {0};
	assert_int_equal(parse_all(med, &m), 0);
	assert_int_equal(m.n_orders, 3);
	assert_string_equal(m.orders[0].author, "医師 山田");
	assert_string_equal(m.wards, "3A");
	assert_int_equal(strlen(m.source), 64);
	be_medium_release(&m);

	char *orders;
	size_t len;
	read_file(med, "orders.jsonl", &orders, &len);
	static const struct {
		const char *from, *to;
	} bad[] = {
	        {"医師 山田", "医師 田中"},             /* altered content: the hash does not match */
	        {"\"kind\":\"lab\"", "\"kind\":\"x\""}, /* an unknown kind */
	        {"\"note\":null", "\"note\":null,\"extra\":1"},
	        {"\"note\":null", "\"note\":null,\"note\":null"},
	        {"DT-3A-000001-", "DT-3A-000001-x"},
	};
	for (size_t k = 0; k < LB_ARRAY_LEN(bad); k++) {
		struct buf b = {0};
		const char *at = strstr(orders, bad[k].from);
		assert_non_null(at);
		buf_add(&b, orders, (size_t)(at - orders));
		buf_adds(&b, bad[k].to);
		buf_adds(&b, at + strlen(bad[k].from));
		struct be_medium x = {0};
		assert_int_equal(be_medium_parse(&x, BE_MF_ORDERS, b.data, b.len), -LB_EINVAL);
		assert_non_null(strstr(lb_errmsg(), "orders.jsonl line 1"));
		be_medium_release(&x);
		buf_release(&b);
	}
	struct be_medium x = {0};
	assert_int_equal(be_medium_parse(&x, BE_MF_ORDERS, orders, len - 1), -LB_EINVAL); /* the last line cut off */
	be_medium_release(&x);
	/* a number twice; then counts that are not the manifest's */
	memset(&x, 0, sizeof(x));
	assert_int_equal(parse_all(med, &x), 0);
	x.orders = realloc(x.orders, (x.n_orders + 1) * sizeof(*x.orders));
	x.orders[x.n_orders] = x.orders[0];
	x.orders[x.n_orders].patient = strdup(x.orders[0].patient);
	x.orders[x.n_orders].author = strdup(x.orders[0].author);
	x.orders[x.n_orders].paper_at = x.orders[x.n_orders].note = x.orders[x.n_orders].form_serial = NULL;
	x.orders[x.n_orders].registered_by = x.orders[0].registered_by ? strdup(x.orders[0].registered_by) : NULL;
	x.orders[x.n_orders].origin = NULL;
	x.n_orders++;
	assert_int_equal(be_medium_check(&x), -LB_EINVAL); /* 4 orders, the manifest says 3 */
	x.counts[0] = 4;
	assert_int_equal(be_medium_check(&x), -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "twice"));
	be_medium_release(&x);
	/* a step of an order the medium does not hold */
	memset(&x, 0, sizeof(x));
	assert_int_equal(parse_all(med, &x), 0);
	be_number_format(x.steps[0].number, BE_NUM_ORDER, "3A", 5);
	assert_int_equal(be_medium_check(&x), -LB_EINVAL);
	be_medium_release(&x);
	free(orders);
}

static void test_import_conflict_resolve(void **state)
{
	(void)state;
	ward(f, "医師 山田");
	char med[128], other[128], p[128];
	snprintf(med, sizeof(med), "%s/m1", dir);
	snprintf(other, sizeof(other), "%s/m2", dir);
	struct be_export_result r;
	assert_int_equal(be_orders_export(f, "3A", med, lb_now_ms(), &r), 0);
	/* another ward file registered number 1 with other content */
	struct incident_file *g;
	snprintf(p, sizeof(p), "%s/other.db", dir);
	assert_int_equal(incident_open(&g, p, 1), 0);
	assert_int_equal(be_numbers_allocate(g, BE_NUM_ORDER, "3A", 5, "clerk", "it1", NULL, NULL), 0);
	add(g, 1, "医師 田中");
	assert_int_equal(be_orders_export(g, NULL, other, lb_now_ms(), &r), 0);
	incident_file_close(g);

	struct incident_file *h;
	snprintf(p, sizeof(p), "%s/records.db", dir);
	assert_int_equal(incident_open(&h, p, 1), 0);
	struct be_import_result ir;
	assert_int_equal(be_orders_import(h, med, "clerk", "it1", &ir), 0);
	assert_int_equal(ir.added, 3);
	assert_int_equal(ir.steps, 1);
	assert_false(ir.seen);
	assert_int_equal(be_orders_import(h, med, "clerk", "it1", &ir), 0);
	assert_int_equal(ir.added, 0);
	assert_int_equal(ir.same, 3);
	assert_int_equal(ir.steps, 0);
	assert_true(ir.seen);
	assert_int_equal(be_orders_import(h, other, "clerk", "it1", &ir), 0);
	assert_int_equal(ir.conflicts, 1);
	assert_int_equal(be_orders_import(h, other, "clerk", "it1", &ir), 0);
	assert_int_equal(ir.conflicts, 0);
	assert_int_equal(ir.same, 1);

	struct be_conflict *c;
	size_t n;
	assert_int_equal(be_conflicts_list(h, 1, &c, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].a.author, "医師 山田");
	assert_string_equal(c[0].b.author, "医師 田中");
	assert_int_equal(c[0].choice, 0);
	char number[BE_NUMBER_MAX];
	snprintf(number, sizeof(number), "%s", c[0].number);
	be_conflicts_release(c, n);

	assert_int_equal(be_conflict_resolve(h, number, 'B', "", "clerk", "it1", NULL, NULL), -LB_EINVAL);
	int64_t id, seq;
	assert_int_equal(be_conflict_resolve(h, number, 'B', "原本と照合", "clerk", "it1", &id, &seq), 0);
	struct be_order o;
	assert_int_equal(be_order_get(h, number, &o), 0);
	assert_string_equal(o.author, "医師 田中");
	be_order_release(&o);
	assert_int_equal(be_conflicts_list(h, 1, &c, &n), 0);
	assert_int_equal(n, 0);
	be_conflicts_release(c, n);
	assert_int_equal(be_conflicts_list(h, 0, &c, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].choice, 'B');
	assert_string_equal(c[0].reason, "原本と照合");
	be_conflicts_release(c, n);
	struct incident_verify_result vr;
	assert_int_equal(incident_verify(h, NULL, &vr), 0);
	assert_int_equal(vr.status, INCIDENT_INTACT);
	incident_file_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_roundtrip_and_refusals, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_import_conflict_resolve, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
