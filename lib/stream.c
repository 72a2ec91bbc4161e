/* SPDX-License-Identifier: MIT */
#include "stream.h"
#include "diag.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

enum stream_kind { STREAM_JSONL, STREAM_YAML, STREAM_DIR, STREAM_ONE };

struct record_stream {
	enum stream_kind kind;
	char *name; /* for locations */
	/* files */
	gzFile gz;
	int fd;
	uint64_t size;
	unsigned line; /* lines read so far */
	char *ahead;   /* bytes read to sniff a pipe, handed out first */
	size_t ahead_len;
	char *pending; /* YAML: the "---" line that starts the next document */
	size_t pending_len;
	unsigned pending_line;
	bool eof;
	bool reported_truncation;
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

int record_stream_open(record_stream **out, const char *path, dyd_diags *diags)
{
	bool is_stdin = strcmp(path, "-") == 0;
	record_stream *s;
	struct stat st;
	char head[4096];
	int n, i, rc;

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
		if (rc) {
			record_stream_close(s);
			return rc;
		}
		*out = s;
		return 0;
	}
	s->fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		diag_add(diags, DYD_ERROR, s->name, 0, 0, NULL,
			 "cannot open: %s", strerror(errno));
		record_stream_close(s);
		return DYD_EIO;
	}
	if (fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode))
		s->size = (uint64_t)st.st_size;
	/* zlib reads plain files through the same calls: gzip is detected
	 * by its magic bytes, not by the name. */
	s->gz = gzdopen(s->fd, "rb");
	if (!s->gz) {
		record_stream_close(s);
		return DYD_ENOMEM;
	}
	s->fd = -1; /* owned by s->gz now */
	gzbuffer(s->gz, 128 * 1024);
	if (has_suffix(path, ".yaml") || has_suffix(path, ".yml") ||
	    has_suffix(path, ".yaml.gz") || has_suffix(path, ".yml.gz")) {
		s->kind = STREAM_YAML;
	} else if (has_suffix(path, ".jsonl") || has_suffix(path, ".ndjson") ||
		   has_suffix(path, ".jsonl.gz") ||
		   has_suffix(path, ".ndjson.gz")) {
		s->kind = STREAM_JSONL;
	} else if (has_suffix(path, ".json") || has_suffix(path, ".json.gz")) {
		/* A .json file is one record, pretty-printed or not. */
		s->kind = STREAM_ONE;
	} else {
		/* Sniff: JSON Lines start with '{'. The bytes go back. */
		n = gzread(s->gz, head, sizeof(head));
		s->kind = STREAM_YAML;
		for (i = 0; i < n; i++) {
			if (head[i] == ' ' || head[i] == '\t' ||
			    head[i] == '\r' || head[i] == '\n')
				continue;
			if (head[i] == '{')
				s->kind = STREAM_JSONL;
			break;
		}
		if (n > 0 && gzrewind(s->gz) != 0 && is_stdin) {
			/* A pipe cannot rewind; keep what was read. */
			s->ahead = malloc((size_t)n);
			if (!s->ahead) {
				record_stream_close(s);
				return DYD_ENOMEM;
			}
			memcpy(s->ahead, head, (size_t)n);
			s->ahead_len = (size_t)n;
		}
	}
	*out = s;
	return 0;
}

/* Reads one line (without its newline) into sb. Returns 1, 0 at the end,
 * or -1 when the line is longer than the limit (the rest of it is
 * skipped). */
static int read_line(record_stream *s, strbuf *sb, size_t limit)
{
	char chunk[65536];
	bool too_long = false;
	size_t n;

	strbuf_truncate(sb, 0);
	if (sb->data)
		sb->data[0] = '\0';
	for (;;) {
		if (s->ahead_len) {
			char *nl = memchr(s->ahead, '\n', s->ahead_len);
			size_t take =
			    nl ? (size_t)(nl - s->ahead) : s->ahead_len;
			if (!too_long && sb->len + take <= limit)
				strbuf_append(sb, s->ahead, take);
			else
				too_long = true;
			if (nl)
				take++;
			memmove(s->ahead, s->ahead + take, s->ahead_len - take);
			s->ahead_len -= take;
			if (nl) {
				s->line++;
				return too_long ? -1 : 1;
			}
			continue;
		}
		if (!gzgets(s->gz, chunk, sizeof(chunk))) {
			if (sb->len || too_long) {
				s->line++;
				return too_long ? -1 : 1;
			}
			s->eof = true;
			return 0;
		}
		n = strlen(chunk);
		if (n && chunk[n - 1] == '\n') {
			if (!too_long && sb->len + n - 1 <= limit)
				strbuf_append(sb, chunk, n - 1);
			else
				too_long = true;
			s->line++;
			return too_long ? -1 : 1;
		}
		if (!too_long && sb->len + n <= limit)
			strbuf_append(sb, chunk, n);
		else
			too_long = true;
	}
}

