#include "dyd.h"
#include "json_out.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

char *json_print(const cJSON *value, bool pretty)
{
	char *text = cJSON_PrintUnformatted(value), *p;
	strbuf sb = STRBUF_INIT;
	bool in_string = false;
	unsigned depth = 0, i;

	if (!text)
		return NULL;
	/* cJSON's formatted output indents with tabs and puts a tab after
	 * each colon; re-indent its compact output instead. Only structure
	 * outside strings is touched. */
	for (p = text; *p; p++) {
		char c = *p;
		if (in_string) {
			strbuf_putc(&sb, c);
			if (c == '\\' && p[1]) {
				strbuf_putc(&sb, *++p);
			} else if (c == '"') {
				in_string = false;
			}
			continue;
		}
		if (!pretty) {
			strbuf_putc(&sb, c);
			if (c == '"')
				in_string = true;
			continue;
		}
		switch (c) {
		case '"':
			in_string = true;
			strbuf_putc(&sb, c);
			break;
		case '{':
		case '[':
			strbuf_putc(&sb, c);
			if (p[1] == (c == '{' ? '}' : ']')) {
				strbuf_putc(&sb, *++p);
				break;
			}
			depth++;
			strbuf_putc(&sb, '\n');
			for (i = 0; i < depth; i++)
				strbuf_puts(&sb, "  ");
			break;
		case '}':
		case ']':
			depth--;
			strbuf_putc(&sb, '\n');
			for (i = 0; i < depth; i++)
				strbuf_puts(&sb, "  ");
			strbuf_putc(&sb, c);
			break;
		case ',':
			strbuf_putc(&sb, ',');
			strbuf_putc(&sb, '\n');
			for (i = 0; i < depth; i++)
				strbuf_puts(&sb, "  ");
			break;
		case ':':
			strbuf_puts(&sb, ": ");
			break;
		default:
			strbuf_putc(&sb, c);
		}
	}
	strbuf_putc(&sb, '\n');
	cJSON_free(text);
	return strbuf_detach(&sb);
}

bool json_add_time(cJSON *obj, const char *key, int64_t t)
{
	char buf[DYD_TIME_BUFSIZE];

	dyd_time_format(t, buf);
	return cJSON_AddStringToObject(obj, key, buf) != NULL;
}
