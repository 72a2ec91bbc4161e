/* SPDX-License-Identifier: MIT */
/* The batch's reader thread: the inputs, one record at a time, into the
 * ring, as fast as the committer makes room, in count and in bytes. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

/* Asked by the stream while it waits for input: the run stopped. */
static bool stopped(void *arg)
{
	struct batch *b = arg;
	bool stop;

	pthread_mutex_lock(&b->mu);
	stop = b->stop;
	pthread_mutex_unlock(&b->mu);
	return stop;
}

/* Whether the ring has room for a record of len bytes (b->mu held). One
 * record always fits an empty ring, whatever its size. */
static bool room_for(const struct batch *b, size_t len)
{
	return b->filled - b->committed < b->cap &&
	       (b->ahead_bytes == 0 ||
		b->ahead_bytes + len <= BATCH_AHEAD_BYTES);
}

/* Puts the item into the ring once there is room. false when the run
 * stopped first; the item is then released. */
static bool put(struct batch *b, record_stream *s, stream_item *in)
{
	batch_item *it;

	pthread_mutex_lock(&b->mu);
	while (!b->stop && !room_for(b, in->len))
		pthread_cond_wait(&b->room_cv, &b->mu);
	if (b->stop) {
		pthread_mutex_unlock(&b->mu);
		stream_item_release(in);
		return false;
	}
	it = &b->ring[b->filled % b->cap];
	memset(it, 0, sizeof(*it));
	it->in = *in;
	it->held = in->len;
	b->ahead_bytes += in->len;
	b->filled++;
	if (s)
		record_stream_progress(s, &b->progress.input_done,
				       &b->progress.input_total);
	pthread_cond_signal(&b->work_cv);
	pthread_mutex_unlock(&b->mu);
	return true;
}

/* An input that cannot be opened is one failed "record". */
static int unreadable(stream_item *in, const char *input,
		      const dyd_diags *diags)
{
	memset(in, 0, sizeof(*in));
	in->where = strdup(strcmp(input, "-") == 0 ? "<stdin>" : input);
	in->error = diags->count ? strdup(diags->items[0].message)
				 : strdup("cannot read");
	if (in->where && in->error)
		return 1;
	stream_item_release(in);
	return DYD_ENOMEM;
}

/* Reads one input into the ring; false when the run stopped. */
static bool read_input(struct batch *b, const char *input)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	record_stream *s = NULL;
	stream_item in;
	int r = record_stream_open(&s, input, &diags);

	if (r) {
		r = unreadable(&in, input, &diags);
	} else {
		record_stream_set_cancel(s, stopped, b);
		r = record_stream_next(s, &in, &diags);
	}
	while (r > 0) {
		if (!put(b, s, &in) || !s) {
			r = 0;
			break;
		}
		r = record_stream_next(s, &in, &diags);
	}
	if (r < 0 && r != DYD_ECANCELED)
		batch_set_fatal(b, r == DYD_ENOMEM ? DYD_ENOMEM : DYD_EIO,
				"reading %s failed", input);
	record_stream_close(s);
	dyd_diags_release(&diags);
	return !stopped(b);
}

void *batch_reader_main(void *arg)
{
	struct batch *b = arg;
	size_t i;

	for (i = 0; i < b->input_count; i++)
		if (!read_input(b, b->inputs[i]))
			break;
	pthread_mutex_lock(&b->mu);
	b->input_done = true;
	batch_wake_all(b);
	pthread_mutex_unlock(&b->mu);
	return NULL;
}
