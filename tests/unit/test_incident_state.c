/*
 * test_incident_state.c - what an incident's state is computed to be from its timeline (issue 15): the phase,
 * the decisions in force (a decision replaced or withdrawn by a correction is no longer one), and the reporting
 * deadlines counted from the time the hospital learned of it: MHLW and police at once, PPC preliminary within
 * 3-5 days, final within 30 days or 60 when malicious; overdue until a note says the report was made.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "incident/incident.h"
#include "incident_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DAY INT64_C(86400000)

static int64_t known;

static int setup(void **state)
{
	(void)state;
	known = lb_now_ms() - 10 * 60 * 1000; /* learned of it ten minutes ago */
	return incident_fixture_open("incstate");
}

static int64_t append(struct incident_new n)
{
	int64_t seq = 0;
	if (!n.os_user)
		n.os_user = "tester";
	assert_int_equal(incident_append(f, &n, &seq), 0);
	return seq;
}

static void declare(int flags)
{
	append((struct incident_new){
	        .type = INCIDENT_T_DECLARE, .text = "電子カルテ停止", .known_at_ms = known, .flags = flags});
}

static void state_at(int64_t now, struct incident_state *s)
{
	assert_int_equal(incident_state(f, 0, 5, now, s), 0);
}

static void test_deadlines(void **state)
{
	(void)state;
	declare(0);
	struct incident_state s;
	state_at(known + 60 * 1000, &s);
	const struct incident_deadline *d = s.deadlines;
	assert_int_equal(d[INCIDENT_MHLW].due_ms, known);
	assert_true(d[INCIDENT_MHLW].overdue); /* at once: late from the moment it is known */
	assert_true(d[INCIDENT_POLICE].overdue);
	assert_int_equal(d[INCIDENT_PPC_PRELIMINARY].due_ms, known + 3 * DAY);
	assert_int_equal(d[INCIDENT_PPC_PRELIMINARY].latest_ms, known + 5 * DAY);
	assert_false(d[INCIDENT_PPC_PRELIMINARY].overdue);
	assert_int_equal(d[INCIDENT_PPC_FINAL].due_ms, known + 30 * DAY);
	assert_true(d[INCIDENT_PPC_FINAL].applies);
	incident_state_release(&s);
	/* four days on: within the preliminary report's window; six days on: past it */
	state_at(known + 4 * DAY, &s);
	assert_false(s.deadlines[INCIDENT_PPC_PRELIMINARY].overdue);
	incident_state_release(&s);
	state_at(known + 5 * DAY + 1, &s);
	assert_true(s.deadlines[INCIDENT_PPC_PRELIMINARY].overdue);
	assert_false(s.deadlines[INCIDENT_PPC_FINAL].overdue);
	incident_state_release(&s);
	state_at(known + 30 * DAY + 1, &s);
	assert_true(s.deadlines[INCIDENT_PPC_FINAL].overdue);
	incident_state_release(&s);
}

/* Overdue at the edges, to the millisecond: a report not made is overdue only after its last moment (latest_ms):
 * not one second before, not at it, from one millisecond after. MHLW and police are due at once (the moment it is
 * known), the PPC preliminary report at 3 days and at the latest 5, the final one at 30. */
static void test_deadline_edges(void **state)
{
	(void)state;
	declare(0);
	static const struct {
		int report;
		int64_t latest;
	} edge[] = {{INCIDENT_MHLW, 0},
	            {INCIDENT_POLICE, 0},
	            {INCIDENT_PPC_PRELIMINARY, 5 * DAY},
	            {INCIDENT_PPC_FINAL, 30 * DAY}};
	struct incident_state s;
	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		const int64_t last = known + edge[i].latest;
		static const int64_t at[] = {-1000, -1, 0, 1, 1000};
		for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
			state_at(last + at[k], &s);
			const struct incident_deadline *d = &s.deadlines[edge[i].report];
			assert_int_equal(d->latest_ms, last);
			if (d->overdue != (at[k] > 0))
				fail_msg("report %d at latest %+lld ms: overdue %d", edge[i].report, (long long)at[k],
				         d->overdue);
			assert_false(d->late); /* not made: never late, only overdue */
			incident_state_release(&s);
		}
	}
	state_at(known, &s);
	assert_int_equal(s.deadlines[INCIDENT_PPC_PRELIMINARY].due_ms, known + 3 * DAY);
	assert_int_equal(s.deadlines[INCIDENT_PPC_FINAL].due_ms, known + 30 * DAY);
	incident_state_release(&s);
}

