/* SPDX-License-Identifier: MIT */
/* error.c -- text for LC_E* codes */
#include <string.h>

#include "util/error.h"

const char *lc_strerror(int code)
{
	switch (code) {
	case LC_EOK:
		return "success";
	case LC_EMALF:
		return "malformed input";
	case LC_ESPACE:
		return "not enough space";
	case LC_EDB:
		return "storage failure";
	case LC_ELIMIT:
		return "limit reached";
	case LC_EAUTH:
		return "authentication failed";
	case LC_ETHROTTLE:
		return "too many requests";
	case LC_EBUSY:
		return "too busy; try again shortly";
	default:
		break;
	}
	if (code < 0 && code > -1000) {
		return strerror(-code);
	}
	return "unknown error";
}
