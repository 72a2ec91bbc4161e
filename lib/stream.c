/* SPDX-License-Identifier: MIT */
/* Record streams: the input's bytes, gunzipped when they start with the
 * gzip magic, cut into lines and then into records.
 *
 * The bytes are read with read(2) and inflated with zlib's inflate()
 * here, not through gzread(): gzread() fills its whole buffer before it
 * returns, so records from a slow pipe waited for 128 KiB of others, a
 * blocked read could not notice a request to stop, and gzgets() cut a
 * line at a NUL byte without a word. Nothing is ever put back: the
 * format of a stream without a telling name is decided on its first line
 * with content, which is then used as any other line. */
#include "stream.h"
#include "diag.h"
#include "input.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

enum stream_kind {
	STREAM_SNIFF, /* not known until the first line with content */
	STREAM_JSONL,
	STREAM_YAML,
	STREAM_DIR,
	STREAM_ONE,
};

#define CHUNK (128 * 1024)
/* How often a wait for input looks whether the caller wants to stop. */
#define POLL_MS 100

/* What read_line() found in a line. */
typedef struct line_info {
	size_t bytes;  /* of the input, newline included */
	unsigned nul;  /* column of the first NUL byte, 0 if none */
	bool junk;     /* nothing but blanks and NUL bytes */
	bool overlong; /* over the limit: not kept */
	bool binary;   /* overlong with a NUL: not text; not read on */
} line_info;

struct record_stream {
	enum stream_kind kind;
	char *name; /* for locations */
	bool (*cancelled)(void *arg);
	void *cancel_arg;
	/* files */
	int fd;
	bool wait_for_input; /* a pipe, terminal or device: poll first */
	uint64_t size, consumed;
	unsigned char *raw; /* bytes as read */
	size_t raw_len, raw_pos;
	bool raw_eof, sniffed_gzip, gzip, in_member;
	z_stream z;
	bool z_ready;
	unsigned char *out;	   /* gunzipped bytes */
	const unsigned char *data; /* the bytes to hand out: raw or out */
	size_t data_len, data_pos;
	bool eof;
	const char *end_problem; /* to report after the last line */
	char read_error[128];
	bool end_reported;
	unsigned line; /* lines read so far */
	strbuf unread; /* a line read ahead, handed out next */
	line_info unread_info;
	bool have_unread;
	/* blank and NUL-only lines before the next line with content */
	unsigned run_first, run_lines;
	uint64_t run_bytes;
	bool run_nul;
	char *pending; /* YAML: the "---" line that starts the next document */
	size_t pending_len;
	unsigned pending_line;
	/* directories */
	char **entries;
	size_t entry_count, next_entry;
	uint64_t dir_done;
};

void stream_item_release(stream_item *item)
{
	free(item->data);
	free(item->where);
	free(item->file);
	free(item->error);
	memset(item, 0, sizeof(*item));
}

void record_stream_set_cancel(record_stream *s, bool (*cancelled)(void *arg),
			      void *arg)
{
	s->cancelled = cancelled;
	s->cancel_arg = arg;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int open_directory(record_stream *s, const char *path, dyd_diags *diags)
{
	DIR *dir = opendir(path);
	struct dirent *e;
	size_t cap = 0;

	if (!dir) {
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
			 "cannot open directory: %s", strerror(errno));
		return DYD_EIO;
	}
	s->kind = STREAM_DIR;
	while ((e = readdir(dir))) {
		char **grown;
		if (e->d_name[0] == '.' || !(has_suffix(e->d_name, ".json") ||
					     has_suffix(e->d_name, ".yaml") ||
					     has_suffix(e->d_name, ".yml")))
			continue;
		if (s->entry_count == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(s->entries, cap * sizeof(char *));
			if (!grown)
				goto nomem;
			s->entries = grown;
		}
		s->entries[s->entry_count] =
		    malloc(strlen(path) + strlen(e->d_name) + 2);
		if (!s->entries[s->entry_count])
			goto nomem;
		sprintf(s->entries[s->entry_count++], "%s/%s", path, e->d_name);
	}
	closedir(dir);
	/* Directory order is the filesystem's; results follow names. */
	if (s->entry_count)
		qsort(s->entries, s->entry_count, sizeof(char *),
		      compare_names);
	s->size = s->entry_count;
	return 0;
nomem:
	closedir(dir);
	return DYD_ENOMEM;
}

