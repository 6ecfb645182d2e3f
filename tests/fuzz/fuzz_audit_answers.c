/*
 * fuzz_audit_answers.c - libFuzzer target for the checklist answers file a hospital office edits by hand
 * (cl_answers_parse), checked against the newest shipped edition, and for an edition file (cl_edition_parse). Any
 * bytes: 0 or a one-line error "fuzz.yaml:LINE: reason", never a crash, leak or hang; answers that read must fill
 * a checklist whose rows all carry an item and a valid answer.
 */
#include "audit/checklist.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cl_edition e;
	static int loaded;
	if (!loaded++ && cl_edition_load(&e, cl_edition_latest()) < 0)
		__builtin_trap();
	struct cl_answers a;
	if (cl_answers_parse(&a, "fuzz.yaml", (const char *)data, size, &e) == 0) {
		struct cl_filled f;
		if (cl_fill(&f, &e, &a, NULL, "2025-06-15") < 0)
			__builtin_trap();
		for (size_t i = 0; i < f.n; i++)
			for (size_t k = 0; k < f.sheets[i].n; k++)
				if (!f.sheets[i].rows[k].item || f.sheets[i].rows[k].answer < 0 ||
				    f.sheets[i].rows[k].answer > CL_NO)
					__builtin_trap();
		cl_filled_free(&f);
		cl_answers_free(&a);
	} else if (strncmp(lb_errmsg(), "fuzz.yaml:", 10) != 0 || strchr(lb_errmsg(), '\n')) {
		__builtin_trap();
	}
	struct cl_edition x;
	if (cl_edition_parse(&x, "fuzz.yaml", (const char *)data, size) == 0)
		cl_edition_free(&x);
	else if (strncmp(lb_errmsg(), "fuzz.yaml:", 10) != 0)
		__builtin_trap();
	return 0;
}
