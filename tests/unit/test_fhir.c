/*
 * test_fhir.c - the FHIR R4 NDJSON reader (src/ehr/fhir*.c): JP Core Patient names (IDE/SYL), allergies,
 * prescriptions and injections, conditions, encounters with ward/room/bed moves, observations, appointments,
 * times with offsets, and one warning per bad line without losing the good ones; plus the synthetic hospital's
 * FHIR files read back whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ehr/ehr.h"
#include "ehr/fhir_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEEP 16

struct got {
	int patients, allergies, meds, results, dx, adts, admits, appts, warnings[8], nwarn;
	int64_t warn_line[KEEP];
	char s[64][128]; /* flattened fields of the last records, by slot */
	struct ehr_adt adt[KEEP];
	char adt_text[KEEP][4][64];
	double dose, per_day;
	int days, kind, active, main;
	char sex;
};

static void cp(char *dst, const char *s)
{
	snprintf(dst, 128, "%s", s ? s : "(null)");
}

static int on_patient(void *ctx, const struct ehr_source *src, const struct ehr_patient *r)
{
	struct got *g = ctx;
	assert_string_equal(src->kind, "fhir");
	cp(g->s[0], r->id);
	cp(g->s[1], r->family_kanji);
	cp(g->s[2], r->given_kanji);
	cp(g->s[3], r->family_kana);
	cp(g->s[4], r->given_kana);
	cp(g->s[5], r->birth_date);
	cp(g->s[6], r->phone_home);
	cp(g->s[7], r->phone_mobile);
	cp(g->s[8], r->address);
	cp(g->s[9], r->postal_code);
	cp(g->s[10], r->blood_abo);
	g->sex = r->sex;
	g->patients++;
	return 0;
}

static int on_allergy(void *ctx, const struct ehr_source *src, const struct ehr_allergy *r)
{
	struct got *g = ctx;
	(void)src;
	cp(g->s[11], r->patient_id);
	cp(g->s[12], r->name);
	cp(g->s[13], r->reaction);
	cp(g->s[14], r->severity);
	cp(g->s[15], r->recorded);
	g->kind = r->kind;
	g->active = r->active;
	g->allergies++;
	return 0;
}

static int on_med(void *ctx, const struct ehr_source *src, const struct ehr_medication *r)
{
	struct got *g = ctx;
	(void)src;
	cp(g->s[16], r->order_no);
	cp(g->s[17], r->drug_code);
	cp(g->s[18], r->drug_name);
	cp(g->s[19], r->dose_unit);
	cp(g->s[20], r->frequency);
	cp(g->s[21], r->start);
	cp(g->s[22], r->status);
	cp(g->s[23], r->ordered);
	cp(g->s[24], r->department);
	cp(g->s[25], r->code_system);
	g->dose = r->dose;
	g->per_day = r->per_day;
	g->days = r->days;
	g->kind = r->kind;
	g->meds++;
	return 0;
}

static int on_result(void *ctx, const struct ehr_source *src, const struct ehr_result *r)
{
	struct got *g = ctx;
	(void)src;
	cp(g->s[26], r->code);
	cp(g->s[27], r->name);
	cp(g->s[28], r->value);
	cp(g->s[29], r->unit);
	cp(g->s[30], r->reference);
	cp(g->s[31], r->flag);
	cp(g->s[32], r->time);
	g->results++;
	return 0;
}

static int on_dx(void *ctx, const struct ehr_source *src, const struct ehr_diagnosis *r)
{
	struct got *g = ctx;
	(void)src;
	cp(g->s[33], r->code);
	cp(g->s[34], r->name);
	cp(g->s[35], r->start);
	cp(g->s[36], r->end);
	g->active = r->active;
	g->main = r->main;
	g->dx++;
	return 0;
}

static int on_adt(void *ctx, const struct ehr_source *src, const struct ehr_adt *r)
{
	struct got *g = ctx;
	(void)src;
	g->admits += r->kind == EHR_ADT_ADMIT;
	if (g->adts < KEEP) {
		g->adt[g->adts].kind = r->kind;
		snprintf(g->adt_text[g->adts][0], 64, "%s", r->time ? r->time : "(null)");
		snprintf(g->adt_text[g->adts][1], 64, "%s/%s/%s", r->ward ? r->ward : "-", r->room ? r->room : "-",
		         r->bed ? r->bed : "-");
		snprintf(g->adt_text[g->adts][2], 64, "%s", r->department ? r->department : "(null)");
	}
	g->adts++;
	return 0;
}

