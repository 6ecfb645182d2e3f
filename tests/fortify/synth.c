/*
 * fortify/synth.c - the synthetic hospital and the ehr readers, compiled the way a release build compiles them
 * (-O2, _FORTIFY_SOURCE=2, no sanitizers; tests/CMakeLists.txt), run on a few hundred patients.
 *
 * Why a test of its own: glibc's fortified functions abort when a call names a destination bound larger than the
 * buffer it writes to (snprintf(day, 16, …) into char day[9]), even when the text written would fit. The sanitizer
 * build cannot see that — AddressSanitizer only sees bytes actually written, and it turns the fortified checks
 * off — so `synth` ran in every test and still aborted in every release build ("*** buffer overflow detected ***").
 * Each check below fails with a message; an abort fails the test by its exit status.
 */
#include "core/core.h"
#include "ehr/ehr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct counts {
	long patients, allergies, medications, results, diagnoses, adt, appointments, drugs, raw, warnings;
};

static int c_patient(void *ctx, const struct ehr_source *src, const struct ehr_patient *r)
{
	(void)src, (void)r;
	((struct counts *)ctx)->patients++;
	return 0;
}
static int c_allergy(void *ctx, const struct ehr_source *src, const struct ehr_allergy *r)
{
	(void)src, (void)r;
	((struct counts *)ctx)->allergies++;
	return 0;
}
static int c_medication(void *ctx, const struct ehr_source *src, const struct ehr_medication *r)
{
	(void)src, (void)r;
	((struct counts *)ctx)->medications++;
	return 0;
}
static int c_result(void *ctx, const struct ehr_source *src, const struct ehr_result *r)
{
	(void)src, (void)r;
	((struct counts *)ctx)->results++;
	return 0;
}
static int c_diagnosis(void *ctx, const struct ehr_source *src, const struct ehr_diagnosis *r)
{
	(void)src, (void)r;
	((struct counts *)ctx)->diagnoses++;
	return 0;
}
static int c_adt(void *ctx, const struct ehr_source *src, const struct ehr_adt *r)
{
	(void)src, (void)r;
	((struct counts *)ctx)->adt++;
	return 0;
}
static int c_appointment(void *ctx, const struct ehr_source *src, const struct ehr_appointment *r)
{
	(void)src, (void)r;
	((struct counts *)ctx)->appointments++;
	return 0;
}
static int c_drug(void *ctx, const struct ehr_source *src, const struct ehr_drug *r)
{
	(void)src, (void)r;
	((struct counts *)ctx)->drugs++;
	return 0;
}
static void c_warning(void *ctx, const struct ehr_source *src, enum ehr_warn kind, const char *detail)
{
	(void)kind;
	((struct counts *)ctx)->warnings++;
	fprintf(stderr, "warning: %s: %s\n", src && src->path ? src->path : "?", detail);
}

static int fails;
#define CHECK(cond, ...)                                       \
	do {                                                   \
		if (!(cond)) {                                 \
			fprintf(stderr, "FAIL: " __VA_ARGS__); \
			fputc('\n', stderr);                   \
			fails++;                               \
		}                                              \
	} while (0)

int main(void)
{
	char tmpl[] = "/tmp/lifeboat-fortify.XXXXXX";
	char *dir = mkdtemp(tmpl);
	if (!dir) {
		perror("mkdtemp");
		return 1;
	}
	struct buf out = {0}, p = {0};
	lb_path_join(&out, dir, "h");
	struct ehr_synth_stats st = {0};
	struct ehr_synth_opts o = {.out_dir = out.data, .patients = 400, .beds = 1000, .seed = 11, .stats = &st};
	int rc = ehr_synth(&o);
	CHECK(rc == 0, "synth: %s", rc ? lb_errmsg() : "");
	CHECK(st.patients == 400 && st.inpatients > 0 && st.ssmix2_files > 0, "synth wrote %ld patients, %ld files",
	      st.patients, st.ssmix2_files);

	struct counts n = {0};
	struct ehr_sink sink = {.ctx = &n,
	                        .patient = c_patient,
	                        .allergy = c_allergy,
	                        .medication = c_medication,
	                        .result = c_result,
	                        .diagnosis = c_diagnosis,
	                        .adt = c_adt,
	                        .appointment = c_appointment,
	                        .drug = c_drug,
	                        .warning = c_warning};
	/* the readers of every feed it wrote, through the same fortified string functions */
	lb_path_join(&p, out.data, "drugs.csv");
	CHECK(ehr_drugs_read(p.data, &sink) == 0 && n.drugs == st.drugs, "drugs.csv: %ld of %ld", n.drugs, st.drugs);
	buf_reset(&p);
	lb_path_join(&p, out.data, "appointments.csv");
	CHECK(ehr_appointments_read(p.data, &sink) == 0 && n.appointments > 0, "appointments.csv");
	buf_reset(&p);
	lb_path_join(&p, out.data, "fhir");
	long before = n.patients;
	CHECK(ehr_fhir_read_dir(p.data, &sink) == 0 && n.patients - before == 400, "FHIR: %ld patients",
	      n.patients - before);
	buf_reset(&p);
	lb_path_join(&p, out.data, "ssmix2");
	struct ssmix2_scan scan = {0};
	CHECK(ssmix2_scan(p.data, &sink, &scan) == 0 && (long)scan.n == st.ssmix2_files, "SS-MIX2 scan: %zu of %ld",
	      scan.n, st.ssmix2_files);
	struct buf f = {0}, bytes = {0};
	long read = 0;
	for (size_t i = 0; i < scan.n; i++) {
		buf_reset(&f);
		lb_path_join(&f, p.data, scan.files[i].path);
		buf_reset(&bytes);
		if (buf_read_file(&bytes, f.data, 1u << 20) < 0)
			continue;
		struct ehr_source src = {.path = scan.files[i].path, .kind = "ssmix2"};
		struct ssmix2_msg_stats ms = {0};
		read += ssmix2_read_message(&scan.files[i].name, &src, bytes.data, bytes.len, &sink, &ms) == 0 &&
		        ms.parsed;
	}
	CHECK(read == (long)scan.n, "SS-MIX2 messages read: %ld of %zu", read, scan.n);
	CHECK(n.warnings == 0, "%ld warnings reading what synth wrote", n.warnings);
	ssmix2_scan_release(&scan);
	buf_release(&f);
	buf_release(&bytes);
	lb_rmtree(dir);
	buf_release(&out);
	buf_release(&p);
	if (fails)
		return 1;
	printf("synth and the ehr readers ran fortified: %ld patients, %ld SS-MIX2 messages\n", st.patients, read);
	return 0;
}
