/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The control socket: a running dataplane serves requests on a unix socket,
 * and the same `xdpdk` binary is the client. A request is a command line
 * (`map lookup name counters key 00000000`) that the server runs against its
 * live state; the reply is the exit code and what the command printed on its
 * standard output and error, so a remote verb behaves exactly like a local one.
 *
 * Wire format (little-endian):
 *   request: u32 length of what follows, u32 argc, argc NUL-terminated strings
 *   reply:   u32 length of what follows, i32 exit code, u32 n, n bytes of
 *            output, u32 m, m bytes of error output
 * The server refuses peers of another user (SO_PEERCRED; root, and the
 * members of a group it is given, are allowed) unless told not to,
 * answers malformed requests with exit code 2 and a message, and gives up on
 * a peer that stalls for XDPDK_CTL_TIMEOUT_MS.
 */
#ifndef XDPDK_CONTROL_H
#define XDPDK_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest request (bytes after the length word) and number of arguments. */
#define XDPDK_CTL_MAX_REQUEST (64u * 1024)
#define XDPDK_CTL_MAX_ARGS 256u
/** Largest reply the client accepts. */
#define XDPDK_CTL_MAX_REPLY (64u * 1024 * 1024)
/** How long either side waits for the other. */
#define XDPDK_CTL_TIMEOUT_MS 5000

/**
 * Runs one request: @p argv[0] is the verb. Output goes to @p out and @p err
 * (memory streams); the return value is the exit code sent back.
 */
typedef int (*xdpdk_ctl_handler)(int argc, char **argv, FILE *out, FILE *err, void *arg);

struct xdpdk_ctl_server;

/** Options of xdpdk_ctl_server_start(). */
struct xdpdk_ctl_server_opts {
	unsigned int mode;		/**< socket file permissions; 0 means 0600 */
	bool allow_other_users;		/**< else peers of another uid are refused (root is not) */
	/**
	 * Also allow the members of group @p gid (primary or supplementary,
	 * SO_PEERGROUPS); the socket file is given to that group.
	 */
	bool has_group;
	unsigned int gid;
};

/** Counters of a server. */
struct xdpdk_ctl_stats {
	uint64_t served;		/**< requests answered (any exit code) */
	uint64_t malformed;		/**< answered with "malformed request" */
	uint64_t refused;		/**< peers of another user */
	uint64_t aborted;		/**< peers that left or stalled mid-request */
};

/**
 * Serve @p path (an existing socket file there is replaced) on a thread of
 * its own, one request per connection, calling @p fn for each.
 * @return 0; -errno of socket/bind/listen/chmod/pthread_create.
 */
int xdpdk_ctl_server_start(const char *path, const struct xdpdk_ctl_server_opts *opts,
			   xdpdk_ctl_handler fn, void *arg, struct xdpdk_ctl_server **out);

/** Stop serving (a request in progress is finished), remove the socket file, free. */
void xdpdk_ctl_server_stop(struct xdpdk_ctl_server *s);

void xdpdk_ctl_server_stats(const struct xdpdk_ctl_server *s, struct xdpdk_ctl_stats *st);

/** A reply as the client gets it. */
struct xdpdk_ctl_reply {
	int rc;
	char *out;		/**< NUL-terminated (the NUL is not counted in out_len) */
	size_t out_len;
	char *err;
	size_t err_len;
};

/**
 * Send @p argv to the server at @p path and wait for its reply.
 * @return 0 and *@p r (free it with xdpdk_ctl_reply_free); -ENOENT/-ECONNREFUSED
 *   (no server), -ETIMEDOUT, -EPROTO (a malformed reply), -ENOMEM.
 */
int xdpdk_ctl_call(const char *path, int argc, char *const argv[], struct xdpdk_ctl_reply *r);
void xdpdk_ctl_reply_free(struct xdpdk_ctl_reply *r);

/**
 * Encode @p argv as a request (with its length word) into a malloc'd buffer.
 * @return 0; -E2BIG beyond the limits; -ENOMEM.
 */
int xdpdk_ctl_request_encode(int argc, char *const argv[], uint8_t **buf, size_t *len);

/**
 * Decode the request body @p buf (without its length word): *@p argv is one
 * malloc'd block (free(*argv)) of argc + 1 pointers and the strings.
 * @return 0; -EPROTO with a reason in @p why when malformed.
 */
int xdpdk_ctl_request_decode(const uint8_t *buf, size_t len, int *argc, char ***argv,
			     const char **why);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_CONTROL_H */
