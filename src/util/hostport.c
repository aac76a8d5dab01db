/* SPDX-License-Identifier: MIT */
/* hostport.c -- numeric "ADDR:PORT" parsing and formatting */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/hostport.h"

int hostport_parse(const char *text, struct sockaddr_storage *out, socklen_t *out_len)
{
	char buf[128];
	size_t len = strcspn(text, ",");
	while (len > 0 && text[0] == ' ') {
		text++;
		len--;
	}
	while (len > 0 && text[len - 1] == ' ') {
		len--;
	}
	if (len == 0 || len >= sizeof(buf)) {
		return LC_EINVAL;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';

	char *host = buf;
	char *colon;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (close == NULL || close[1] != ':') {
			return LC_EINVAL;
		}
		*close = '\0';
		host = buf + 1;
		colon = close + 1;
	} else {
		colon = strrchr(buf, ':');
		if (colon == NULL) {
			return LC_EINVAL;
		}
		*colon = '\0';
		if (strchr(buf, ':') != NULL) {
			return LC_EINVAL; /* an IPv6 address needs brackets: "[::1]:53" */
		}
	}
	const char *port_text = colon + 1;
	if (*port_text == '\0' || strspn(port_text, "0123456789") != strlen(port_text) ||
	    strlen(port_text) > 5) {
		return LC_EINVAL;
	}
	long port = strtol(port_text, NULL, 10);
	if (port < 1 || port > 65535) {
		return LC_EINVAL;
	}

	memset(out, 0, sizeof(*out));
	struct sockaddr_in *in = (struct sockaddr_in *)out;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		*out_len = sizeof(*in);
		return LC_EOK;
	}
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*out_len = sizeof(*in6);
		return LC_EOK;
	}
	return LC_EINVAL;
}

void hostport_format(const struct sockaddr *sa, char *out, size_t out_size)
{
	char a[INET6_ADDRSTRLEN];
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(out, out_size, "%s:%u", a, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(out, out_size, "[%s]:%u", a, ntohs(in6->sin6_port));
	} else {
		snprintf(out, out_size, "?");
	}
}
