/* SPDX-License-Identifier: MIT */
/* The JSON Schemas of schemas/, compiled in so `dyd schema` works without
 * the source tree. */
#include "dyd.h"

#include <string.h>

#define SCHEMA(name)                                                           \
	extern const unsigned char embedded_schema_##name[];                   \
	extern const size_t embedded_schema_##name##_size;
SCHEMA(account)
SCHEMA(decision)
SCHEMA(manifest)
SCHEMA(policy)
SCHEMA(report)
SCHEMA(results)

static const struct {
	const char *name;
	const unsigned char *data;
	const size_t *size;
} schemas[] = {
    {"account", embedded_schema_account, &embedded_schema_account_size},
    {"decision", embedded_schema_decision, &embedded_schema_decision_size},
    {"manifest", embedded_schema_manifest, &embedded_schema_manifest_size},
    {"policy", embedded_schema_policy, &embedded_schema_policy_size},
    {"report", embedded_schema_report, &embedded_schema_report_size},
    {"results", embedded_schema_results, &embedded_schema_results_size},
};

const char *dyd_schema_name(size_t i)
{
	return i < sizeof(schemas) / sizeof(schemas[0]) ? schemas[i].name
							: NULL;
}

const char *dyd_schema(const char *name, size_t *len)
{
	size_t i;

	for (i = 0; i < sizeof(schemas) / sizeof(schemas[0]); i++)
		if (strcmp(schemas[i].name, name) == 0) {
			*len = *schemas[i].size;
			return (const char *)schemas[i].data;
		}
	return NULL;
}
