/*
 * test_rx_dose_store.c - what the dose check adds up from the store (src/rx/dose_rule.c, rx_rule_dose): the same
 * ingredient already active (never the order being given itself, never another ingredient), the other lines of the
 * prescription and the outage's orders, each said where it comes from; an active order whose dose cannot be added
 * (no dose, no times a day, a unit that does not convert) is said rather than counted as nothing. On a ward written
 * for it (tests/unit/rx_ward.h).
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
        "name,code,kana,generic_name,unit,max_daily_dose,strength\n"
        "ロキソニン錠60mg,D-LOXO,ロキソニン,ロキソプロフェンナトリウム水和物,mg,180,60mg\n"
        "ロキソプロフェンNa錠60mg,D-LOXG,ロキソプロフェン,ロキソプロフェンナトリウム水和物,mg,180,60mg\n"
        "カロナール錠200,D-CALO,カロナール,アセトアミノフェン,mg,4000,200mg\n"
        "何か錠10mg,D-NOGEN,ナニカ,,mg,30,10mg\n";

/* An active MedicationRequest: dose value in unit, freq times a day ("" value: no dose; 0 freq: no timing). */
#define MEDQ(id, pid, code, name, dosepart, timing)                                                                  \
	"{\"resourceType\":\"MedicationRequest\",\"id\":\"" id "\",\"status\":\"active\",\"intent\":\"order\","      \
	"\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"urn:local\",\"code\":\"" code                      \
	"\",\"display\":\"" name "\"}],\"text\":\"" name "\"},\"subject\":{\"reference\":\"Patient/" pid             \
	"\"},\"authoredOn\":\"2026-01-05T10:00:00+09:00\",\"dosageInstruction\":[{\"text\":\"処方\"" timing dosepart \
	"}]}\n"
#define DOSE(v, u) ",\"doseAndRate\":[{\"doseQuantity\":{\"value\":" v ",\"unit\":\"" u "\"}}]"
#define TIMES(n) ",\"timing\":{\"repeat\":{\"frequency\":" n ",\"period\":1,\"periodUnit\":\"d\"}}"

static const char patients[] = PATIENT("D01", "male", "用量", "一郎", "ヨウリョウ", "イチロウ")
        PATIENT("D02", "male", "用量", "二郎", "ヨウリョウ", "ジロウ")
                PATIENT("D03", "male", "用量", "三郎", "ヨウリョウ", "サブロウ")
                        PATIENT("D04", "male", "用量", "四郎", "ヨウリョウ", "シロウ")
                                PATIENT("D05", "male", "用量", "五郎", "ヨウリョウ", "ゴロウ");

static const char meds[] =
        /* D01: loxoprofen 180 mg a day, acetaminophen 600 mg a day */
        MEDQ("ORD-A", "D01", "D-LOXO", "ロキソニン錠60mg", DOSE("60", "mg"), TIMES("3"))
                MEDQ("ORD-B", "D01", "D-CALO", "カロナール錠200", DOSE("200", "mg"), TIMES("3"))
        /* D02: loxoprofen in a unit that does not convert */
        MEDQ("ORD-C", "D02", "D-LOXO", "ロキソニン錠60mg", DOSE("5", "mL"), TIMES("3"))
        /* D03: loxoprofen with no dose */
        MEDQ("ORD-D", "D03", "D-LOXO", "ロキソニン錠60mg", "", TIMES("3"))
        /* D04: loxoprofen with no times a day */
        MEDQ("ORD-E", "D04", "D-LOXO", "ロキソニン錠60mg", DOSE("60", "mg"), "");

static int setup(void **state)
{
	(void)state;
	static const char *files[] = {"Patient.ndjson", patients, "MedicationRequest.ndjson", meds, NULL};
	return rxw_open("rxdosestore", drugs_csv, files, 0);
}

/* rx_check of drug dose mg × per_day for pid (order_no: the active order being given, or NULL) with the others;
 * the alerts as "level:kind …" and every English reason joined. */
