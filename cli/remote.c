/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client side of every verb a running dataplane serves (map, prog
 * attach/detach/replace/show, port, stats, route): the request is the
 * command line itself, so a remote verb prints exactly what the dataplane
 * prints for it. The server side is ctl_map.c and ctl_dp.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/control.h>

#include "cli.h"

const char *
cli_remote_socket(void)
{
	const char *sock = getenv("XDPDK_SOCKET");

	return sock != NULL && sock[0] != '\0' ? sock : CLI_DEFAULT_SOCKET;
}

static void
remote_help(const char *path, const struct cli_remote_help *h)
{
	printf("usage: %s %s [-s SOCKET]\n\n%s\n\noptions:\n"
	       "  -s, --socket PATH   the dataplane's control socket "
	       "(default $XDPDK_SOCKET or " CLI_DEFAULT_SOCKET ")\n",
	       path, h->usage, h->summary);
	if (h->json)
		printf("  -j, --json          JSON output\n");
	if (h->options != NULL)
		fputs(h->options, stdout);
}

int
cli_remote_call(const char *path, const char *sock, int argc, char **argv,
		struct xdpdk_ctl_reply *r)
{
	int ret = xdpdk_ctl_call(sock, argc, argv, r);

	if (ret == -EACCES)
		/* the socket is there, its permissions keep this user out (control.mode/group) */
		cli_err(path, "the control socket %s refuses this user (%s): it serves its owner "
			"and root, or a group given by control.group", sock, strerror(-ret));
	else if (ret != 0)
		cli_err(path, "no dataplane answers at %s (%s); start one with 'xdpdk run -c FILE'",
			sock, strerror(-ret));
	return ret;
}

int
cli_remote(const char *path, const char *family, int argc, char **argv,
	   const struct cli_remote_help *help)
{
	const char *sock = cli_remote_socket();
	char **fwd = calloc((size_t)argc + 2, sizeof(*fwd));
	int n = 0, ret;

	if (fwd == NULL)
		return CLI_FAIL;
	if (family != NULL)
		fwd[n++] = (char *)family;
	fwd[n++] = argv[0];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			remote_help(path, help);
			free(fwd);
			return CLI_OK;
		}
		if (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--socket") == 0) {
			if (i + 1 >= argc) {
				cli_err(path, "%s needs a path", argv[i]);
				free(fwd);
				return CLI_USAGE;
			}
			sock = argv[++i];
			continue;
		}
		fwd[n++] = strcmp(argv[i], "-j") == 0 ? "--json" : argv[i];
	}
	ret = cli_remote_run(path, sock, n, fwd);
	free(fwd);
	return ret;
}

int
cli_remote_run(const char *path, const char *sock, int argc, char **argv)
{
	struct xdpdk_ctl_reply r;
	int ret;

	if (cli_remote_call(path, sock != NULL ? sock : cli_remote_socket(), argc, argv, &r) != 0)
		return CLI_FAIL;
	fwrite(r.out, 1, r.out_len, stdout);
	fwrite(r.err, 1, r.err_len, stderr);
	ret = r.rc;
	xdpdk_ctl_reply_free(&r);
	return ret;
}