/* The file's descriptor: a FIFO is opened without waiting for a writer
 * (the reads wait, and can be stopped), then read as any pipe. */
static int open_file(record_stream *s, const char *path, bool is_stdin,
		     dyd_diags *diags)
{
	struct stat st;
	int flags;

	s->fd = is_stdin ? dup(STDIN_FILENO)
			 : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (s->fd < 0) {
		diag_add(diags, DYD_ERROR, s->name, 0, 0, NULL,
			 "cannot open: %s", strerror(errno));
		return DYD_EIO;
	}
	flags = fcntl(s->fd, F_GETFL);
	if (!is_stdin && flags >= 0)
		fcntl(s->fd, F_SETFL, flags & ~O_NONBLOCK);
	if (fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode))
		s->size = (uint64_t)st.st_size;
	else
		s->wait_for_input = true;
	s->raw = malloc(CHUNK);
	s->out = malloc(CHUNK);
	return s->raw && s->out ? 0 : DYD_ENOMEM;
}

static enum stream_kind kind_by_name(const char *path)
{
	static const struct {
		const char *suffix;
		enum stream_kind kind;
	} names[] = {
	    {".yaml", STREAM_YAML},
	    {".yml", STREAM_YAML},
	    {".yaml.gz", STREAM_YAML},
	    {".yml.gz", STREAM_YAML},
	    {".jsonl", STREAM_JSONL},
	    {".ndjson", STREAM_JSONL},
	    {".jsonl.gz", STREAM_JSONL},
	    {".ndjson.gz", STREAM_JSONL},
	    /* A .json file is one record, pretty-printed or not. */
	    {".json", STREAM_ONE},
	    {".json.gz", STREAM_ONE},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (has_suffix(path, names[i].suffix))
			return names[i].kind;
	return STREAM_SNIFF;
}

int record_stream_open(record_stream **out, const char *path, dyd_diags *diags)
{
	bool is_stdin = strcmp(path, "-") == 0;
	record_stream *s;
	struct stat st;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return DYD_ENOMEM;
	s->fd = -1;
	s->name = strdup(is_stdin ? "<stdin>" : path);
	if (!s->name) {
		free(s);
		return DYD_ENOMEM;
	}
	if (!is_stdin && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = open_directory(s, path, diags);
	} else {
		s->kind = is_stdin ? STREAM_SNIFF : kind_by_name(path);
		rc = open_file(s, path, is_stdin, diags);
	}
	if (rc) {
		record_stream_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* --- bytes ------------------------------------------------------------- */

static bool stop_asked(const record_stream *s)
{
	return s->cancelled && s->cancelled(s->cancel_arg);
}

/* A read failed: the input ends there, with its problem reported where
 * it stopped. 0, as at the end. */
static int read_failed(record_stream *s, int err)
{
	snprintf(s->read_error, sizeof(s->read_error), "cannot read on: %s",
		 strerror(err));
	s->end_problem = s->read_error;
	s->raw_eof = true;
	s->raw_pos = s->raw_len;
	s->in_member = false;
	return 0;
}

/* Reads the next bytes of the file after the unread ones in s->raw.
 * Returns 1, 0 at its end, or a negative DYD_E* code. A pipe is polled
 * first, so that a stop request is seen while it waits. */
static int read_raw(record_stream *s)
{
	ssize_t n;

	if (s->raw_pos) {
		memmove(s->raw, s->raw + s->raw_pos, s->raw_len - s->raw_pos);
		s->raw_len -= s->raw_pos;
		s->raw_pos = 0;
	}
	for (;;) {
		if (stop_asked(s))
			return DYD_ECANCELED;
		if (s->wait_for_input) {
			struct pollfd p = {s->fd, POLLIN, 0};
			int r = poll(&p, 1, POLL_MS);
			if (r < 0 && errno != EINTR)
				return read_failed(s, errno);
			if (r <= 0)
				continue; /* the time to look again */
		}
		n = read(s->fd, s->raw + s->raw_len, CHUNK - s->raw_len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return read_failed(s, errno);
		s->consumed += (uint64_t)n;
		s->raw_len += (size_t)n;
		if (n == 0)
			s->raw_eof = true;
		return n > 0;
	}
}

/* After a gzip member: another one, or bytes that are not gzip. */
static int next_member(record_stream *s)
{
	int r;

	while (s->raw_len - s->raw_pos < 2 && !s->raw_eof)
		if ((r = read_raw(s)) < 0)
			return r;
	if (s->raw_len == s->raw_pos)
		return 0;
	if (s->raw_len - s->raw_pos < 2 || s->raw[s->raw_pos] != 0x1f ||
	    s->raw[s->raw_pos + 1] != 0x8b) {
		s->end_problem = "data after the end of the gzip stream, "
				 "which is not gzip: not read";
		return 0;
	}
	if (inflateReset(&s->z) != Z_OK)
		return DYD_ENOMEM;
	s->in_member = true;
	return 1;
}

/* Inflates what s->raw holds into s->out. 1 with bytes, 0 at the end. */
static int inflate_some(record_stream *s)
{
	int zr, r;

	for (;;) {
		if (!s->in_member && (r = next_member(s)) <= 0)
			return r;
		if (s->raw_pos == s->raw_len) {
			if (s->raw_eof) {
				s->end_problem = "the input ends in the middle "
						 "of a gzip stream: is the "
						 "file truncated?";
				return 0;
			}
			if ((r = read_raw(s)) < 0)
				return r;
			continue;
		}
		s->z.next_in = s->raw + s->raw_pos;
		s->z.avail_in = (uInt)(s->raw_len - s->raw_pos);
		s->z.next_out = s->out;
		s->z.avail_out = CHUNK;
		zr = inflate(&s->z, Z_NO_FLUSH);
		s->raw_pos = s->raw_len - s->z.avail_in;
		s->data = s->out;
		s->data_len = CHUNK - s->z.avail_out;
		s->data_pos = 0;
		if (zr == Z_STREAM_END)
			s->in_member = false;
		else if (zr == Z_MEM_ERROR)
			return DYD_ENOMEM;
		else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			s->end_problem = "the gzip data is damaged";
			s->raw_eof = true;
			s->raw_pos = s->raw_len;
			s->in_member = false;
			return s->data_len > 0;
		}
		if (s->data_len)
			return 1;
	}
}

/* Whether the file is gzip, from its first two bytes. */
static int sniff_gzip(record_stream *s)
{
	int r;

	s->sniffed_gzip = true;
	while (s->raw_len < 2 && !s->raw_eof)
		if ((r = read_raw(s)) < 0)
			return r;
	s->gzip = s->raw_len >= 2 && s->raw[0] == 0x1f && s->raw[1] == 0x8b;
	if (!s->gzip)
		return 0;
	/* 16 + window bits: the gzip wrapper only. */
	if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK)
		return DYD_ENOMEM;
	s->z_ready = true;
	s->in_member = true;
	return 0;
}

/* Makes unread bytes available at s->data + s->data_pos: 1, or 0 at the
 * end of the input, or a negative DYD_E* code. */
static int fill(record_stream *s)
{
	int r;

	if (s->data_pos < s->data_len)
		return 1;
	if (s->eof)
		return 0;
	if (!s->sniffed_gzip && (r = sniff_gzip(s)) < 0)
		return r;
	if (s->gzip) {
		r = inflate_some(s);
	} else {
		if (s->raw_pos == s->raw_len) {
			s->raw_pos = s->raw_len = 0;
			r = s->raw_eof ? 0 : read_raw(s);
		} else {
			r = 1;
		}
		if (r > 0) {
			s->data = s->raw + s->raw_pos;
			s->data_len = s->raw_len - s->raw_pos;
			s->data_pos = 0;
			s->raw_pos = s->raw_len;
		}
	}
	if (r == 0)
		s->eof = true;
	return r;
}

/* --- lines ------------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Takes n bytes at p, a part of one line, into sb and li. */
static void take_part(strbuf *sb, line_info *li, const char *p, size_t n,
		      size_t limit)
{
	size_t i;

	if (!li->nul) {
		const char *z = memchr(p, '\0', n);
		if (z)
			li->nul = (unsigned)(li->bytes + (size_t)(z - p) + 1);
	}
	for (i = 0; li->junk && i < n; i++)
		li->junk = is_blank(p[i]) || p[i] == '\0';
	if (!li->overlong && sb->len + n <= limit)
		strbuf_append(sb, p, n);
	else
		li->overlong = true;
	li->bytes += n;
	li->binary = li->overlong && li->nul;
}

/* Reads one line, without its newline, into sb (kept up to limit bytes).
 * Returns 1, 0 at the end of the input, or a negative DYD_E* code. A line
 * over the limit with a NUL byte is not read to its end: it is binary
 * data, whose end may never come (/dev/zero). */
static int read_line(record_stream *s, strbuf *sb, line_info *li, size_t limit)
{
	int r;

	strbuf_truncate(sb, 0);
	if (sb->data)
		sb->data[0] = '\0';
	if (s->have_unread) {
		s->have_unread = false;
		strbuf_append(sb, s->unread.data ? s->unread.data : "",
			      s->unread.len);
		*li = s->unread_info;
		return 1;
	}
	memset(li, 0, sizeof(*li));
	li->junk = true;
	while ((r = fill(s)) > 0) {
		const char *p = (const char *)s->data + s->data_pos;
		size_t n = s->data_len - s->data_pos;
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;

		take_part(sb, li, p, take, limit);
		s->data_pos += take + (nl ? 1 : 0);
		if (nl) {
			li->bytes++;
			break;
		}
		if (li->binary)
			break;
	}
	if (r < 0)
		return r;
	if (r == 0 && li->bytes == 0)
		return 0;
	s->line++;
	return 1;
}

/* Keeps the line for the next read_line(). */
static void unread_line(record_stream *s, const strbuf *line,
			const line_info *li)
{
	strbuf_truncate(&s->unread, 0);
	strbuf_append(&s->unread, line->data ? line->data : "", line->len);
	s->unread_info = *li;
	s->have_unread = true;
}

static char *where(const char *name, unsigned line)
{
	strbuf sb = STRBUF_INIT;

	if (line)
		strbuf_printf(&sb, "%s:%u", name, line);
	else
		strbuf_puts(&sb, name);
	return strbuf_detach(&sb);
}

/* An item that reports a problem of the input at line (0: the file). */
static int problem(stream_item *item, const char *name, unsigned line,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int problem(stream_item *item, const char *name, unsigned line,
		   const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	item->where = where(name, line);
	item->error = strbuf_detach(&sb);
	return item->where && item->error ? 1 : DYD_ENOMEM;
}

/* The rest of the input is binary, or blank without end: it is not read,
 * and its end is not looked for. */
static int give_up(record_stream *s, stream_item *item, unsigned line,
		   const char *what)
{
	s->eof = true;
	s->data_pos = s->data_len;
	s->end_reported = true;
	return problem(item, s->name, line,
		       "%s: not a text input; the rest of it is not read",
		       what);
}

/* After the last line: what is wrong with the end of the input. */
static int check_end(record_stream *s, stream_item *item)
{
	if (!s->end_problem || s->end_reported)
		return 0;
	s->end_reported = true;
	return problem(item, s->name, s->line + 1, "%s", s->end_problem);
}

/* A run of blank and NUL-only lines ends; one that held a NUL byte is
 * reported, as a place where bytes were skipped. */
static int end_run(record_stream *s, stream_item *item)
{
	unsigned first = s->run_first, last = first + s->run_lines - 1;
	uint64_t bytes = s->run_bytes;
	bool nul = s->run_nul;

	s->run_lines = 0;
	s->run_bytes = 0;
	s->run_nul = false;
	if (!nul)
		return 0;
	if (first == last)
		return problem(item, s->name, first,
			       "a line of NUL bytes and blanks (%llu bytes), "
			       "no record: skipped",
			       (unsigned long long)bytes);
	return problem(item, s->name, first,
		       "lines %u to %u hold only NUL bytes and blanks (%llu "
		       "bytes), no record: skipped",
		       first, last, (unsigned long long)bytes);
}

/* Adds a blank or NUL-only line to the run; 1 with an item when the run
 * has grown past any record's size: the input is given up. */
static int add_to_run(record_stream *s, const line_info *li, stream_item *item)
{
	if (!s->run_lines)
		s->run_first = s->line;
	s->run_lines++;
	s->run_bytes += li->bytes;
	s->run_nul = s->run_nul || li->nul;
	if (s->run_bytes <= DYD_MAX_INPUT_BYTES)
		return 0;
	return give_up(s, item, s->run_first,
		       "more than 16 MiB of blank lines and NUL bytes");
}

/* A problem with the line itself, or 0 when it is a record to parse. */
static int line_problem(record_stream *s, const line_info *li,
			stream_item *item)
{
	if (li->binary)
		return give_up(s, item, s->line,
			       "a line of more than 16 MiB with NUL bytes");
	if (li->overlong)
		return problem(item, s->name, s->line,
			       "line longer than the record limit of 16 MiB; "
			       "skipped");
	if (li->nul)
		return problem(item, s->name, s->line,
			       "NUL byte at column %u: a record is text, "
			       "without NUL bytes; the line is skipped",
			       li->nul);
	return 0;
}

/* The next line that is not blank or NUL-only: those are added to the
 * run. 1 with the line, 0 at the end, 2 with an item when the run has
 * grown past the limit, or a negative DYD_E* code. */
static int content_line(record_stream *s, strbuf *line, line_info *li,
			stream_item *item)
{
	int r;

	while ((r = read_line(s, line, li, DYD_MAX_INPUT_BYTES)) > 0 &&
	       li->junk && !li->overlong)
		if (add_to_run(s, li, item))
			return 2;
	return r;
}

static int next_jsonl(record_stream *s, stream_item *item)
{
	strbuf line = STRBUF_INIT;
	line_info li;
	int r;

	for (;;) {
		r = content_line(s, &line, &li, item);
		if (r == 2) {
			r = 1;
			break;
		}
		if (r >= 0 && s->run_lines) {
			if (r > 0)
				unread_line(s, &line, &li);
			r = end_run(s, item);
			if (r)
				break;
			continue;
		}
		if (r <= 0) {
			if (r == 0)
				r = check_end(s, item);
			break;
		}
		r = line_problem(s, &li, item);
		if (r)
			break;
		if (line.failed) {
			r = DYD_ENOMEM;
			break;
		}
		item->len = line.len;
		item->data = strbuf_detach(&line);
		item->format = DYD_FORMAT_JSON;
		item->where = where(s->name, s->line);
		item->line_offset = s->line - 1;
		return item->data && item->where ? 1 : DYD_ENOMEM;
	}
	strbuf_release(&line);
	return r;
}

/* The format of a stream named for neither: JSON Lines if its first line
 * with content starts with '{', else YAML. The blank lines before it are
 * a run as JSON Lines has them; the line itself is read again. */
static int sniff(record_stream *s, stream_item *item)
{
	strbuf line = STRBUF_INIT;
	line_info li;
	size_t i;
	int r = content_line(s, &line, &li, item);

	s->kind = STREAM_JSONL;
	if (r == 1) {
		for (i = 0; i < line.len && is_blank(line.data[i]); i++)
			;
		if (i == line.len || line.data[i] != '{')
			s->kind = STREAM_YAML;
		unread_line(s, &line, &li);
		r = 0;
	}
	strbuf_release(&line);
	return r == 2 ? 1 : r;
}

static bool is_marker(const char *line, size_t len, const char *marker)
{
	return len >= 3 && memcmp(line, marker, 3) == 0 &&
	       (len == 3 || line[3] == ' ' || line[3] == '\t' ||
		line[3] == '\r');
}

/* A YAML document being gathered line by line. */
struct yaml_doc {
	strbuf text;
	unsigned first;
	bool content, too_long;
	unsigned nul_line, nul_column;
};

/* Adds a line that is neither marker to the document. */
static void yaml_add(record_stream *s, struct yaml_doc *d, const strbuf *line,
		     const line_info *li)
{
	const char *t = line->data ? line->data : "";
	size_t k = 0;

	if (!d->first)
		d->first = s->line;
	if (li->nul && !d->nul_line) {
		d->nul_line = s->line;
		d->nul_column = li->nul;
	}
	if (li->overlong) {
		d->too_long = true;
		return;
	}
	/* Comments and blank lines alone are no document. */
	while (k < line->len && (t[k] == ' ' || t[k] == '\t'))
		k++;
	if (k < line->len && t[k] != '#' && t[k] != '\r')
		d->content = true;
	if (d->too_long)
		return;
	strbuf_append(&d->text, t, line->len);
	strbuf_putc(&d->text, '\n');
	if (d->text.len > DYD_MAX_INPUT_BYTES) {
		d->too_long = true;
		strbuf_truncate(&d->text, 0);
	}
}

/* Starts the document with the "---" line that ended the previous one. */
static void yaml_resume(record_stream *s, struct yaml_doc *d)
{
	if (!s->pending)
		return;
	strbuf_append(&d->text, s->pending, s->pending_len);
	strbuf_putc(&d->text, '\n');
	d->first = s->pending_line;
	d->content = s->pending_len > 3 &&
		     strspn(s->pending + 3, " \t\r") < s->pending_len - 3;
	free(s->pending);
	s->pending = NULL;
	s->pending_len = 0;
	s->pending_line = 0;
}

/* Reads lines into d up to the marker that ends it, or the end. */
static int yaml_gather(record_stream *s, struct yaml_doc *d)
{
	strbuf line = STRBUF_INIT;
	line_info li;
	int r;

	while ((r = read_line(s, &line, &li, DYD_MAX_INPUT_BYTES)) > 0) {
		bool ended = d->content || d->too_long || d->nul_line;
		if (li.binary) {
			d->too_long = d->content = true;
			d->nul_line = d->nul_line ? d->nul_line : s->line;
			break;
		}
		if (!li.overlong && is_marker(line.data, line.len, "---")) {
			if (ended) {
				s->pending_len = line.len;
				s->pending = malloc(line.len + 1);
				if (!s->pending) {
					r = DYD_ENOMEM;
					break;
				}
				memcpy(s->pending, line.data, line.len);
				s->pending_line = s->line;
				break;
			}
			strbuf_truncate(&d->text, 0);
			d->first = 0;
			yaml_add(s, d, &line, &li);
			d->content =
			    line.len > 3 &&
			    strspn(line.data + 3, " \t\r") < line.len - 3;
		} else if (!li.overlong &&
			   is_marker(line.data, line.len, "...")) {
			if (ended)
				break;
			strbuf_truncate(&d->text, 0);
			d->first = 0;
		} else {
			yaml_add(s, d, &line, &li);
		}
	}
	strbuf_release(&line);
	return r < 0 ? r : 0;
}

/* YAML documents split on their markers: a line starting with "---" or
 * "..." at column 0 ends any document, so the split needs no parsing. */
static int next_yaml(record_stream *s, stream_item *item)
{
	struct yaml_doc d = {STRBUF_INIT, 0, false, false, 0, 0};
	int r;

	if (s->run_lines) {
		r = end_run(s, item);
		if (r)
			return r;
	}
	yaml_resume(s, &d);
	r = yaml_gather(s, &d);
	if (r < 0 || d.text.failed) {
		strbuf_release(&d.text);
		return r < 0 ? r : DYD_ENOMEM;
	}
	if (d.too_long && d.nul_line) {
		strbuf_release(&d.text);
		return give_up(s, item, d.first,
			       "a document of more than 16 MiB with NUL bytes");
	}
	if (d.too_long || d.nul_line) {
		strbuf_release(&d.text);
		if (d.too_long)
			return problem(item, s->name, d.first,
				       "document larger than the record limit "
				       "of 16 MiB; skipped");
		return problem(item, s->name, d.first,
			       "NUL byte at line %u, column %u: a record is "
			       "text, without NUL bytes; the document is "
			       "skipped",
			       d.nul_line, d.nul_column);
	}
	if (!d.content) {
		strbuf_release(&d.text);
		return check_end(s, item);
	}
	item->len = d.text.len;
	item->data = strbuf_detach(&d.text);
	item->format = DYD_FORMAT_YAML;
	item->where = where(s->name, d.first);
	item->line_offset = d.first - 1;
	return item->data && item->where ? 1 : DYD_ENOMEM;
}

/* The whole (gunzipped) file as one JSON record. */
static int next_whole(record_stream *s, stream_item *item)
{
	strbuf sb = STRBUF_INIT;
	int r;

	if (s->eof)
		return check_end(s, item);
	while ((r = fill(s)) > 0) {
		size_t n = s->data_len - s->data_pos;
		if (sb.len + n > DYD_MAX_INPUT_BYTES) {
			strbuf_release(&sb);
			s->eof = true;
			s->end_reported = true;
			return problem(item, s->name, 0,
				       "file larger than the record limit "
				       "of 16 MiB");
		}
		strbuf_append(&sb, (const char *)s->data + s->data_pos, n);
		s->data_pos = s->data_len;
	}
	if (r < 0 || s->end_problem) {
		strbuf_release(&sb);
		if (r < 0)
			return r;
		s->end_reported = true;
		return problem(item, s->name, 0, "%s", s->end_problem);
	}
	if (sb.failed)
		return DYD_ENOMEM;
	item->len = sb.len;
	item->data = strbuf_detach(&sb);
	item->format = DYD_FORMAT_JSON;
	item->where = where(s->name, 0);
	return item->data && item->where ? 1 : DYD_ENOMEM;
}

static int next_file(record_stream *s, stream_item *item)
{
	dyd_diags local = DYD_DIAGS_INIT;
	const char *path;
	char *line;
	int rc;

	if (s->next_entry == s->entry_count)
		return 0;
	path = s->entries[s->next_entry++];
	s->dir_done = s->next_entry;
	item->where = strdup(path);
	if (!item->where)
		return DYD_ENOMEM;
	item->format =
	    has_suffix(path, ".json") ? DYD_FORMAT_JSON : DYD_FORMAT_YAML;
	/* A FIFO or a device among the records would block the batch, or
	 * feed it without end. */
	rc =
	    input_read_at(AT_FDCWD, path, NULL, INPUT_REGULAR,
			  DYD_MAX_INPUT_BYTES, &item->data, &item->len, &local);
	if (rc == DYD_ENOMEM) {
		dyd_diags_release(&local);
		return rc;
	}
	if (rc) {
		/* An unreadable file is that record's error. */
		line = local.count ? dyd_diag_format(&local.items[0]) : NULL;
		item->error = line ? line : strdup("cannot read the file");
	}
	dyd_diags_release(&local);
	return item->error || !rc ? 1 : DYD_ENOMEM;
}

int record_stream_next(record_stream *s, stream_item *item, dyd_diags *diags)
{
	int r = 0;

	(void)diags;
	memset(item, 0, sizeof(*item));
	if (s->kind == STREAM_SNIFF) {
		r = sniff(s, item);
		if (r)
			goto out; /* a problem item, or no memory */
	}
	switch (s->kind) {
	case STREAM_DIR:
		r = next_file(s, item);
		break;
	case STREAM_JSONL:
	case STREAM_SNIFF:
		r = next_jsonl(s, item);
		break;
	case STREAM_YAML:
		r = next_yaml(s, item);
		break;
	case STREAM_ONE:
		r = next_whole(s, item);
		break;
	}
out:
	if (r < 0) {
		/* A half-made item is no item. */
		stream_item_release(item);
		return r;
	}
	if (r > 0) {
		item->file =
		    strdup(s->kind == STREAM_DIR ? item->where : s->name);
		if (!item->file) {
			stream_item_release(item);
			return DYD_ENOMEM;
		}
	}
	return r;
}

void record_stream_progress(const record_stream *s, uint64_t *done,
			    uint64_t *total)
{
	if (s->kind == STREAM_DIR) {
		*done = s->dir_done;
		*total = s->entry_count;
		return;
	}
	*total = s->size;
	*done = s->consumed;
}

void record_stream_close(record_stream *s)
{
	size_t i;

	if (!s)
		return;
	if (s->z_ready)
		inflateEnd(&s->z);
	if (s->fd >= 0)
		close(s->fd);
	for (i = 0; i < s->entry_count; i++)
		free(s->entries[i]);
	free(s->entries);
	free(s->pending);
	free(s->raw);
	free(s->out);
	strbuf_release(&s->unread);
	free(s->name);
	free(s);
}