static bool blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
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

/* After the last line: did zlib see the end of the gzip member? zlib
 * reports a truncated file only here, not as an error of the reads. */
static int check_end(record_stream *s, stream_item *item)
{
	int err;

	gzerror(s->gz, &err);
	if (err == Z_OK || s->reported_truncation)
		return 0;
	s->reported_truncation = true;
	item->where = where(s->name, s->line + 1);
	item->error = strdup(err == Z_BUF_ERROR
				 ? "the input ends in the middle of a gzip "
				   "stream: is the file truncated?"
				 : "the gzip data is damaged");
	if (!item->where || !item->error)
		return DYD_ENOMEM;
	return 1;
}

static int next_jsonl(record_stream *s, stream_item *item)
{
	strbuf line = STRBUF_INIT;
	int r;

	for (;;) {
		r = read_line(s, &line, DYD_MAX_INPUT_BYTES);
		if (r == 0) {
			strbuf_release(&line);
			return check_end(s, item);
		}
		if (r < 0) {
			strbuf_release(&line);
			item->where = where(s->name, s->line);
			item->error =
			    strdup("line longer than the record limit "
				   "of 16 MiB; skipped");
			return item->where && item->error ? 1 : DYD_ENOMEM;
		}
		if (blank(line.data ? line.data : "", line.len))
			continue;
		if (line.failed) {
			strbuf_release(&line);
			return DYD_ENOMEM;
		}
		item->len = line.len;
		item->data = strbuf_detach(&line);
		item->format = DYD_FORMAT_JSON;
		item->where = where(s->name, s->line);
		item->line_offset = s->line - 1;
		return item->data && item->where ? 1 : DYD_ENOMEM;
	}
}

static bool is_marker(const char *line, size_t len, const char *marker)
{
	return len >= 3 && memcmp(line, marker, 3) == 0 &&
	       (len == 3 || line[3] == ' ' || line[3] == '\t' ||
		line[3] == '\r');
}

/* YAML documents split on their markers: a line starting with "---" or
 * "..." at column 0 ends any document, so the split needs no parsing. */
