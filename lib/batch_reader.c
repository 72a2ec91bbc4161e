/* SPDX-License-Identifier: MIT */
/* The batch's reader thread: the inputs, one record at a time, into the
 * ring, as fast as the committer makes room. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

void *batch_reader_main(void *arg)
{
	struct batch *b = arg;
	size_t i;

	for (i = 0; i < b->input_count; i++) {
		dyd_diags diags = DYD_DIAGS_INIT;
		record_stream *s = NULL;
		stream_item in;
		int r = record_stream_open(&s, b->inputs[i], &diags);

		if (r) {
			/* An unreadable input is one failed "record". */
			memset(&in, 0, sizeof(in));
			in.where = strdup(strcmp(b->inputs[i], "-") == 0
					      ? "<stdin>"
					      : b->inputs[i]);
			in.error = diags.count ? strdup(diags.items[0].message)
					       : strdup("cannot read");
			r = 1;
		} else {
			r = record_stream_next(s, &in, &diags);
		}
		while (r > 0) {
			batch_item *it;
			pthread_mutex_lock(&b->mu);
			while (!b->stop && b->filled - b->committed >= b->cap)
				pthread_cond_wait(&b->room_cv, &b->mu);
			if (b->stop) {
				pthread_mutex_unlock(&b->mu);
				stream_item_release(&in);
				break;
			}
			it = &b->ring[b->filled % b->cap];
			memset(it, 0, sizeof(*it));
			it->in = in;
			b->filled++;
			if (s)
				record_stream_progress(
				    s, &b->progress.input_done,
				    &b->progress.input_total);
			pthread_cond_signal(&b->work_cv);
			pthread_mutex_unlock(&b->mu);
			if (!s)
				break;
			r = record_stream_next(s, &in, &diags);
		}
		if (r < 0)
			batch_set_fatal(b,
					r == DYD_ENOMEM ? DYD_ENOMEM : DYD_EIO,
					"reading %s failed", b->inputs[i]);
		record_stream_close(s);
		dyd_diags_release(&diags);
		pthread_mutex_lock(&b->mu);
		bool stop = b->stop;
		pthread_mutex_unlock(&b->mu);
		if (stop)
			break;
	}
	pthread_mutex_lock(&b->mu);
	b->input_done = true;
	batch_wake_all(b);
	pthread_mutex_unlock(&b->mu);
	return NULL;
}
