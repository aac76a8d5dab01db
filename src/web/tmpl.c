/* SPDX-License-Identifier: MIT */
/* tmpl.c -- fill "{{name}}" placeholders of compiled-in templates */
#include <stdbool.h>
#include <string.h>

#include "util/error.h"
#include "util/log.h"
#include "web/tmpl.h"

#define VARS_MAX 32

int tmpl_render(html_t *out, const char *name, const tmpl_var_t *vars, size_t var_cnt)
{
	const embed_file_t *f = embed_find(web_files, name);
	bool used[VARS_MAX] = { false };
	if (f == NULL) {
		log_err("web: no template %s", name);
		return LC_ENOENT;
	}
	if (var_cnt > VARS_MAX) {
		return LC_EINVAL;
	}
	const char *p = (const char *)f->data;
	const char *end = p + f->len;
	while (p < end) {
		const char *open = strstr(p, "{{");
		if (open == NULL || open >= end) {
			html_raw_n(out, p, (size_t)(end - p));
			break;
		}
		html_raw_n(out, p, (size_t)(open - p));
		const char *close = strstr(open + 2, "}}");
		if (close == NULL) {
			log_err("web: template %s: \"{{\" without \"}}\"", name);
			return LC_EINVAL;
		}
		size_t nlen = (size_t)(close - open - 2);
		size_t i = 0;
		while (i < var_cnt && (strlen(vars[i].name) != nlen ||
				       memcmp(vars[i].name, open + 2, nlen) != 0)) {
			i++;
		}
		if (i == var_cnt) {
			log_err("web: template %s: no value for {{%.*s}}", name, (int)nlen, open + 2);
			return LC_EINVAL;
		}
		used[i] = true;
		if (vars[i].kind == TMPL_TEXT) {
			html_text(out, vars[i].text);
		} else {
			html_append(out, vars[i].html);
		}
		p = close + 2;
	}
	for (size_t i = 0; i < var_cnt; i++) {
		if (!used[i]) {
			log_err("web: template %s does not use {{%s}}", name, vars[i].name);
			return LC_EINVAL;
		}
	}
	return out->err;
}
