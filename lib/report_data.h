/* SPDX-License-Identifier: MIT */
/* The parts of report.html that show the record itself: the chats with
 * businesses and "your account data". */
#ifndef DYD_REPORT_DATA_H
#define DYD_REPORT_DATA_H

#include "report_page.h"

/* The business chats table, with who manages each chat. */
void data_render_business(page *pg);

/* Profile, registration, events, devices, settings, groups, contacts,
 * blocked contacts and transactions; what is dated after the report's
 * instant is marked as not counted. */
void data_render_account(page *pg);

/* The label of a listed item (its name, else its first text member). */
const doc_node *data_item_label(const doc_node *item);

#endif