static int on_appt(void *ctx, const struct ehr_source *src, const struct ehr_appointment *r)
{
	struct got *g = ctx;
	(void)src;
	cp(g->s[40], r->patient_id);
	cp(g->s[41], r->start);
	cp(g->s[42], r->department);
	cp(g->s[43], r->clinician);
	cp(g->s[44], r->status);
	cp(g->s[45], r->kind);
	g->appts++;
	return 0;
}

static void on_warn(void *ctx, const struct ehr_source *src, enum ehr_warn kind, const char *detail)
{
	struct got *g = ctx;
	(void)detail;
	g->warnings[kind]++;
	if (g->nwarn < KEEP)
		g->warn_line[g->nwarn] = src->line;
	g->nwarn++;
}

static struct ehr_sink sink_for(struct got *g)
{
	struct ehr_sink s = {.ctx = g,
	                     .patient = on_patient,
	                     .allergy = on_allergy,
	                     .medication = on_med,
	                     .result = on_result,
	                     .diagnosis = on_dx,
	                     .adt = on_adt,
	                     .appointment = on_appt,
	                     .warning = on_warn};
	return s;
}

static char tmpdir[64];

static const char *write_tmp(const char *name, const char *text)
{
	static char path[160];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_int_equal(lb_write_file_atomic(path, text, strlen(text), 0600, 0), 0);
	return path;
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/lb-test-fhir-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lb_rmtree(tmpdir);
	return 0;
}

static void test_patient_jp_core(void **state)
{
	(void)state;
	const char *p =
	        "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"lastUpdated\":\"2026-11-01T00:30:00Z\"},"
	        "\"identifier\":[{\"system\":\"urn:oid:1.2.392.100495.20.3.51.11312345670\",\"value\":\"0001234567\"}],"
	        "\"name\":[{\"extension\":[{\"url\":\"http://hl7.org/fhir/StructureDefinition/"
	        "iso21090-EN-representation\","
	        "\"valueCode\":\"SYL\"}],\"family\":\"ﾀｶﾊｼ\",\"given\":[\"ﾊﾅｺ\"]},"
	        "{\"extension\":[{\"url\":\"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation\","
	        "\"valueCode\":\"IDE\"}],\"family\":\"髙橋\",\"given\":[\"花子\"]}],"
	        "\"telecom\":[{\"system\":\"phone\",\"value\":\"054-123-4567\",\"use\":\"home\"},"
	        "{\"system\":\"phone\",\"value\":\"090-1234-5678\",\"use\":\"mobile\"}],"
	        "\"gender\":\"female\",\"birthDate\":\"1948-04-05\","
	        "\"address\":[{\"postalCode\":\"422-8033\",\"state\":\"静岡県\",\"city\":\"静岡市駿河区\",\"line\":["
	        "\"登呂1-3-5\"]}]}\n";
	struct got g = {0};
	struct ehr_sink s = sink_for(&g);
	assert_int_equal(ehr_fhir_read_file(write_tmp("Patient.ndjson", p), &s), 0);
	assert_int_equal(g.patients, 1);
	assert_int_equal(g.nwarn, 0);
	assert_string_equal(g.s[0], "0001234567");
	assert_string_equal(g.s[1], "髙橋");
	assert_string_equal(g.s[2], "花子");
	assert_string_equal(g.s[3], "タカハシ"); /* half-width kana stored full-width */
	assert_string_equal(g.s[4], "ハナコ");
	assert_string_equal(g.s[5], "1948-04-05");
	assert_string_equal(g.s[6], "054-123-4567");
	assert_string_equal(g.s[7], "090-1234-5678");
	assert_string_equal(g.s[8], "静岡県静岡市駿河区登呂1-3-5");
	assert_string_equal(g.s[9], "422-8033");
	assert_int_equal(g.sex, 'F');

	/* without representation codes: kana told apart by script; a name given only as text is split */
	const char *q = "{\"resourceType\":\"Patient\",\"id\":\"0009\",\"name\":[{\"text\":\"佐藤\u3000太郎\"},"
	                "{\"text\":\"サトウ タロウ\"}],\"gender\":\"male\"}\n";
	memset(&g, 0, sizeof(g));
	assert_int_equal(ehr_fhir_read_file(write_tmp("p2.ndjson", q), &s), 0);
	assert_int_equal(g.patients, 1);
	assert_string_equal(g.s[0], "0009");
	assert_string_equal(g.s[1], "佐藤");
	assert_string_equal(g.s[2], "太郎");
	assert_string_equal(g.s[3], "サトウ");
	assert_string_equal(g.s[4], "タロウ");
	assert_string_equal(g.s[5], "(null)");
}

