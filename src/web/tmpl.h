/* SPDX-License-Identifier: MIT */
/* tmpl.h -- page templates (the .html files of src/web/templates, compiled in) with escaped placeholders */
#ifndef LC_WEB_TMPL_H
#define LC_WEB_TMPL_H

#include <stddef.h>

#include "util/embed.h"
#include "web/html.h"

/*
 * A template is HTML with placeholders "{{name}}". What a placeholder turns
 * into depends on the value's type, never on the template: TMPL_TEXT is
 * escaped text, TMPL_HTML a fragment built by web/html.c. So no string can
 * reach a page unescaped by a slip in a template. A placeholder without a
 * value, or a value the template does not use, is an error (caught by every
 * test that renders the page).
 */

typedef enum { TMPL_TEXT, TMPL_HTML } tmpl_kind_t;

typedef struct tmpl_var {
	const char *name;
	tmpl_kind_t kind;
	const char *text;   /**< TMPL_TEXT (NULL renders as empty) */
	const html_t *html; /**< TMPL_HTML */
} tmpl_var_t;

#define TMPL_T(n, s) { (n), TMPL_TEXT, (s), NULL }
#define TMPL_H(n, f) { (n), TMPL_HTML, NULL, (f) }

/** The compiled-in files (templates, stylesheet): written by scripts/embed.sh. */
extern const embed_file_t web_files[];

/**
 * Render a template into out.
 * @param name file name under src/web/templates ("home.html").
 * @return LC_EOK; LC_ENOENT (no such template); LC_EINVAL (unknown placeholder, or a
 *         value not used); or out's error (LC_ELIMIT, LC_ENOMEM).
 */
int tmpl_render(html_t *out, const char *name, const tmpl_var_t *vars, size_t var_cnt);

#endif
