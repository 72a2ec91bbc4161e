/* SPDX-License-Identifier: MIT */
/* Text for report.html: escaping for the page's two contexts, and a small
 * printf for its markup. Every string of the record or the policy reaches
 * the page through html_text or html_attr. */
#ifndef DYD_HTML_TEXT_H
#define DYD_HTML_TEXT_H

#include "strbuf.h"

/* The class of the marked escape html_text writes for an invisible
 * control ("<span class=\"ctl\">U+202E</span>"); report.css styles it. */
#define HTML_CONTROL_CLASS "ctl"

/* Appends s[0..len) as element content. The five HTML specials become
 * entities. Controls are made visible, so none can act on the text: C0
 * controls but tab, newline and return, and DEL, as their Control
 * Pictures (U+2400 block); C1 controls and the bidi controls (U+061C,
 * U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) as a marked escape
 * naming the code point. Every other byte is copied as it is. */
void html_text(strbuf *sb, const char *s, size_t len);

/* The same for an attribute value or SVG text, where no markup may go:
 * a C1 or bidi control becomes the plain text "[U+202E]". */
void html_attr(strbuf *sb, const char *s, size_t len);

static inline void html_text_str(strbuf *sb, const char *s)
{
	html_text(sb, s, strlen(s));
}

static inline void html_attr_str(strbuf *sb, const char *s)
{
	html_attr(sb, s, strlen(s));
}

/* Whether code point cp is one of the bidi controls above. */
bool html_is_bidi_control(unsigned cp);

/* strbuf_printf for markup, which only needs %s, %d, %ld, %u, %zu and
 * %%: those are formatted here at a fraction of vsnprintf's cost, and a
 * page is made of thousands of such pieces. Any other conversion hands
 * the whole format to strbuf_vprintf, so the output never differs from
 * printf's. %s values are copied as they are: escape them first. */
void html_printf(strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
