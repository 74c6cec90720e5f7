/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket's server: one thread accepting on a unix socket, one
 * request per connection, run by the owner's handler with its output caught
 * in memory streams. Nothing a peer sends can stop the server: a malformed
 * request gets an error reply, a stalled or vanished peer is dropped after
 * the timeout, a peer of another user is refused before it is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <xdpdk/control.h>

#include "control_internal.h"

struct xdpdk_ctl_server {
	int fd;
	int stop_pipe[2];
	pthread_t thread;
	xdpdk_ctl_handler fn;
	void *arg;
	bool allow_other_users;
	bool has_group;
	gid_t gid;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct xdpdk_ctl_stats stats;	/* written by the thread; read with atomics */
};

static void
count(uint64_t *c)
{
	__atomic_add_fetch(c, 1, __ATOMIC_RELAXED);
}

static int
send_reply(int fd, int rc, const char *out, size_t out_len, const char *err, size_t err_len)
{
	uint8_t hdr[12], mid[4];
	int ret;

	xdpdk_ctl_put_u32(hdr, (uint32_t)(4 + 4 + out_len + 4 + err_len));
	xdpdk_ctl_put_u32(hdr + 4, (uint32_t)rc);
	xdpdk_ctl_put_u32(hdr + 8, (uint32_t)out_len);
	xdpdk_ctl_put_u32(mid, (uint32_t)err_len);
	ret = xdpdk_ctl_write_full(fd, hdr, sizeof(hdr));
	if (ret == 0)
		ret = xdpdk_ctl_write_full(fd, out, out_len);
	if (ret == 0)
		ret = xdpdk_ctl_write_full(fd, mid, sizeof(mid));
	if (ret == 0)
		ret = xdpdk_ctl_write_full(fd, err, err_len);
	return ret;
}

static int
send_error(int fd, int rc, const char *msg)
{
	return send_reply(fd, rc, "", 0, msg, strlen(msg));
}

/* Whether the peer is in group @p gid: its primary group, or one of its others. */
static bool
peer_in_group(int fd, const struct ucred *cred, gid_t gid)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);

	if (cred->gid == gid)
		return true;
	/* the groups the peer had when it connected (Linux 4.13+) */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) != 0)
		return false;
	for (size_t i = 0; i < len / sizeof(groups[0]); i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/*
 * A peer of another user may not drive the dataplane (root may, and the
 * members of the server's group). @p why: the refusal, for the peer.
 */
static bool
peer_allowed(const struct xdpdk_ctl_server *s, int fd, char *why, size_t size)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (s->allow_other_users)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		snprintf(why, size, "xdpdk: the control socket refuses other users (cannot tell "
			 "who the peer is: %s)\n", strerror(errno));
		return false;
	}
	if (cred.uid == 0 || cred.uid == geteuid() ||
	    (s->has_group && peer_in_group(fd, &cred, s->gid)))
		return true;
	if (s->has_group)
		snprintf(why, size, "xdpdk: the control socket refuses other users: uid %u is not "
			 "the dataplane's (uid %u), root, or in group %u\n", (unsigned int)cred.uid,
			 (unsigned int)geteuid(), (unsigned int)s->gid);
	else
		snprintf(why, size, "xdpdk: the control socket refuses other users: uid %u is not "
			 "the dataplane's (uid %u) or root (see control.group)\n",
			 (unsigned int)cred.uid, (unsigned int)geteuid());
	return false;
}

static void
serve_one(struct xdpdk_ctl_server *s, int fd)
{
	uint8_t lenbuf[4], *body = NULL;
	char **argv = NULL, *out = NULL, *err = NULL;
	size_t out_len = 0, err_len = 0;
	const char *why = NULL;
	FILE *fo = NULL, *fe = NULL;
	char refusal[256];
	uint32_t len;
	int argc, rc;

	if (!peer_allowed(s, fd, refusal, sizeof(refusal))) {
		count(&s->stats.refused);
		send_error(fd, 1, refusal);
		return;
	}
	if (xdpdk_ctl_read_full(fd, lenbuf, 4) != 0) {
		count(&s->stats.aborted);
		return;
	}
	len = xdpdk_ctl_get_u32(lenbuf);
	if (len < 4 || len > XDPDK_CTL_MAX_REQUEST) {
		count(&s->stats.malformed);
		send_error(fd, 2, "xdpdk: malformed control request: bad request length\n");
		return;
	}
	body = malloc(len);
	if (body == NULL) {
		send_error(fd, 1, "xdpdk: out of memory\n");
		return;
	}
	if (xdpdk_ctl_read_full(fd, body, len) != 0) {
		count(&s->stats.aborted);
		free(body);
		return;
	}
	if (xdpdk_ctl_request_decode(body, len, &argc, &argv, &why) != 0) {
		char msg[128];

		free(body);
		count(&s->stats.malformed);
		snprintf(msg, sizeof(msg), "xdpdk: malformed control request: %s\n", why);
		send_error(fd, 2, msg);
		return;
	}
	free(body);
	fo = open_memstream(&out, &out_len);
	fe = open_memstream(&err, &err_len);
	if (fo == NULL || fe == NULL) {
		rc = 1;
	} else {
		rc = s->fn(argc, argv, fo, fe, s->arg);
	}
	if (fo != NULL)
		fclose(fo);
	if (fe != NULL)
		fclose(fe);
	count(&s->stats.served);
	if (send_reply(fd, rc, out ? out : "", out ? out_len : 0, err ? err : "",
		       err ? err_len : 0) != 0)
		count(&s->stats.aborted);
	free(out);
	free(err);
	free(argv);
}