static void test_clinical_resources(void **state)
{
	(void)state;
	const char *nd =
	        "{\"resourceType\":\"AllergyIntolerance\",\"id\":\"a1\",\"category\":[\"medication\"],"
	        "\"clinicalStatus\":{\"coding\":[{\"code\":\"active\"}]},\"code\":{\"text\":\"ペニシリン系抗生物質\"},"
	        "\"patient\":{\"reference\":\"Patient/0001234567\"},\"recordedDate\":\"2020-05-01\","
	        "\"reaction\":[{\"manifestation\":[{\"text\":\"発疹～掻痒感\"}],\"severity\":\"severe\"}]}\n"
	        "{\"resourceType\":\"MedicationRequest\",\"id\":\"m1\",\"status\":\"active\",\"intent\":\"order\","
	        "\"meta\":{\"profile\":[\"http://jpfhir.jp/fhir/core/StructureDefinition/"
	        "JP_MedicationRequest_Injection\"]},"
	        "\"identifier\":[{\"value\":\"261120000012301\"}],"
	        "\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"urn:oid:1.2.392.200119.4.403.1\","
	        "\"code\":\"100000202\",\"display\":\"セファゾリン注\"}]},"
	        "\"subject\":{\"reference\":\"Patient/0001234567\"},\"authoredOn\":\"2026-11-20T01:15:00Z\","
	        "\"dosageInstruction\":[{\"text\":\"①1日2回\",\"timing\":{\"repeat\":{\"frequency\":2,\"period\":1,"
	        "\"periodUnit\":\"d\"}},\"doseAndRate\":[{\"doseQuantity\":{\"value\":1,\"unit\":\"g\"}}]}],"
	        "\"dispenseRequest\":{\"expectedSupplyDuration\":{\"value\":5,\"unit\":\"日\"}}}\n"
	        "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"extension\":[{\"url\":"
	        "\"http://lifeboat.example/fhir/StructureDefinition/main-diagnosis\",\"valueBoolean\":true}],"
	        "\"clinicalStatus\":{\"coding\":[{\"code\":\"resolved\"}]},\"code\":{\"coding\":[{\"system\":"
	        "\"http://medis.or.jp/x\",\"code\":\"20061327\"},{\"system\":\"http://hl7.org/fhir/sid/icd-10\","
	        "\"code\":\"J189\",\"display\":\"肺炎\"}]},\"subject\":{\"reference\":\"Patient/0001234567\"},"
	        "\"onsetDateTime\":\"2026-10-01\",\"abatementDateTime\":\"2026-10-20\"}\n"
	        "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"code\":{\"coding\":[{"
	        "\"system\":"
	        "\"urn:oid:1.2.392.200119.4.504\",\"code\":\"3C015000002327101\",\"display\":\"クレアチニン\"}]},"
	        "\"subject\":{\"reference\":\"Patient/"
	        "0001234567\"},\"effectiveDateTime\":\"2026-11-20T08:50:00+09:00\","
	        "\"valueQuantity\":{\"value\":1.25,\"unit\":\"mg/"
	        "dL\"},\"interpretation\":[{\"coding\":[{\"code\":\"H\"}]}],"
	        "\"referenceRange\":[{\"low\":{\"value\":0.65},\"high\":{\"value\":1.07}}]}\n"
	        "{\"resourceType\":\"Appointment\",\"id\":\"ap1\",\"status\":\"booked\",\"serviceCategory\":[{\"text\":"
	        "\"整形外科\"}],\"appointmentType\":{\"text\":\"再診\"},\"start\":\"2026-12-01T09:30:00+09:00\","
	        "\"participant\":[{\"actor\":{\"display\":\"土屋 "
	        "隆\"}},{\"actor\":{\"reference\":\"Patient/0001234567\"}}]}\n";
	struct got g = {0};
	struct ehr_sink s = sink_for(&g);
	assert_int_equal(ehr_fhir_read_file(write_tmp("mixed.ndjson", nd), &s), 0);
	assert_int_equal(g.allergies + g.meds + g.dx + g.results + g.appts, 5);
	assert_int_equal(g.nwarn, 0);
	assert_string_equal(g.s[11], "0001234567");
	assert_string_equal(g.s[12], "ペニシリン系抗生物質");
	assert_string_equal(g.s[13], "発疹～掻痒感");
	assert_string_equal(g.s[14], "severe");
	assert_string_equal(g.s[15], "2020-05-01");
	assert_string_equal(g.s[16], "261120000012301");
	assert_string_equal(g.s[17], "100000202");
	assert_string_equal(g.s[25], "HOT9");
	assert_string_equal(g.s[18], "セファゾリン注");
	assert_string_equal(g.s[19], "g");
	assert_string_equal(g.s[20], "①1日2回");
	assert_string_equal(g.s[22], "active");
	assert_string_equal(g.s[23], "2026-11-20T10:15:00"); /* UTC to the hospital's local time */
	assert_string_equal(g.s[21], "2026-11-20");
	assert_true(g.dose == 1 && g.per_day == 2 && g.days == 5);
	assert_string_equal(g.s[33], "J189");
	assert_string_equal(g.s[34], "肺炎");
	assert_string_equal(g.s[36], "2026-10-20");
	assert_int_equal(g.active, 0);
	assert_int_equal(g.main, 1);
	assert_string_equal(g.s[28], "1.25");
	assert_string_equal(g.s[29], "mg/dL");
	assert_string_equal(g.s[30], "0.65-1.07");
	assert_string_equal(g.s[31], "H");
	assert_string_equal(g.s[32], "2026-11-20T08:50:00");
	assert_string_equal(g.s[40], "0001234567");
	assert_string_equal(g.s[41], "2026-12-01T09:30");
	assert_string_equal(g.s[42], "整形外科");
	assert_string_equal(g.s[43], "土屋 隆");
	assert_string_equal(g.s[45], "再診");
}