/* The same edges when malicious: the final report at 60 days, not 30 (overdue from 60 days + 1 ms). */
static void test_deadline_edges_malicious(void **state)
{
	(void)state;
	declare(INCIDENT_F_MALICIOUS);
	struct incident_state s;
	static const int64_t at[] = {30 * DAY + 1, 60 * DAY - 1000, 60 * DAY, 60 * DAY + 1, 60 * DAY + 1000};
	for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
		state_at(known + at[k], &s);
		const struct incident_deadline *d = &s.deadlines[INCIDENT_PPC_FINAL];
		assert_int_equal(d->due_ms, known + 60 * DAY);
		assert_int_equal(d->latest_ms, known + 60 * DAY);
		assert_int_equal(d->overdue, at[k] > 60 * DAY);
		assert_true(d->applies);
		incident_state_release(&s);
	}
}

/* Late at the edges: a report made at its last moment is in time, one made a millisecond or a second after it is
 * late; a report due at once (MHLW, police) is never marked late, only overdue until made. One incident a case. */
static void test_late_edges(void **state)
{
	(void)state;
	static const struct {
		const char *report;
		int r;
		int64_t made;
		int late;
	} c[] = {
	        {"ppc-preliminary", INCIDENT_PPC_PRELIMINARY, 3 * DAY, 0},
	        {"ppc-preliminary", INCIDENT_PPC_PRELIMINARY, 5 * DAY - 1000, 0},
	        {"ppc-preliminary", INCIDENT_PPC_PRELIMINARY, 5 * DAY, 0},
	        {"ppc-preliminary", INCIDENT_PPC_PRELIMINARY, 5 * DAY + 1, 1},
	        {"ppc-preliminary", INCIDENT_PPC_PRELIMINARY, 5 * DAY + 1000, 1},
	        {"ppc-final", INCIDENT_PPC_FINAL, 30 * DAY, 0},
	        {"ppc-final", INCIDENT_PPC_FINAL, 30 * DAY + 1, 1},
	        {"mhlw", INCIDENT_MHLW, DAY, 0},
	        {"police", INCIDENT_POLICE, 2 * DAY, 0},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int64_t id =
		        append((struct incident_new){.type = INCIDENT_T_DECLARE, .text = "停止", .known_at_ms = known});
		int64_t made = append((struct incident_new){.type = INCIDENT_T_NOTE,
		                                            .kind = "contact",
		                                            .text = "報告",
		                                            .report = c[i].report,
		                                            .at_ms = known + c[i].made});
		struct incident_state s;
		assert_int_equal(incident_state(f, id, 0, known + 90 * DAY, &s), 0);
		const struct incident_deadline *d = &s.deadlines[c[i].r];
		assert_int_equal(d->done_seq, made);
		assert_int_equal(d->done_ms, known + c[i].made);
		assert_false(d->overdue);
		if (d->late != c[i].late)
			fail_msg("%s made at %+lld ms: late %d, want %d", c[i].report, (long long)c[i].made, d->late,
			         c[i].late);
		incident_state_release(&s);
		append((struct incident_new){.type = INCIDENT_T_CLOSE, .text = "終了"});
	}
}

/* The newest entries, oldest first, for any count: even and odd, fewer than asked, and none asked for. */
static void test_latest_order(void **state)
{
	(void)state;
	declare(0);
	for (int i = 2; i <= 7; i++) {
		char text[16];
		snprintf(text, sizeof(text), "note %d", i);
		append((struct incident_new){.type = INCIDENT_T_NOTE, .kind = "fact", .text = text});
	}
	for (size_t want = 0; want <= 9; want++) {
		struct incident_state s;
		assert_int_equal(incident_state(f, 0, want, known, &s), 0);
		size_t n = want < 7 ? want : 7;
		assert_int_equal(s.nlatest, n);
		for (size_t i = 0; i < n; i++)
			if (s.latest[i].seq != (int64_t)(7 - n + 1 + i))
				fail_msg("%zu asked: latest[%zu] is #%lld", want, i, (long long)s.latest[i].seq);
		assert_int_equal(s.entries, 7);
		assert_int_equal(s.head_seq, 7);
		incident_state_release(&s);
	}
}

static void test_malicious_and_drill(void **state)
{
	(void)state;
	declare(INCIDENT_F_MALICIOUS | INCIDENT_F_DRILL);
	struct incident_state s;
	state_at(known + 31 * DAY, &s);
	assert_int_equal(s.deadlines[INCIDENT_PPC_FINAL].due_ms, known + 60 * DAY);
	assert_false(s.deadlines[INCIDENT_PPC_FINAL].overdue);
	assert_false(s.deadlines[INCIDENT_PPC_FINAL].applies); /* a drill reports nothing */
	assert_int_equal(s.declared.flags, INCIDENT_F_MALICIOUS | INCIDENT_F_DRILL);
	incident_state_release(&s);
}

