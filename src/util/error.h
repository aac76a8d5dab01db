/* SPDX-License-Identifier: MIT */
/* error.h -- project-wide error codes (negative; 0 is success) */
#ifndef LC_UTIL_ERROR_H
#define LC_UTIL_ERROR_H

#include <errno.h>

/*
 * Anything that can fail returns int: LC_EOK or a negative LC_E* code.
 * Codes that mirror errno equal -errno; project codes start at -1000
 * (Knot's scheme).
 */
enum {
	LC_EOK = 0,
	LC_ENOMEM = -ENOMEM,
	LC_EINVAL = -EINVAL,   /**< bad argument or input value */
	LC_ENOENT = -ENOENT,   /**< no such object */
	LC_EEXIST = -EEXIST,   /**< object exists (or existed: labels are never reissued) */
	LC_ERANGE = -ERANGE,   /**< value out of range */
	LC_EACCES = -EACCES,   /**< not allowed (allowfrom, wrong key) */
	LC_EIO = -EIO,         /**< I/O failure */
	LC_EBUSY = -EBUSY,     /**< a bounded resource is in use (e.g. password hashing); retry soon */
	LC_EMALF = -1000,      /**< malformed input (packet, JSON, config) */
	LC_ESPACE = -1001,     /**< output buffer too small */
	LC_EDB = -1002,        /**< storage failure */
	LC_ELIMIT = -1003,     /**< a configured limit was reached */
	LC_EAUTH = -1004,      /**< credentials missing or wrong */
	LC_ETHROTTLE = -1005,  /**< rate limited; try later */
};

/**
 * Describe an error code in plain words.
 * @param code an LC_E* code (or any negative errno).
 * @return a static string; never NULL.
 */
const char *lc_strerror(int code);

#endif