static void test_encounter_moves(void **state)
{
	(void)state;
	const char *e =
	        "{\"resourceType\":\"Encounter\",\"id\":\"V1\",\"status\":\"finished\",\"class\":{\"code\":\"IMP\"},"
	        "\"serviceType\":{\"text\":\"循環器内科\"},\"subject\":{\"reference\":\"Patient/42\"},"
	        "\"period\":{\"start\":\"2026-11-01T10:00:00+09:00\",\"end\":\"2026-11-10T11:00:00+09:00\"},"
	        "\"location\":["
	        "{\"location\":{\"display\":\"4A\"},\"physicalType\":{\"coding\":[{\"code\":\"wa\"}]},"
	        "\"period\":{\"start\":\"2026-11-03T09:00:00+09:00\"}},"
	        "{\"location\":{\"display\":\"402\"},\"physicalType\":{\"coding\":[{\"code\":\"ro\"}]},"
	        "\"period\":{\"start\":\"2026-11-03T09:00:00+09:00\"}},"
	        "{\"location\":{\"display\":\"3\"},\"physicalType\":{\"coding\":[{\"code\":\"bd\"}]},"
	        "\"period\":{\"start\":\"2026-11-03T09:00:00+09:00\"}},"
	        "{\"location\":{\"display\":\"3B\"},\"physicalType\":{\"coding\":[{\"code\":\"wa\"}]},"
	        "\"period\":{\"start\":\"2026-11-01T10:00:00+09:00\"}},"
	        "{\"location\":{\"display\":\"305\"},\"physicalType\":{\"coding\":[{\"code\":\"ro\"}]},"
	        "\"period\":{\"start\":\"2026-11-01T10:00:00+09:00\"}}]}\n"
	        "{\"resourceType\":\"Encounter\",\"id\":\"O1\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
	        "\"subject\":{\"reference\":\"Patient/42\"}}\n";
	struct got g = {0};
	struct ehr_sink s = sink_for(&g);
	assert_int_equal(ehr_fhir_read_file(write_tmp("enc.ndjson", e), &s), 0);
	assert_int_equal(g.admits, 1);
	assert_int_equal(g.adts, 3);
	assert_int_equal(g.adt[0].kind, EHR_ADT_ADMIT);
	assert_string_equal(g.adt_text[0][0], "2026-11-01T10:00:00");
	assert_string_equal(g.adt_text[0][1], "3B/305/-");
	assert_string_equal(g.adt_text[0][2], "循環器内科");
	assert_int_equal(g.adt[1].kind, EHR_ADT_TRANSFER);
	assert_string_equal(g.adt_text[1][0], "2026-11-03T09:00:00");
	assert_string_equal(g.adt_text[1][1], "4A/402/3");
	assert_int_equal(g.adt[2].kind, EHR_ADT_DISCHARGE);
	assert_string_equal(g.adt_text[2][0], "2026-11-10T11:00:00");
}