static void test_report_made(void **state)
{
	(void)state;
	declare(0);
	int64_t made = append((struct incident_new){
	        .type = INCIDENT_T_NOTE, .kind = "contact", .text = "厚労省へ第一報", .report = "mhlw"});
	struct incident_state s;
	state_at(known + DAY, &s);
	assert_int_equal(s.deadlines[INCIDENT_MHLW].done_seq, made);
	assert_false(s.deadlines[INCIDENT_MHLW].overdue);
	assert_true(s.deadlines[INCIDENT_POLICE].overdue);
	incident_state_release(&s);
	/* the note was wrong (the call did not go through): its correction withdraws it */
	append((struct incident_new){
	        .type = INCIDENT_T_NOTE, .kind = "contact", .text = "電話は不通だった", .ref = made});
	state_at(known + DAY, &s);
	assert_int_equal(s.deadlines[INCIDENT_MHLW].done_seq, 0);
	assert_true(s.deadlines[INCIDENT_MHLW].overdue);
	incident_state_release(&s);
	/* a preliminary report made on day 6 was late, and stays marked so */
	append((struct incident_new){.type = INCIDENT_T_NOTE,
	                             .kind = "contact",
	                             .text = "個情委 速報",
	                             .report = "ppc-preliminary",
	                             .at_ms = known + 6 * DAY});
	state_at(known + 7 * DAY, &s);
	assert_int_not_equal(s.deadlines[INCIDENT_PPC_PRELIMINARY].done_seq, 0);
	assert_false(s.deadlines[INCIDENT_PPC_PRELIMINARY].overdue);
	assert_true(s.deadlines[INCIDENT_PPC_PRELIMINARY].late);
	assert_false(s.deadlines[INCIDENT_MHLW].late);
	incident_state_release(&s);
}

static void test_phase_and_decisions(void **state)
{
	(void)state;
	declare(0);
	struct incident_state s;
	state_at(lb_now_ms(), &s);
	assert_int_equal(s.phase, INCIDENT_DETECTION);
	assert_int_equal(s.ndecisions, 0);
	incident_state_release(&s);
	append((struct incident_new){.type = INCIDENT_T_PHASE, .kind = "initial", .text = "initial"});
	int64_t stop = append((struct incident_new){
	        .type = INCIDENT_T_NOTE, .kind = "decision", .team = "hq", .text = "外来新規受付を停止"});
	int64_t move = append((struct incident_new){
	        .type = INCIDENT_T_NOTE, .kind = "decision", .team = "hq", .text = "救急受入を停止"});
	append((struct incident_new){
	        .type = INCIDENT_T_NOTE, .kind = "decision", .text = "外来新規受付を再開", .ref = stop});
	state_at(lb_now_ms(), &s);
	assert_int_equal(s.phase, INCIDENT_INITIAL);
	assert_int_equal(s.ndecisions, 2);
	assert_int_equal(s.decisions[0].seq, move);
	assert_string_equal(s.decisions[1].text, "外来新規受付を再開");
	assert_int_equal(s.entries, 5);
	assert_int_equal(s.nlatest, 5);
	assert_int_equal(s.latest[0].seq, 1); /* oldest first */
	assert_int_equal(s.latest[4].seq, 5);
	assert_int_equal(s.head_seq, 5);
	assert_memory_equal(s.head, s.latest[4].hash, INCIDENT_HASH_LEN);
	incident_state_release(&s);
	int64_t by;
	assert_int_equal(incident_corrected_by(f, stop, &by), 1);
	assert_int_equal(by, 5);
	assert_int_equal(incident_corrected_by(f, move, &by), 0);
}

static void test_closed_and_list(void **state)
{
	(void)state;
	declare(INCIDENT_F_DRILL);
	append((struct incident_new){.type = INCIDENT_T_CLOSE, .text = "closed"});
	struct incident_state s;
	lb_set_lang(LB_LANG_EN);
	assert_int_equal(incident_state(f, 0, 5, lb_now_ms(), &s), -LB_ENOTFOUND);
	assert_non_null(strstr(lb_errmsg(), "no open incident")); /* said as such, not as "no incident #0" */
	assert_non_null(strstr(lb_errmsg(), "--id N"));
	assert_int_equal(incident_state(f, 1, 5, lb_now_ms(), &s), 0);
	assert_int_equal(s.closed_seq, 2);
	incident_state_release(&s);
	assert_int_equal(incident_state(f, 2, 5, lb_now_ms(), &s), -LB_ENOTFOUND); /* #2 is no incident */
	declare(0);
	struct incident_list l;
	assert_int_equal(incident_list(f, &l), 0);
	assert_int_equal(l.n, 2);
	assert_true(l.v[0].closed_ms != 0);
	assert_int_equal(l.v[1].closed_ms, 0);
	assert_int_equal(l.v[1].declared.seq, 3);
	incident_list_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_deadlines, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_deadline_edges, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_deadline_edges_malicious, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_late_edges, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_latest_order, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_malicious_and_drill, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_report_made, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_phase_and_decisions, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_closed_and_list, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
