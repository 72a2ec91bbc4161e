/* Printing cJSON trees the way dyd's outputs look: 2-space indent, keys in
 * insertion order, UTF-8 unescaped, a final newline. */
#ifndef DYD_JSON_OUT_H
#define DYD_JSON_OUT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

/* Returns a malloc'd string, or NULL when out of memory. */
char *json_print(const cJSON *value, bool pretty);

/* Adds a timestamp string member; false when out of memory. */
bool json_add_time(cJSON *obj, const char *key, int64_t t);

#endif
