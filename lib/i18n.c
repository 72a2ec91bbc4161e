/* SPDX-License-Identifier: MIT */
#include "i18n.h"
#include "doc.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char embedded_messages[];
extern const size_t embedded_messages_size;

/* The languages of the catalog, as dyd_language_supported knows them. */
static const char *const catalog_langs[] = {"en", "id"};
#define CATALOG_LANGS (sizeof(catalog_langs) / sizeof(*catalog_langs))

/* The reports look up a few hundred keys each. A scan of the catalog's
 * members per lookup showed in profiles; so, once it was a hash table over
 * the parsed tree, did cache misses on slots, keys and texts spread over
 * the tree's arena, as other work between two reports evicts them. So the
 * index is compact: slots of 8 bytes, and per key one record that holds
 * the key and, right after it, what i18n_get answers in each language. */
typedef struct i18n_record {
	const doc_node *node; /* for a language the records have no text of */
	/* Offset from the record of the text for each of catalog_langs;
	 * 0 where i18n_get answers the key itself. */
	uint32_t text[CATALOG_LANGS];
	uint32_t len;
	char key[]; /* NUL-terminated; the texts follow */
} i18n_record;

typedef struct i18n_slot {
	uint32_t hash;
	uint32_t at; /* offset of the record in the pool + 1; 0: empty */
} i18n_slot;

static pthread_mutex_t catalog_lock = PTHREAD_MUTEX_INITIALIZER;
/* Read-only once loaded; never freed, as they live as long as the process.
 * i18n_load publishes them under the lock, and every user calls it first. */
static doc *catalog;
static i18n_slot *slots;
static size_t slot_mask; /* slot count - 1; the count is a power of two */
static char *pool;	 /* the records, 8-byte aligned */

/* A word at a time: a byte-wise hash was a chain of multiplies as long
 * as the key. */
static uint32_t key_hash(const char *key, size_t len)
{
	const uint64_t mul = UINT64_C(0xff51afd7ed558ccd);
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ len, w;

	for (; len >= 8; key += 8, len -= 8) {
		memcpy(&w, key, 8);
		h = (h ^ w) * mul;
		h ^= h >> 32;
	}
	if (len) {
		w = 0;
		memcpy(&w, key, len);
		h = (h ^ w) * mul;
	}
	h ^= h >> 29;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 32;
	return (uint32_t)h;
}

/* The text of entry in lang, else in English; NULL if neither. */
static const char *entry_text(const doc_node *entry, const char *lang)
{
	const doc_node *text = NULL;

	if (lang)
		text = doc_get(entry, lang);
	if (!doc_is_text(text))
		text = doc_get(entry, "en");
	return doc_is_text(text) ? text->text : NULL;
}

static const i18n_record *find_record(const i18n_slot *table, size_t mask,
				      const char *records, const char *key,
				      size_t len, uint32_t hash)
{
	size_t j;

	for (j = hash & mask; table[j].at; j = (j + 1) & mask) {
		const i18n_record *r;
		if (table[j].hash != hash)
			continue;
		r = (const i18n_record *)(records + table[j].at - 1);
		if (r->len == len && memcmp(r->key, key, len) == 0)
			return r;
	}
	return NULL;
}

/* The bytes of the record for member m, texts[] being its texts. */
static size_t record_size(const doc_member *m, const char **texts)
{
	size_t size = offsetof(i18n_record, key) + m->key_len + 1, k;

	for (k = 0; k < CATALOG_LANGS; k++) {
		texts[k] = entry_text(m->value, catalog_langs[k]);
		/* A language without its own text shares English's. */
		if (texts[k] && (k == 0 || texts[k] != texts[0]))
			size += strlen(texts[k]) + 1;
	}
	return (size + 7) & ~(size_t)7;
}

/* Builds the index of root's members. A key that appears twice keeps its
 * first entry, as doc_get would find. */
