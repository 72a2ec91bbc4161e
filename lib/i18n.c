#include "i18n.h"
#include "doc.h"

#include <pthread.h>
#include <string.h>

extern const unsigned char embedded_messages[];
extern const size_t embedded_messages_size;

static pthread_mutex_t catalog_lock = PTHREAD_MUTEX_INITIALIZER;
/* Read-only once loaded; never freed, as it lives as long as the process. */
static doc *catalog;

int i18n_load(void)
{
	const doc_limits limits = {8, 10000, 65536};
	dyd_diags diags = DYD_DIAGS_INIT;
	doc *d = NULL;
	int rc = 0;

	pthread_mutex_lock(&catalog_lock);
	if (!catalog) {
		rc = doc_parse_yaml(&d, (const char *)embedded_messages,
				    embedded_messages_size, "messages.yaml",
				    &limits, &diags);
		/* The catalog is part of the build; only memory can fail. */
		if (rc == 0)
			catalog = d;
		else
			rc = DYD_ENOMEM;
	}
	pthread_mutex_unlock(&catalog_lock);
	dyd_diags_release(&diags);
	return rc;
}

bool dyd_language_supported(const char *lang)
{
	return lang && (strcmp(lang, "en") == 0 || strcmp(lang, "id") == 0);
}

const char *dyd_language_pick(const char *tag)
{
	static const char *const supported[] = {"en", "id", NULL};
	size_t i;

	for (i = 0; tag && supported[i]; i++)
		if (strncmp(tag, supported[i], 2) == 0 &&
		    (tag[2] == '\0' || tag[2] == '-'))
			return supported[i];
	return NULL;
}

const char *i18n_get(const char *lang, const char *key)
{
	const doc_node *entry, *text = NULL;

	if (!catalog)
		return key;
	entry = doc_get(catalog->root, key);
	if (lang)
		text = doc_get(entry, lang);
	if (!doc_is_text(text))
		text = doc_get(entry, "en");
	return doc_is_text(text) ? text->text : key;
}

void i18n_format(strbuf *sb, const char *lang, const char *key, i18n_put_fn put,
		 const char *const *vars)
{
	const char *t = i18n_get(lang, key), *open, *close;
	size_t i;

	while ((open = strchr(t, '{')) && (close = strchr(open, '}'))) {
		strbuf_append(sb, t, (size_t)(open - t));
		for (i = 0; vars && vars[i]; i += 2)
			if (strlen(vars[i]) == (size_t)(close - open - 1) &&
			    memcmp(vars[i], open + 1,
				   (size_t)(close - open - 1)) == 0)
				break;
		if (vars && vars[i])
			put(sb, vars[i + 1] ? vars[i + 1] : "");
		else
			strbuf_append(sb, open, (size_t)(close - open + 1));
		t = close + 1;
	}
	strbuf_puts(sb, t);
}
