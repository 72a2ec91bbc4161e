/* SPDX-License-Identifier: MIT */
/* One document tree for JSON and YAML input, with source positions where
 * the parser knows them (libyaml does, cJSON does not). */
#ifndef DYD_DOC_H
#define DYD_DOC_H

#include "dyd.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	DOC_NULL,
	DOC_BOOL,
	DOC_NUMBER,
	DOC_STRING,
	DOC_ARRAY,
	DOC_OBJECT,
} doc_type;

typedef struct doc_node doc_node;

typedef struct doc_member {
	const char *key;
	size_t key_len;
	unsigned line, column;
	doc_node *value;
} doc_member;

struct doc_node {
	doc_type type;
	/* An unquoted YAML scalar: its type was resolved from text, which is
	 * kept, so a field that wants a string can still take `+62812...`. */
	bool plain;
	unsigned line, column; /* 1-based; 0 when unknown */
	const char *text;      /* DOC_STRING value, or a plain scalar */
	size_t len;
	double number;
	bool boolean;
	size_t count;
	doc_node **items;    /* DOC_ARRAY */
	doc_member *members; /* DOC_OBJECT, in document order */
};

typedef struct doc_limits {
	unsigned max_depth; /* at most DOC_MAX_DEPTH */
	size_t max_items;   /* per array or object */
	size_t max_string;  /* bytes per string or key */
	/* Values in the whole document (every string, number, boolean,
	 * null, array and object; keys are not values); 0: no limit. The
	 * tree costs about 200 bytes a value, so this, not the byte size,
	 * bounds its memory: 16 MiB of "[]," would be 5 million values. */
	size_t max_values;
} doc_limits;

#define DOC_MAX_DEPTH 64

/* What dyd-account(5) documents. 250,000 values is twelve times the
 * record of 20,000 contacts that bench/gen_records.py calls heavy, and
 * costs some 50 MiB to hold. */
#define DOC_LIMITS_RECORD                                                      \
	{                                                                      \
		32, 100000, 65536, 250000                                      \
	}

typedef struct doc doc;

struct arena;

struct doc {
	struct arena *arena;
	doc_node *root;
};

/* Parse exactly one document. name is used in diagnostics. */
int doc_parse_json(doc **out, const char *data, size_t len, const char *name,
		   const doc_limits *limits, dyd_diags *diags);
int doc_parse_yaml(doc **out, const char *data, size_t len, const char *name,
		   const doc_limits *limits, dyd_diags *diags);
/* Reports each key of obj that appears twice; false if any did. */
bool doc_check_duplicates(const doc_node *obj, const char *name,
			  const char *pointer, dyd_diags *diags,
			  bool *out_of_memory);

/* JSON when the first significant byte is '{' or '[', else YAML. */
bool doc_looks_like_json(const char *data, size_t len);

/* The format of a file by its name: ".json" and ".jsonl" are JSON,
 * ".yaml" and ".yml" YAML (flow style too: "{a: b}" is YAML), anything
 * else by doc_looks_like_json(). */
dyd_format doc_format_of(const char *name, const char *data, size_t len);

/* What doc_json_scan() found wrong, at offset. */
typedef enum {
	DOC_SCAN_OK,
	DOC_SCAN_NUL_ESCAPE, /* "\u0000" in a string */
	DOC_SCAN_TOO_DEEP,   /* past max_depth */
	DOC_SCAN_TOO_MANY,   /* past max_values */
} doc_scan_problem;

typedef struct doc_scan {
	doc_scan_problem problem;
	size_t offset; /* of the byte where the problem was seen */
	size_t values; /* counted up to there */
	bool unclosed; /* the text ends inside a string or a container */
} doc_scan;

/*
 * A lexical pass over JSON text before any parser builds a tree: nesting
 * depth and the number of values against limits (max_items and
 * max_string are not looked at), and NUL escapes, in one linear pass
 * with no allocation. The count is exact for valid JSON. Encoding is not
 * checked (doc_check_bytes() does that).
 */
void doc_json_scan(const char *data, size_t len, const doc_limits *limits,
		   doc_scan *out);

void doc_free(doc *d);

const doc_node *doc_get(const doc_node *object, const char *key);
/* A string, or a plain YAML scalar standing where a string is wanted. */
bool doc_is_text(const doc_node *node);
/* A number, or a plain YAML scalar that reads as one. */
bool doc_is_number(const doc_node *node);
const char *doc_type_name(const doc_node *node);

/* Renders the tree as a cJSON value (strings, numbers, booleans, null); the
 * caller owns it. Plain scalars keep their resolved type. NULL on ENOMEM. */
struct cJSON *doc_to_cjson(const doc_node *node);

/* Arena: nodes and strings of one document live and die together. */
struct arena *arena_new(void);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);

struct position {
	unsigned line, column;
};

/* Line and column (1-based, columns in characters) of byte offset off. */
struct position position_of(const char *data, size_t off);

/* Rejects invalid UTF-8 and NUL bytes with their position. */
int doc_check_bytes(const char *data, size_t len, const char *name,
		    dyd_diags *diags);

/* Validates UTF-8 (no overlongs, surrogates or code points past U+10FFFF);
 * returns the offset of the first bad byte, or len when all is well. */
size_t utf8_check(const char *s, size_t len);

#endif