static int build_index(const doc_node *root)
{
	size_t count = root && root->type == DOC_OBJECT ? root->count : 0;
	size_t size = 16, bytes = 0, used = 0, i, j, k;
	const char *texts[CATALOG_LANGS];
	i18n_slot *table;
	char *records;

	while (size < count * 2)
		size *= 2;
	for (i = 0; i < count; i++)
		bytes += record_size(&root->members[i], texts);
	if (bytes >= UINT32_MAX)
		return DYD_ENOMEM;
	table = calloc(size, sizeof(*table));
	records = malloc(bytes ? bytes : 1);
	if (!table || !records) {
		free(table);
		free(records);
		return DYD_ENOMEM;
	}
	for (i = 0; i < count; i++) {
		const doc_member *m = &root->members[i];
		uint32_t h = key_hash(m->key, m->key_len);
		size_t rsize = record_size(m, texts), at;
		i18n_record *r;

		if (find_record(table, size - 1, records, m->key, m->key_len,
				h))
			continue;
		for (j = h & (size - 1); table[j].at; j = (j + 1) & (size - 1))
			;
		r = (i18n_record *)(records + used);
		r->node = m->value;
		r->len = (uint32_t)m->key_len;
		memcpy(r->key, m->key, m->key_len);
		r->key[m->key_len] = '\0';
		at = offsetof(i18n_record, key) + m->key_len + 1;
		for (k = 0; k < CATALOG_LANGS; k++) {
			if (!texts[k]) {
				r->text[k] = 0;
			} else if (k > 0 && texts[k] == texts[0]) {
				r->text[k] = r->text[0];
			} else {
				size_t n = strlen(texts[k]) + 1;
				memcpy((char *)r + at, texts[k], n);
				r->text[k] = (uint32_t)at;
				at += n;
			}
		}
		table[j].hash = h;
		table[j].at = (uint32_t)used + 1;
		used += rsize;
	}
	slots = table;
	slot_mask = size - 1;
	pool = records;
	return 0;
}

int i18n_load(void)
{
	const doc_limits limits = {8, 10000, 65536, 0};
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
			rc = build_index(d->root);
		if (rc == 0) {
			catalog = d;
		} else {
			doc_free(d);
			rc = DYD_ENOMEM;
		}
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

const char *i18n_language_for(const char *tag)
{
	const char *lang = dyd_language_pick(tag);

	return lang ? lang : "en";
}

const char *i18n_plural(const char *lang, unsigned long long n)
{
	/* CLDR's rules: en "one" for i = 1 with no visible fraction, which
	 * is every whole count 1; id has only "other". */
	if (lang && strcmp(lang, "en") == 0 && n == 1)
		return "one";
	return "other";
}

const char *i18n_get(const char *lang, const char *key)
{
	const i18n_record *r;
	const char *text;
	size_t len, k;

	if (!catalog)
		return key;
	len = strlen(key);
	r = find_record(slots, slot_mask, pool, key, len, key_hash(key, len));
	if (!r)
		return key;
	for (k = 0; lang && k < CATALOG_LANGS; k++)
		if (strcmp(lang, catalog_langs[k]) == 0)
			break;
	if (lang && k < CATALOG_LANGS)
		text = r->text[k] ? (const char *)r + r->text[k] : NULL;
	else /* a language the records have no text of */
		text = entry_text(r->node, lang);
	return text ? text : key;
}

void i18n_expand(strbuf *sb, const char *t, i18n_put_fn put,
		 const char *const *vars)
{
	const char *open, *close;
	size_t i, name_len;

	while ((open = strchr(t, '{')) && (close = strchr(open, '}'))) {
		strbuf_append(sb, t, (size_t)(open - t));
		name_len = (size_t)(close - open - 1);
		for (i = 0; vars && vars[i]; i += 2)
			if (strncmp(vars[i], open + 1, name_len) == 0 &&
			    vars[i][name_len] == '\0')
				break;
		if (vars && vars[i])
			put(sb, vars[i + 1] ? vars[i + 1] : "");
		else
			strbuf_append(sb, open, (size_t)(close - open + 1));
		t = close + 1;
	}
	strbuf_puts(sb, t);
}

void i18n_format(strbuf *sb, const char *lang, const char *key, i18n_put_fn put,
		 const char *const *vars)
{
	i18n_expand(sb, i18n_get(lang, key), put, vars);
}
