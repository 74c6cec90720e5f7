/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host kernel's configuration, read as libbpf reads it for .kconfig
 * externs: /boot/config-$(uname -r), else /proc/config.gz. A program that
 * reads CONFIG_BPF_JIT gets the same answer as under libbpf on this host.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <zlib.h>

#include "elf_internal.h"

struct kconfig_line {
	char *name;
	char *value;
};

static struct kconfig_line *lines;
static size_t n_lines;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Keep "CONFIG_X=value" lines only: "# CONFIG_X is not set" leaves X unset, as libbpf. */
static void
add_line(char *buf)
{
	char *eq, *end;
	struct kconfig_line *nl;

	if (strncmp(buf, "CONFIG_", 7) != 0 || (eq = strchr(buf, '=')) == NULL)
		return;
	end = buf + strlen(buf);
	while (end > eq && (end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	*eq = '\0';
	nl = realloc(lines, (n_lines + 1) * sizeof(*nl));
	if (nl == NULL)
		return;
	lines = nl;
	lines[n_lines].name = strdup(buf);
	lines[n_lines].value = strdup(eq + 1);
	if (lines[n_lines].name && lines[n_lines].value)
		n_lines++;
}

static void
load_config(void)
{
	char path[300], buf[4096];
	struct utsname u;
	gzFile gz;

	/* gzopen reads plain files too, so one reader serves both sources. */
	gz = NULL;
	if (uname(&u) == 0) {
		snprintf(path, sizeof(path), "/boot/config-%s", u.release);
		gz = gzopen(path, "r");
	}
	if (gz == NULL)
		gz = gzopen("/proc/config.gz", "r");
	if (gz == NULL)
		return;
	while (gzgets(gz, buf, sizeof(buf)) != NULL)
		add_line(buf);
	gzclose(gz);
}

/* Find "name=value" in the caller's override text; copy the value into @p buf. */
static const char *
text_value(const char *text, const char *name, char *buf, size_t size)
{
	size_t nl = strlen(name);

	for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (len > nl + 1 && strncmp(line, name, nl) == 0 && line[nl] == '=') {
			len -= nl + 1;
			if (len >= size)
				len = size - 1;
			memcpy(buf, line + nl + 1, len);
			buf[len] = '\0';
			while (len > 0 && buf[len - 1] == '\r')
				buf[--len] = '\0';
			return buf;
		}
	}
	return NULL;
}

const char *
xdpdk_elf_kconfig_value(const char *text, const char *name, char *buf, size_t size)
{
	const char *v = text ? text_value(text, name, buf, size) : NULL;

	if (v != NULL)
		return v;
	pthread_once(&once, load_config);
	for (size_t i = 0; i < n_lines; i++)
		if (strcmp(lines[i].name, name) == 0)
			return lines[i].value;
	return NULL;
}