static int next_yaml(record_stream *s, stream_item *item)
{
	strbuf doc = STRBUF_INIT, line = STRBUF_INIT;
	unsigned first = 0;
	bool content = false, too_long = false;
	int r;

	if (s->pending) {
		/* The "---" line that ended the previous document. */
		strbuf_append(&doc, s->pending, s->pending_len);
		strbuf_putc(&doc, '\n');
		first = s->pending_line;
		content = !blank(s->pending + 3, s->pending_len - 3);
		free(s->pending);
		s->pending = NULL;
		s->pending_len = 0;
		s->pending_line = 0;
	}
	for (;;) {
		r = read_line(s, &line, DYD_MAX_INPUT_BYTES);
		if (r == 0)
			break;
		if (r > 0 && is_marker(line.data, line.len, "---")) {
			if (content || too_long) {
				s->pending_len = line.len;
				s->pending = malloc(line.len + 1);
				if (!s->pending)
					goto nomem;
				memcpy(s->pending, line.data, line.len);
				s->pending_line = s->line;
				break;
			}
			strbuf_truncate(&doc, 0);
			first = s->line;
			content = !blank(line.data + 3, line.len - 3);
		} else if (r > 0 && is_marker(line.data, line.len, "...")) {
			if (content || too_long)
				break;
			strbuf_truncate(&doc, 0);
			first = 0;
			continue;
		} else if (r > 0) {
			const char *t = line.data ? line.data : "";
			if (!first)
				first = s->line;
			/* Comments and blank lines alone are no document. */
			size_t k = 0;
			while (k < line.len && (t[k] == ' ' || t[k] == '\t'))
				k++;
			if (k < line.len && t[k] != '#' && t[k] != '\r')
				content = true;
		} else {
			too_long = true;
			if (!first)
				first = s->line;
		}
		if (!too_long) {
			strbuf_append(&doc, line.data ? line.data : "",
				      line.len);
			strbuf_putc(&doc, '\n');
			if (doc.len > DYD_MAX_INPUT_BYTES) {
				too_long = true;
				strbuf_truncate(&doc, 0);
			}
		}
	}
	strbuf_release(&line);
	if (too_long) {
		strbuf_release(&doc);
		item->where = where(s->name, first);
		item->error = strdup("document larger than the record limit "
				     "of 16 MiB; skipped");
		return item->where && item->error ? 1 : DYD_ENOMEM;
	}
	if (!content) {
		strbuf_release(&doc);
		return check_end(s, item);
	}
	if (doc.failed)
		goto nomem;
	item->len = doc.len;
	item->data = strbuf_detach(&doc);
	item->format = DYD_FORMAT_YAML;
	item->where = where(s->name, first);
	item->line_offset = first - 1;
	return item->data && item->where ? 1 : DYD_ENOMEM;
nomem:
	strbuf_release(&doc);
	strbuf_release(&line);
	return DYD_ENOMEM;
}

/* The whole (decompressed) file as one JSON record. */
static int next_whole(record_stream *s, stream_item *item)
{
	strbuf sb = STRBUF_INIT;
	char chunk[65536];
	int n;

	if (s->eof)
		return 0;
	s->eof = true;
	while ((n = gzread(s->gz, chunk, sizeof(chunk))) > 0) {
		if (sb.len + (size_t)n > DYD_MAX_INPUT_BYTES) {
			strbuf_release(&sb);
			item->where = where(s->name, 0);
			item->error =
			    strdup("file larger than the record limit "
				   "of 16 MiB");
			return item->where && item->error ? 1 : DYD_ENOMEM;
		}
		strbuf_append(&sb, chunk, (size_t)n);
	}
	if (n < 0 || check_end(s, item)) {
		strbuf_release(&sb);
		if (item->error)
			return 1;
		item->where = where(s->name, 0);
		item->error = strdup("cannot read the file");
		return item->where && item->error ? 1 : DYD_ENOMEM;
	}
	if (sb.failed)
		return DYD_ENOMEM;
	item->len = sb.len;
	item->data = strbuf_detach(&sb);
	item->format = DYD_FORMAT_JSON;
	item->where = where(s->name, 0);
	return item->data && item->where ? 1 : DYD_ENOMEM;
}

static int next_file(record_stream *s, stream_item *item, dyd_diags *diags)
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
	rc = dyd_file_read(path, DYD_MAX_INPUT_BYTES, &item->data, &item->len,
			   &local);
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
	(void)diags;
	return item->error || !rc ? 1 : DYD_ENOMEM;
}

int record_stream_next(record_stream *s, stream_item *item, dyd_diags *diags)
{
	int r = 0;

	memset(item, 0, sizeof(*item));
	switch (s->kind) {
	case STREAM_DIR:
		r = next_file(s, item, diags);
		break;
	case STREAM_JSONL:
		r = s->eof ? check_end(s, item) : next_jsonl(s, item);
		break;
	case STREAM_YAML:
		r = next_yaml(s, item);
		break;
	case STREAM_ONE:
		r = next_whole(s, item);
		break;
	}
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
	*done = s->gz ? (uint64_t)gzoffset(s->gz) : 0;
}

void record_stream_close(record_stream *s)
{
	size_t i;

	if (!s)
		return;
	if (s->gz)
		gzclose(s->gz);
	else if (s->fd >= 0)
		close(s->fd);
	for (i = 0; i < s->entry_count; i++)
		free(s->entries[i]);
	free(s->entries);
	free(s->pending);
	free(s->ahead);
	free(s->name);
	free(s);
}