static void check(const char *pid, const char *drug, double dose, double per_day, const char *order_no,
                  const struct rx_other *others, size_t n_others, struct buf *list, struct buf *en)
{
	struct rx_order o = {.patient_id = pid,
	                     .drug_code = drug,
	                     .dose = dose,
	                     .unit = "mg",
	                     .per_day = per_day,
	                     .order_no = order_no,
	                     .others = others,
	                     .n_others = n_others};
	struct rx_result r = {0};
	assert_int_equal(rx_check(st, &o, &r), 0);
	rxw_alert_list(&r, 0, list);
	buf_reset(en);
	for (size_t i = 0; i < r.n; i++)
		buf_addf(en, "%s%s", i ? " | " : "", r.v[i].reason_en);
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

static void active_orders(void **state)
{
	(void)state;
	struct buf list = {0}, en = {0};
	/* the generic on top of the active brand: 240 mg of 180; the acetaminophen is another ingredient */
	check("D01", "D-LOXG", 60, 1, NULL, NULL, 0, &list, &en);
	HAS(&list, "warn:max-dose");
	HAS(&en, "(active: ロキソニン錠60mg 180 mg (ORD-A)) the total is 240 mg a day");
	LACKS(&en, "カロナール");
	/* the active order being given is not counted against itself (the bedside check) */
	check("D01", "D-LOXO", 60, 3, "ORD-A", NULL, 0, &list, &en);
	LACKS(&list, "max-dose");
	check("D01", "D-LOXO", 60, 3, "ORD-B", NULL, 0, &list, &en); /* another order's number: counted */
	HAS(&list, "stop:max-dose");
	/* an active dose that cannot be added is said, not added as nothing */
	check("D02", "D-LOXG", 60, 1, NULL, NULL, 0, &list, &en);
	HAS(&en,
	    "dose sum: the same ingredient is ordered elsewhere without a dose that can be added (ロキソニン錠60mg "
	    "(ORD-C))");
	check("D03", "D-LOXG", 60, 1, NULL, NULL, 0, &list, &en);
	HAS(&en,
	    "dose sum: the same ingredient is ordered elsewhere without a dose that can be added (ロキソニン錠60mg "
	    "(ORD-D))");
	check("D04", "D-LOXG", 60, 1, NULL, NULL, 0, &list, &en);
	HAS(&en,
	    "dose sum: the same ingredient is ordered elsewhere without a dose that can be added (ロキソニン錠60mg "
	    "(ORD-E))");
	buf_release(&list);
	buf_release(&en);
}

static void lines_and_outage(void **state)
{
	(void)state;
	struct buf list = {0}, en = {0};
	/* another ingredient and a product with no generic name first: not added, and the check goes on */
	struct rx_other x[] = {
	        {.drug_code = "D-CALO",
	         .dose = 200,
	         .unit = "mg",
	         .per_day = 3,
	         .basis_type = "prescription",
	         .id = "2"},
	        {.drug_code = "D-NOGEN",
	         .dose = 10,
	         .unit = "mg",
	         .per_day = 1,
	         .basis_type = "prescription",
	         .id = "3"},
	        {.drug_code = "D-LOXG",
	         .dose = 60,
	         .unit = "mg",
	         .per_day = 2,
	         .basis_type = "prescription",
	         .id = "4"},
	};
	check("D05", "D-LOXO", 60, 2, NULL, x, 3, &list, &en); /* 120 + 120 mg of 180 */
	HAS(&list, "warn:max-dose");
	HAS(&en, "(other lines of this prescription: ロキソプロフェンNa錠60mg 120 mg) the total is 240 mg a day");
	LACKS(&en, "outage");
	check("D05", "D-LOXO", 60, 1, NULL, x, 3, &list, &en); /* 60 + 120: the maximum itself */
	LACKS(&list, "max-dose");
	/* an outage order: said with its number */
	struct rx_other y = {
	        .drug_code = "D-LOXG", .dose = 60, .unit = "mg", .per_day = 2, .basis_type = "outage-order", .id = "7"};
	check("D05", "D-LOXO", 60, 2, NULL, &y, 1, &list, &en);
	HAS(&en, "(outage orders: ロキソプロフェンNa錠60mg 120 mg (#7)) the total is 240 mg a day");
	LACKS(&en, "other lines");
	buf_release(&list);
	buf_release(&en);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(active_orders),
	        cmocka_unit_test(lines_and_outage),
	};
	return cmocka_run_group_tests(tests, setup, rxw_teardown);
}