/* Bad lines are one warning each, naming the line; the good lines around them still load. */
static void test_bad_lines(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_adds(&b, "{\"resourceType\":\"Patient\",\"id\":\"1\"}\n"                          /* 1 ok */
	             "{\"resourceType\":\"Patient\",\"id\":\n"                                /* 2 truncated */
	             "[1,2,3]\n"                                                              /* 3 not an object */
	             "{\"id\":\"x\"}\n"                                                       /* 4 no type */
	             "{\"resourceType\":\"Practitioner\",\"id\":\"d\"}\n"                     /* 5 unsupported */
	             "{\"resourceType\":\"AllergyIntolerance\",\"code\":{\"text\":\"卵\"}}\n" /* 6 no patient */
	             "\n"                                                                     /* 7 blank */
	             "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"Patient/1\"}}\n" /* 8 no code */
	             "\xff\xfe garbage\n");                                                           /* 9 */
	buf_addch(&b, '{');
	for (int i = 0; i < (9 << 20); i++) /* 10: a line over the cap */
		buf_addch(&b, ' ');
	buf_adds(&b, "}\n");
	for (int i = 0; i < 5000; i++) /* 11: deep nesting stops in the parser, not the stack */
		buf_addch(&b, '[');
	buf_addch(&b, '\n');
	buf_addch(&b, '{'); /* 12: just over the cap, its newline in the same read as the crossing */
	for (int i = 0; i < (8 << 20) + 10; i++)
		buf_addch(&b, ' ');
	buf_adds(&b, "}\n{\"resourceType\":\"Patient\",\"id\":\"2\"}"); /* 13 ok, no final newline */
	char path[160];
	snprintf(path, sizeof(path), "%s/bad.ndjson", tmpdir);
	assert_int_equal(lb_write_file_atomic(path, b.data, b.len, 0600, 0), 0);
	buf_release(&b);
	struct got g = {0};
	struct ehr_sink s = sink_for(&g);
	assert_int_equal(ehr_fhir_read_file(path, &s), 0);
	assert_int_equal(g.patients, 2);
	assert_int_equal(g.nwarn, 10);
	int64_t want[] = {2, 3, 4, 5, 6, 8, 9, 10, 11, 12};
	for (int i = 0; i < 10; i++)
		assert_int_equal(g.warn_line[i], want[i]);
	assert_int_equal(g.warnings[EHR_WARN_UNSUPPORTED], 1);
	assert_int_equal(g.warnings[EHR_WARN_LIMIT], 2);
	assert_int_equal(ehr_fhir_read_dir("/nonexistent", &s) < 0, 1);
}

/* The synthetic hospital's FHIR folder reads back whole and without a warning; names match the SS-MIX2 tree. */
static void test_synth_reads_back(void **state)
{
	(void)state;
	char out[128], dir[160];
	snprintf(out, sizeof(out), "%s/h", tmpdir);
	struct ehr_synth_stats st = {0};
	struct ehr_synth_opts o = {.out_dir = out, .patients = 120, .seed = 3, .stats = &st};
	assert_int_equal(ehr_synth(&o), 0);
	snprintf(dir, sizeof(dir), "%s/fhir", out);
	struct got g = {0};
	struct ehr_sink s = sink_for(&g);
	assert_int_equal(ehr_fhir_read_dir(dir, &s), 0);
	assert_int_equal(g.patients + g.allergies + g.meds + g.results + g.dx + g.admits + g.appts, st.fhir_resources);
	assert_int_equal(g.nwarn, 0);
	assert_int_equal(g.patients, 120);
	assert_int_equal(g.appts, st.appointments);
	assert_true(g.meds >= st.by_type[2]);
	assert_true(g.adts >= st.inpatients);
}

/* Lab values read as people write them: a result of 140 must never show as 1.4e+02. */
static void test_number_format(void **state)
{
	(void)state;
	static const struct {
		double v;
		const char *want;
	} cases[] = {{140, "140"},       {4.26, "4.26"}, {0.0001, "0.0001"}, {-3.5, "-3.5"}, {0, "0"},
	             {275000, "275000"}, {0.1, "0.1"},   {13.3, "13.3"},     {1e20, "1e+20"}};
	struct buf b = {0};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fhir_number(&b, cases[i].v);
		assert_string_equal(buf_cstr(&b), cases[i].want);
	}
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_patient_jp_core),  cmocka_unit_test(test_clinical_resources),
	        cmocka_unit_test(test_encounter_moves),  cmocka_unit_test(test_bad_lines),
	        cmocka_unit_test(test_synth_reads_back), cmocka_unit_test(test_number_format),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
