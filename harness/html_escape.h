/* HTML text for the rzbench pages: a string with &, <, > and " escaped, safe in SVG text and in
 * attribute values alike. */
#ifndef RZB_HTML_ESCAPE_H
#define RZB_HTML_ESCAPE_H

#include <stdio.h>

void rzb_html_escape(const char *s, FILE *out);

#endif
