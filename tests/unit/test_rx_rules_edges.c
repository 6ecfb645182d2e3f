/*
 * test_rx_rules_edges.c - the edges of the active-order checks (src/rx/rules.c) that the planted-bug exercise found
 * untested: the ingredient named as the master writes it, the basis text of an active order (its dose, its start
 * without an end), a 併用注意 worded as such when the master has a 併用禁忌 column, YJ codes that are not a
 * class, other lines the master does not know (or with no code) before one it does, and the order being given
 * skipped while the patient's other order of the same drug is not. On a ward written for it (rx_ward.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rx_ward.h"

static const char drugs_csv[] =
        "name,code,kana,generic_name,unit,max_daily_dose,interaction_group,contraindicated_group,yj_code\n"
        "薬A錠,D-A,ヤクエー,Loxoprofen,mg,180,G1;G2,G2,\n"
        "薬B錠,D-B,ヤクビー,loxoprofen,mg,180,,,\n"
        "薬B2錠,D-B2,ヤクビーツー,loxoprofen,mg,180,,,\n"
        "薬C錠,D-C,ヤクシー,成分シー,mg,100,G1,,\n"
        "院内製剤P,D-Y1,インナイピー,成分ピー,mg,10,,,2A001\n"
        "院内製剤Q,D-Y2,インナイキュー,成分キュー,mg,10,,,2A002\n";

#define MEDND(id, pid, code, name)                                                                              \
	"{\"resourceType\":\"MedicationRequest\",\"id\":\"" id "\",\"status\":\"active\",\"intent\":\"order\"," \
	"\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"urn:local\",\"code\":\"" code                 \
	"\",\"display\":\"" name "\"}],\"text\":\"" name "\"},\"subject\":{\"reference\":\"Patient/" pid        \
	"\"},\"authoredOn\":\"2026-01-05T10:00:00+09:00\",\"dosageInstruction\":[{\"text\":\"頓用\"}]}\n"

static const char patients[] = PATIENT("R01", "male", "規則", "一郎", "キソク", "イチロウ")
        PATIENT("R02", "male", "規則", "二郎", "キソク", "ジロウ")
                PATIENT("R03", "male", "規則", "三郎", "キソク", "サブロウ")
                        PATIENT("R04", "male", "規則", "四郎", "キソク", "シロウ"); /* R04: nothing active */

static const char meds[] = MED("ORD-1", "R01", "D-B", "薬B錠") MED("ORD-2", "R02", "D-B", "薬B錠")
        MED("ORD-3", "R02", "D-B2", "薬B2錠") MEDND("ORD-4", "R03", "D-B", "薬B錠");

static int setup(void **state)
{
	(void)state;
	static const char *files[] = {"Patient.ndjson", patients, "MedicationRequest.ndjson", meds, NULL};
	return rxw_open("rxrulesedges", drugs_csv, files, 0);
}

struct got {
	struct buf list, en, ja, basis, ids;
};

static void got_release(struct got *g)
{
	buf_release(&g->list);
	buf_release(&g->en);
	buf_release(&g->ja);
	buf_release(&g->basis);
	buf_release(&g->ids);
}

static void check(const char *pid, const char *drug, const char *order_no, const struct rx_other *others,
                  size_t n_others, struct got *g)
{
	struct rx_order o = {.patient_id = pid,
	                     .drug_code = drug,
	                     .dose = 1,
	                     .unit = "mg",
	                     .per_day = 1,
	                     .order_no = order_no,
	                     .others = others,
	                     .n_others = n_others};
	struct rx_result r = {0};
	assert_int_equal(rx_check(st, &o, &r), 0);
	rxw_alert_list(&r, 0, &g->list);
	buf_reset(&g->en);
	buf_reset(&g->ja);
	buf_reset(&g->basis);
	buf_reset(&g->ids);
	for (size_t i = 0; i < r.n; i++) {
		const char *sep = i ? " | " : "";
		buf_addf(&g->en, "%s%s", sep, r.v[i].reason_en);
		buf_addf(&g->ja, "%s%s", sep, r.v[i].reason_ja);
		buf_addf(&g->basis, "%s%s", sep, r.v[i].basis.text ? r.v[i].basis.text : "");
		buf_addf(&g->ids, "%s%s", sep, r.v[i].basis.id ? r.v[i].basis.id : "");
	}
	rx_result_release(&r);
}

