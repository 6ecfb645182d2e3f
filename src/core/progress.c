/*
 * progress.c - one progress line on stderr, only on a terminal, redrawn at most ten times a second.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROGRESS_INTERVAL_NS 100000000LL

static void decide(struct lb_progress *p)
{
	const char *env = getenv("LIFEBOAT_PROGRESS");
	p->enabled = isatty(2) && !(env && !strcmp(env, "0"));
	p->decided = 1;
	p->start_ns = lb_mono_ns();
}

static void amount(struct buf *b, const struct lb_progress *p, uint64_t n)
{
	if (p->bytes)
		lb_format_bytes(b, n);
	else
		buf_addf(b, "%llu", (unsigned long long)n);
}

static void draw(struct lb_progress *p, int64_t now)
{
	struct buf line = {0};
	double secs = (double)(now - p->start_ns) / 1e9;
	buf_addf(&line, "\r%s ", p->label ? p->label : "");
	if (p->total) {
		uint64_t done = p->done > p->total ? p->total : p->done;
		int pct = (int)(done * 100 / p->total);
		int fill = (int)(done * 20 / p->total);
		buf_addf(&line, "%3d%% [", pct);
		for (int i = 0; i < 20; i++)
			buf_addch(&line, i < fill ? '#' : ' ');
		buf_adds(&line, "] ");
		amount(&line, p, done);
		buf_adds(&line, " / ");
		amount(&line, p, p->total);
		if (secs > 0.5 && done > 0 && done < p->total) {
			double eta = secs * (double)(p->total - done) / (double)done;
			buf_addf(&line, "  ETA %d:%02d", (int)eta / 60, (int)eta % 60);
		}
	} else {
		amount(&line, p, p->done);
	}
	if (secs > 0.5) {
		buf_adds(&line, "  ");
		amount(&line, p, (uint64_t)((double)p->done / secs));
		buf_adds(&line, "/s");
	}
	buf_adds(&line, "\x1b[K");
	fputs(line.data, stderr);
	fflush(stderr);
	buf_release(&line);
	p->drawn = 1;
	p->last_ns = now;
}

void lb_progress_update(struct lb_progress *p, uint64_t done)
{
	if (!p->decided)
		decide(p);
	p->done = done;
	if (!p->enabled)
		return;
	int64_t now = lb_mono_ns();
	if (now - p->last_ns >= PROGRESS_INTERVAL_NS)
		draw(p, now);
}

void lb_progress_add(struct lb_progress *p, uint64_t delta)
{
	lb_progress_update(p, p->done + delta);
}

void lb_progress_done(struct lb_progress *p)
{
	if (!p->decided || !p->enabled)
		return;
	draw(p, lb_mono_ns());
	fputc('\n', stderr);
	p->drawn = 0;
}