/*
 * Close without losing the reply: a peer still sending (a request we refused
 * early) would otherwise get a reset that discards the reply unread.
 */
static void
linger_close(int fd)
{
	char sink[4096];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int budget = 64;

	shutdown(fd, SHUT_WR);
	while (budget-- > 0 && poll(&p, 1, 100) > 0 && read(fd, sink, sizeof(sink)) > 0)
		;
	close(fd);
}

static void *
server_thread(void *p)
{
	struct xdpdk_ctl_server *s = p;

	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = s->fd, .events = POLLIN },
			{ .fd = s->stop_pipe[0], .events = POLLIN },
		};
		int c;

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents != 0)
			break;
		c = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		serve_one(s, c);
		linger_close(c);
	}
	return NULL;
}

int
xdpdk_ctl_server_start(const char *path, const struct xdpdk_ctl_server_opts *opts,
		       xdpdk_ctl_handler fn, void *arg, struct xdpdk_ctl_server **out)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct xdpdk_ctl_server *s;
	unsigned int mode = opts != NULL && opts->mode != 0 ? opts->mode : 0600;
	int ret;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->fn = fn;
	s->arg = arg;
	s->allow_other_users = opts != NULL && opts->allow_other_users;
	s->has_group = opts != NULL && opts->has_group;
	s->gid = s->has_group ? (gid_t)opts->gid : (gid_t)-1;
	snprintf(s->path, sizeof(s->path), "%s", path);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	s->stop_pipe[0] = s->stop_pipe[1] = -1;
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || pipe2(s->stop_pipe, O_CLOEXEC) != 0)
		goto err;
	unlink(path);	/* a stale socket of an earlier run */
	/* Created with the final permissions: never reachable by others, even briefly. */
	{
		mode_t old = umask(0777 & ~mode);

		ret = bind(s->fd, (struct sockaddr *)&addr, sizeof(addr));
		umask(old);
	}
	/* the group's members reach the file through its group bits */
	if (ret != 0 || (s->has_group && chown(path, (uid_t)-1, s->gid) != 0) ||
	    chmod(path, mode) != 0 || listen(s->fd, 16) != 0)
		goto err;
	ret = pthread_create(&s->thread, NULL, server_thread, s);
	if (ret != 0) {
		errno = ret;
		unlink(path);
		goto err;
	}
	pthread_setname_np(s->thread, "xdpdk-ctl");
	*out = s;
	return 0;
err:
	ret = -errno;
	if (s->fd >= 0)
		close(s->fd);
	if (s->stop_pipe[0] >= 0) {
		close(s->stop_pipe[0]);
		close(s->stop_pipe[1]);
	}
	free(s);
	return ret;
}

void
xdpdk_ctl_server_stop(struct xdpdk_ctl_server *s)
{
	if (s == NULL)
		return;
	if (write(s->stop_pipe[1], "x", 1) != 1)
		pthread_cancel(s->thread);
	pthread_join(s->thread, NULL);
	close(s->fd);
	close(s->stop_pipe[0]);
	close(s->stop_pipe[1]);
	unlink(s->path);
	free(s);
}

void
xdpdk_ctl_server_stats(const struct xdpdk_ctl_server *s, struct xdpdk_ctl_stats *st)
{
	st->served = __atomic_load_n(&s->stats.served, __ATOMIC_RELAXED);
	st->malformed = __atomic_load_n(&s->stats.malformed, __ATOMIC_RELAXED);
	st->refused = __atomic_load_n(&s->stats.refused, __ATOMIC_RELAXED);
	st->aborted = __atomic_load_n(&s->stats.aborted, __ATOMIC_RELAXED);
}