#define HAS(b, needle)                                                      \
	do {                                                                \
		if (!strstr(buf_cstr(b), (needle)))                         \
			fail_msg("'%s' lacks '%s'", buf_cstr(b), (needle)); \
	} while (0)
#define LACKS(b, needle)                                                  \
	do {                                                              \
		if (strstr(buf_cstr(b), (needle)))                        \
			fail_msg("'%s' has '%s'", buf_cstr(b), (needle)); \
	} while (0)

/* The duplicate names the ingredient as the ordered drug's master row writes it; its basis is the active order
 * with its dose and its start (no end: none shown), or without a dose. */
static void duplicate_words(void **state)
{
	(void)state;
	struct got g = {0};
	check("R01", "D-A", NULL, NULL, 0, &g);
	HAS(&g.list, "warn:duplicate");
	HAS(&g.en, "(ORD-1, same ingredient Loxoprofen)");
	HAS(&g.ja, "重複: 同じ成分 (Loxoprofen) の 薬B錠");
	HAS(&g.basis, "薬B錠 1mg");
	HAS(&g.basis, "(2026-01-05)");
	LACKS(&g.basis, "–");
	check("R03", "D-A", NULL, NULL, 0, &g); /* an active order without a dose */
	HAS(&g.list, "warn:duplicate");
	HAS(&g.basis, "薬B錠 ");
	LACKS(&g.basis, "薬B錠 0");
	LACKS(&g.basis, "薬B錠 1mg");
	got_release(&g);
}

/* A group shared by two drugs, not 併用禁忌 for either, when the master has a 併用禁忌 column: 併用注意. */
static void use_with_care(void **state)
{
	(void)state;
	struct got g = {0};
	struct rx_other c = {.drug_code = "D-C", .dose = 1, .per_day = 1, .basis_type = "prescription", .id = "2"};
	check("R01", "D-A", NULL, &c, 1, &g);
	HAS(&g.list, "warn:interaction");
	HAS(&g.en, "interaction, use with care (併用注意, G1)");
	LACKS(&g.en, "gives no severity");
	got_release(&g);
}

/* YJ codes whose first four characters are not digits give no class: no coarse duplicate. */
static void yj_not_a_class(void **state)
{
	(void)state;
	struct got g = {0};
	struct rx_other q = {.drug_code = "D-Y2", .dose = 1, .per_day = 1, .basis_type = "prescription", .id = "2"};
	check("R01", "D-Y1", NULL, &q, 1, &g);
	LACKS(&g.list, "duplicate-class");
	got_release(&g);
}

/* Other lines with no code, an empty one or one the master does not know, before a duplicate: still found. */
static void unknown_lines_first(void **state)
{
	(void)state;
	struct got g = {0};
	struct rx_other x[] = {
	        {.drug_code = NULL, .dose = 1, .per_day = 1, .basis_type = "prescription", .id = "2"},
	        {.drug_code = "", .dose = 1, .per_day = 1, .basis_type = "prescription", .id = "3"},
	        {.drug_code = "X-NOPE", .dose = 1, .per_day = 1, .basis_type = "prescription", .id = "4"},
	        {.drug_code = "D-B", .dose = 1, .per_day = 1, .basis_type = "prescription", .id = "5"},
	};
	check("R04", "D-A", NULL, x, 4, &g);
	assert_string_equal(buf_cstr(&g.list), "warn:duplicate");
	assert_string_equal(buf_cstr(&g.ids), "5");
	got_release(&g);
}

/* Giving ORD-2 (the bedside check): not its own duplicate, but the patient's other order ORD-3 (the same
 * ingredient) is. */
static void order_being_given(void **state)
{
	(void)state;
	struct got g = {0};
	check("R02", "D-B", "ORD-2", NULL, 0, &g);
	assert_string_equal(buf_cstr(&g.list), "warn:duplicate");
	assert_string_equal(buf_cstr(&g.ids), "ORD-3");
	got_release(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(duplicate_words),   cmocka_unit_test(use_with_care),
	        cmocka_unit_test(yj_not_a_class),    cmocka_unit_test(unknown_lines_first),
	        cmocka_unit_test(order_being_given),
	};
	return cmocka_run_group_tests(tests, setup, rxw_teardown);
}
