/* SPDX-License-Identifier: MIT */
/* hostport.h -- "ADDR:PORT" / "[V6]:PORT" text to a socket address */
#ifndef LC_UTIL_HOSTPORT_H
#define LC_UTIL_HOSTPORT_H

#include <stddef.h>
#include <sys/socket.h>

/**
 * Parse a numeric listen or peer address: "127.0.0.1:8053", "[::1]:8053".
 * Host names are not resolved. Only the text up to the first ',' is read, so
 * the first entry of a comma-separated list can be passed as is.
 * @param out     receives a sockaddr_in or sockaddr_in6.
 * @param out_len set to its length.
 * @return LC_EOK; LC_EINVAL (no port, port out of range, not an address).
 */
int hostport_parse(const char *text, struct sockaddr_storage *out, socklen_t *out_len);

/** Write "ADDR:PORT" or "[V6]:PORT" for a socket address. out_size >= 56 is always enough. */
void hostport_format(const struct sockaddr *sa, char *out, size_t out_size);

#endif
