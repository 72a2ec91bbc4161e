/* SPDX-License-Identifier: MIT */
/* The account record format (dyd.account/v1): its fields, and the rules
 * of its values that need no policy. The leaf that record validation, the
 * policy lint and the renderers all read. */
#include "account.h"

#include <arpa/inet.h>
#include <string.h>

static const char *const audiences[] = {"everyone", "contacts",
					"contacts_except", "nobody", NULL};
static const char *const disappearing[] = {"off", "24h", "7d", "90d", NULL};
static const char *const hostings[] = {"parent", "partner", "self", NULL};
static const char *const roles[] = {"member", "admin", "creator", NULL};

static const field_spec profile_fields[] = {
    {"display_name", FIELD_TEXT, false, NULL, NULL},
    {"about", FIELD_TEXT, false, NULL, NULL},
    {"photo", FIELD_TEXT, false, NULL, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const field_spec device_fields[] = {
    {"model", FIELD_TEXT, false, NULL, NULL},
    {"os", FIELD_TEXT, false, NULL, NULL},
    {"app_version", FIELD_TEXT, false, NULL, NULL},
    {"carrier", FIELD_TEXT, false, NULL, NULL},
    {"last_ip", FIELD_IP, false, NULL, NULL},
    {"last_seen", FIELD_TIME, false, NULL, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const field_spec settings_fields[] = {
    {"last_seen", FIELD_ENUM, false, audiences, NULL},
    {"profile_photo", FIELD_ENUM, false, audiences, NULL},
    {"about", FIELD_ENUM, false, audiences, NULL},
    {"groups", FIELD_ENUM, false, audiences, NULL},
    {"status", FIELD_ENUM, false, audiences, NULL},
    {"read_receipts", FIELD_BOOL, false, NULL, NULL},
    {"disappearing_messages", FIELD_ENUM, false, disappearing, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const field_spec group_fields[] = {
    {"id", FIELD_TEXT, true, NULL, NULL},
    {"name", FIELD_TEXT, false, NULL, NULL},
    {"role", FIELD_ENUM, false, roles, NULL},
    {"joined_at", FIELD_TIME, false, NULL, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const field_spec business_chat_fields[] = {
    {"business_id", FIELD_TEXT, true, NULL, NULL},
    {"name", FIELD_TEXT, false, NULL, NULL},
    {"hosting", FIELD_ENUM, true, hostings, NULL},
    {"first_contact_at", FIELD_TIME, false, NULL, NULL},
    {"last_contact_at", FIELD_TIME, false, NULL, NULL},
    {"message_count", FIELD_COUNT, false, NULL, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const field_spec transaction_fields[] = {
    {"id", FIELD_TEXT, true, NULL, NULL},
    {"at", FIELD_TIME, true, NULL, NULL},
    {"amount", FIELD_NUMBER, false, NULL, NULL},
    {"currency", FIELD_CURRENCY, false, NULL, NULL},
    {"merchant", FIELD_TEXT, false, NULL, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const char *const event_types[] = {"terms_accepted", "optout", "optin",
					  NULL};
static const char *const channels[] = {"checkbox", "settings", "support", NULL};

static const field_spec event_fields[] = {
    {"type", FIELD_ENUM, true, event_types, NULL},
    {"at", FIELD_TIME, true, NULL, NULL},
    {"terms", FIELD_TEXT, false, NULL, NULL},
    {"channel", FIELD_ENUM, false, channels, NULL},
    {NULL, 0, false, NULL, NULL},
};

/* What each kind of event carries, for the normalised account data. */
static const field_spec terms_event_fields[] = {
    {"type", FIELD_ENUM, true, event_types, NULL},
    {"at", FIELD_TIME, true, NULL, NULL},
    {"terms", FIELD_TEXT, true, NULL, NULL},
    {NULL, 0, false, NULL, NULL},
};

static const field_spec choice_event_fields[] = {
    {"type", FIELD_ENUM, true, event_types, NULL},
    {"at", FIELD_TIME, true, NULL, NULL},
    {"channel", FIELD_ENUM, true, channels, NULL},
    {NULL, 0, false, NULL, NULL},
};

const field_spec *record_event_fields(const doc_node *event)
{
	const doc_node *type = doc_get(event, "type");

	if (doc_is_text(type) && strcmp(type->text, "terms_accepted") == 0)
		return terms_event_fields;
	return choice_event_fields;
}

const field_spec record_fields[] = {
    {"format", FIELD_TEXT, false, NULL, NULL},
    {"account_id", FIELD_ACCOUNT_ID, true, NULL, NULL},
    {"phone", FIELD_PHONE, true, NULL, NULL},
    {"registered_at", FIELD_TIME, true, NULL, NULL},
    {"region", FIELD_COUNTRY, false, NULL, NULL},
    {"language", FIELD_LANGUAGE, false, NULL, NULL},
    {"events", FIELD_EVENT_LIST, false, NULL, event_fields},
    {"profile", FIELD_OBJECT, false, NULL, profile_fields},
    {"devices", FIELD_OBJECT_LIST, false, NULL, device_fields},
    {"settings", FIELD_OBJECT, false, NULL, settings_fields},
    {"contacts", FIELD_PHONE_LIST, false, NULL, NULL},
    {"blocked", FIELD_PHONE_LIST, false, NULL, NULL},
    {"groups", FIELD_OBJECT_LIST, false, NULL, group_fields},
    {"business_chats", FIELD_OBJECT_LIST, false, NULL, business_chat_fields},
    {"transactions", FIELD_OBJECT_LIST, false, NULL, transaction_fields},
    {NULL, 0, false, NULL, NULL},
};

size_t account_list_limit(const field_spec *f)
{
	return f->kind == FIELD_PHONE_LIST ? ACCOUNT_MAX_PHONES
					   : ACCOUNT_MAX_OBJECTS;
}

const field_spec *account_field_in(const field_spec *table, const char *name,
				   size_t len)
{
	for (; table && table->name; table++)
		if (strlen(table->name) == len &&
		    memcmp(table->name, name, len) == 0)
			return table;
	return NULL;
}

const field_spec *record_field_find(const char *path, const field_spec **parent)
{
	const char *dot = strchr(path, '.');
	const field_spec *top;

	if (parent)
		*parent = NULL;
	if (!dot)
		return account_field_in(record_fields, path, strlen(path));
	top = account_field_in(record_fields, path, (size_t)(dot - path));
	if (!top || !top->sub || top->kind == FIELD_EVENT_LIST)
		return NULL;
	if (parent)
		*parent = top;
	return account_field_in(top->sub, dot + 1, strlen(dot + 1));
}

static const char iso3166[] =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBV"
    "BWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERES"
    "ETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIE"
    "ILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLY"
    "MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNU"
    "NZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSM"
    "SNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVE"
    "VGVIVNVUWFWSYEYTZAZMZW";

bool iso3166_alpha2_known(const char *code, size_t len)
{
	size_t i;

	if (len != 2)
		return false;
	for (i = 0; i + 1 < sizeof(iso3166); i += 2)
		if (iso3166[i] == code[0] && iso3166[i + 1] == code[1])
			return true;
	return false;
}

bool account_phone_valid(const char *s, size_t len)
{
	size_t i;

	if (len < 3 || len > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return false;
	for (i = 2; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool account_id_valid(const char *s, size_t len)
{
	size_t i;

	if (len < 1 || len > 128)
		return false;
	if ((len == 1 && s[0] == '.') ||
	    (len == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

bool account_language_valid(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len && s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i < 2 || i > 3)
		return false;
	while (i < len) {
		if (s[i++] != '-')
			return false;
		n = 0;
		while (i < len && ((s[i] >= 'a' && s[i] <= 'z') ||
				   (s[i] >= 'A' && s[i] <= 'Z') ||
				   (s[i] >= '0' && s[i] <= '9')))
			i++, n++;
		if (n < 2 || n > 8)
			return false;
	}
	return true;
}

bool account_ip_valid(const char *s, size_t len)
{
	unsigned char buf[16];
	char buf_text[64];

	if (len >= sizeof(buf_text))
		return false;
	memcpy(buf_text, s, len);
	buf_text[len] = 0;
	return inet_pton(AF_INET, buf_text, buf) == 1 ||
	       inet_pton(AF_INET6, buf_text, buf) == 1;
}

bool account_decimal_valid(const char *s, size_t len)
{
	size_t i = len && s[0] == '-' ? 1 : 0, start = i;

	if (len > 64 || i >= len)
		return false;
	if (s[i] == '0' && i + 1 < len && s[i + 1] != '.')
		return false;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == start)
		return false;
	if (i == len)
		return true;
	if (s[i++] != '.' || i == len)
		return false;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i == len;
}

bool account_currency_valid(const char *s, size_t len)
{
	return len == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
	       s[1] <= 'Z' && s[2] >= 'A' && s[2] <= 'Z';
}
