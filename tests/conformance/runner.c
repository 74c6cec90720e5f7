/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ISA conformance runner. Every *.data file of the directory given on the
 * command line is one case in the uBPF / bpf_conformance format:
 *
 *   -- asm      the program (xdpdk/asm.h syntax)
 *   -- mem      hex bytes, space separated, any number of lines
 *   -- result   the expected r0 (0x... or decimal)
 *   -- error    the expected failure: a substring of the assembler, load or
 *               run-time message (empty: any failure)
 *   -- no jit   run on the interpreter only
 *
 * Lines starting with '#' are comments. Each case runs as a RAW program
 * (r1 = a private copy of mem, r2 = its length) on the interpreter and on
 * the JIT; a program the JIT cannot compile is a failure, since the JIT is
 * meant to be complete. Each run happens in a child process so that a crash
 * or a hang fails one case rather than the run. One line per case and
 * engine, then the summary "N passed, N failed, N skipped" that CI parses.
 *
 * usage: conformance_runner DIR [PATTERN...]   (shell patterns on case names)
 * XDPDK_CONFORMANCE_NOFORK=1 runs in-process, for a debugger.
 * XDPDK_CONFORMANCE_JIT_BLIND=1 builds JIT images with constant blinding.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xdpdk/asm.h>
#include <xdpdk/bpf.h>

#include "xdpdk_config.h"

#define RUN_TIMEOUT_S 5	/* a run that takes longer is stuck in a loop */

struct test_case {
	char name[256];
	char *asm_text;
	uint8_t *mem;
	size_t mem_len;
	bool has_result;
	uint64_t result;
	bool has_error;
	char error[256];
	bool no_jit;
};

enum verdict { V_PASS, V_FAIL, V_SKIP };

/* What a run reports to the parent through the pipe. */
struct outcome {
	enum verdict verdict;
	char msg[1024];
};

static void
case_free(struct test_case *tc)
{
	free(tc->asm_text);
	free(tc->mem);
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (f == NULL)
		return NULL;
	do {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
	} while (got > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static int
append(char **s, size_t *len, const char *line)
{
	size_t l = strlen(line);
	char *ns = realloc(*s, *len + l + 2);

	if (ns == NULL)
		return -ENOMEM;
	memcpy(ns + *len, line, l);
	ns[*len + l] = '\n';
	ns[*len + l + 1] = '\0';
	*s = ns;
	*len += l + 1;
	return 0;
}

static int
parse_mem_line(struct test_case *tc, char *line, char *why, size_t why_size)
{
	for (char *tok = strtok(line, " \t"); tok != NULL; tok = strtok(NULL, " \t")) {
		char *end;
		unsigned long v = strtoul(tok, &end, 16);
		uint8_t *nm;

		if (*end != '\0' || v > 0xff) {
			snprintf(why, why_size, "bad byte '%s' in -- mem", tok);
			return -EINVAL;
		}
		nm = realloc(tc->mem, tc->mem_len + 1);
		if (nm == NULL)
			return -ENOMEM;
		tc->mem = nm;
		tc->mem[tc->mem_len++] = (uint8_t)v;
	}
	return 0;
}

static int
parse_result(struct test_case *tc, const char *s, char *why, size_t why_size)
{
	bool neg = *s == '-';
	char *end;

	if (neg)
		s++;
	/* Decimal unless 0x: a leading 0 is not octal here. */
	errno = 0;
	tc->result = strtoull(s, &end, strncmp(s, "0x", 2) == 0 ? 16 : 10);
	if (*end != '\0' || errno != 0 || tc->has_result) {
		snprintf(why, why_size, "bad or repeated -- result '%s'", s - neg);
		return -EINVAL;
	}
	if (neg)
		tc->result = 0 - tc->result;
	tc->has_result = true;
	return 0;
}

/* Parse one .data file; on error @why says what is wrong with it. */
static int
parse_case(const char *path, struct test_case *tc, char *why, size_t why_size)
{
	enum { S_NONE, S_ASM, S_MEM, S_RESULT, S_ERROR, S_NOJIT } sect = S_NONE;
	char *text = read_file(path), *line, *save = NULL;
	size_t asm_len = 0;
	int rc = 0;

	if (text == NULL) {
		snprintf(why, why_size, "cannot read: %s", strerror(errno));
		return -EIO;
	}
	for (line = strtok_r(text, "\n", &save); line != NULL && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *t = trim(line);

		if (strncmp(t, "--", 2) == 0) {
			const char *s = trim(t + 2);

			if (strcmp(s, "asm") == 0) {
				sect = S_ASM;
			} else if (strcmp(s, "mem") == 0) {
				sect = S_MEM;
			} else if (strcmp(s, "result") == 0) {
				sect = S_RESULT;
			} else if (strcmp(s, "error") == 0) {
				sect = S_ERROR;
				tc->has_error = true;
			} else if (strcmp(s, "no jit") == 0) {
				sect = S_NOJIT;
				tc->no_jit = true;
			} else {
				snprintf(why, why_size, "unknown section '-- %s'", s);
				rc = -EINVAL;
			}
			continue;
		}
		/* Comments everywhere but in asm, where the assembler keeps the line numbers. */
		if (sect == S_ASM) {
			rc = append(&tc->asm_text, &asm_len, line);
			continue;
		}
		if (*t == '\0' || *t == '#')
			continue;
		switch (sect) {
		case S_MEM:
			rc = parse_mem_line(tc, t, why, why_size);
			break;
		case S_RESULT:
			rc = parse_result(tc, t, why, why_size);
			break;
		case S_ERROR:
			if (tc->error[0] == '\0')
				snprintf(tc->error, sizeof(tc->error), "%s", t);
			break;
		default:
			snprintf(why, why_size, "text outside a section: '%s'", t);
			rc = -EINVAL;
			break;
		}
	}
	free(text);
	if (rc == 0 && tc->asm_text == NULL) {
		snprintf(why, why_size, "no -- asm section");
		rc = -EINVAL;
	}
	if (rc == 0 && tc->has_result == tc->has_error) {
		snprintf(why, why_size, "needs exactly one of -- result and -- error");
		rc = -EINVAL;
	}
	return rc;
}

static bool
error_matches(const struct test_case *tc, const char *msg)
{
	return tc->error[0] == '\0' || strstr(msg, tc->error) != NULL;
}

__attribute__((format(printf, 3, 4)))
static void
set(struct outcome *out, enum verdict v, const char *fmt, ...)
{
	va_list ap;

	out->verdict = v;
	va_start(ap, fmt);
	vsnprintf(out->msg, sizeof(out->msg), fmt, ap);
	va_end(ap);
}

/* A case that loads but must fault: run it on the checked interpreter. */
static void
expect_fault(const struct test_case *tc, const struct xdpdk_prog *prog, struct outcome *out)
{
	struct xdpdk_run_result res;
	uint8_t *mem = malloc(tc->mem_len ? tc->mem_len : 1);
	int rc;

	if (tc->mem_len)
		memcpy(mem, tc->mem, tc->mem_len);
	rc = xdpdk_prog_run_checked(prog, mem, tc->mem_len, &res);
	free(mem);
	if (rc == 0 && res.fault == 0)
		set(out, V_FAIL, "expected error '%s', ran to r0 = 0x%llx", tc->error,
		    (unsigned long long)res.retval);
	else if (error_matches(tc, res.fault_msg))
		set(out, V_PASS, "fault at %u: %s", res.fault_pc, res.fault_msg);
	else
		set(out, V_FAIL, "expected error '%s', got (%d) '%s'", tc->error, rc,
		    res.fault_msg);
}

/* One case on one engine: assemble, load, run, compare. */
static void
run_case(const struct test_case *tc, enum xdpdk_engine engine, struct outcome *out)
{
	char err[512] = "", log[2048] = "";
	struct xdpdk_prog_opts opts = {
		.name = tc->name,
		.type = XDPDK_PROG_TYPE_RAW,
		.engine = engine,
		.log_buf = log,
		.log_size = sizeof(log),
		.no_verify = 1,	/* engine conformance: raw streams, as bpf_conformance runs them */
		.jit_blind = getenv("XDPDK_CONFORMANCE_JIT_BLIND") != NULL,
	};
	struct xdpdk_prog *prog;
	struct bpf_insn *insns = NULL;
	uint32_t n = 0;
	uint8_t *mem;
	uint64_t r0;
	int rc;

	rc = xdpdk_asm(tc->asm_text, &insns, &n, err, sizeof(err));
	if (rc != 0) {
		if (tc->has_error && error_matches(tc, err))
			set(out, V_PASS, "rejected by the assembler: %s", err);
		else
			set(out, V_FAIL, "asm: %s", err);
		return;
	}
	prog = xdpdk_prog_create(insns, n, &opts);
	free(insns);
	if (prog == NULL) {
		int e = errno;

		log[strcspn(log, "\n")] = '\0';
		if (tc->has_error && error_matches(tc, log))
			set(out, V_PASS, "rejected at load: %s", log);
		else
			set(out, V_FAIL, "load failed (%s): %s", strerror(e), log);
		return;
	}
	if (tc->has_error) {
		/* Run-time faults are only observable on the checked interpreter. */
		if (engine == XDPDK_ENGINE_JIT)
			set(out, V_SKIP, "run-time errors are checked on the interpreter");
		else
			expect_fault(tc, prog, out);
		xdpdk_prog_free(prog);
		return;
	}
	if (xdpdk_prog_engine(prog) != engine) {
		set(out, V_FAIL, "asked for %s, loaded on %s", xdpdk_engine_name(engine),
		    xdpdk_engine_name(xdpdk_prog_engine(prog)));
		xdpdk_prog_free(prog);
		return;
	}
	/* An exact-size private copy: the sanitizers see any access past mem. */
	mem = malloc(tc->mem_len ? tc->mem_len : 1);
	if (tc->mem_len)
		memcpy(mem, tc->mem, tc->mem_len);
	r0 = xdpdk_prog_run(prog, mem, tc->mem_len);
	free(mem);
	xdpdk_prog_free(prog);
	if (r0 == tc->result)
		set(out, V_PASS, "r0 = 0x%llx", (unsigned long long)r0);
	else
		set(out, V_FAIL, "r0 = 0x%llx, expected 0x%llx", (unsigned long long)r0,
		    (unsigned long long)tc->result);
}

/* Run in a child: a crash, a sanitizer report or a hang fails this case only. */
static void
run_isolated(const struct test_case *tc, enum xdpdk_engine engine, struct outcome *out)
{
	int fds[2], status;
	ssize_t got;
	pid_t pid;

	if (getenv("XDPDK_CONFORMANCE_NOFORK") != NULL) {
		run_case(tc, engine, out);
		return;
	}
	if (pipe(fds) != 0) {
		set(out, V_FAIL, "pipe: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		set(out, V_FAIL, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		struct outcome o = { .verdict = V_FAIL };

		close(fds[0]);
		alarm(RUN_TIMEOUT_S);
		run_case(tc, engine, &o);
		if (write(fds[1], &o, sizeof(o)) != (ssize_t)sizeof(o))
			_exit(2);
		close(fds[1]);
		exit(0);	/* not _exit: let LeakSanitizer check the run */
	}
	close(fds[1]);
	got = 0;
	while (got < (ssize_t)sizeof(*out)) {
		ssize_t r = read(fds[0], (char *)out + got, sizeof(*out) - (size_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status)) {
		set(out, V_FAIL, WTERMSIG(status) == SIGALRM ? "timed out after %d s" :
		    "crashed (signal %d)", WTERMSIG(status) == SIGALRM ? RUN_TIMEOUT_S :
		    WTERMSIG(status));
	} else if (got != (ssize_t)sizeof(*out)) {
		set(out, V_FAIL, "the run exited (status %d) without a result",
		    WEXITSTATUS(status));
	} else if (WEXITSTATUS(status) != 0 && out->verdict != V_FAIL) {
		set(out, V_FAIL, "exit status %d after the run (sanitizer report above?)",
		    WEXITSTATUS(status));
	}
}

static bool
selected(const char *name, int argc, char **argv)
{
	if (argc <= 2)
		return true;
	for (int i = 2; i < argc; i++)
		if (fnmatch(argv[i], name, 0) == 0)
			return true;
	return false;
}

static int
is_data_file(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return len > 5 && strcmp(d->d_name + len - 5, ".data") == 0;
}

int
main(int argc, char **argv)
{
	static const enum xdpdk_engine engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_JIT };
	unsigned counts[3] = { 0 };
	static const char *const verdict_names[] = { "PASS", "FAIL", "SKIP" };
	struct dirent **files;
	int n_files;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR [PATTERN...]\n", argv[0]);
		return 2;
	}
	n_files = scandir(argv[1], &files, is_data_file, alphasort);
	if (n_files < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	for (int i = 0; i < n_files; i++) {
		struct test_case tc = { 0 };
		char path[4096], why[512] = "";

		snprintf(tc.name, sizeof(tc.name), "%.*s",
			 (int)(strlen(files[i]->d_name) - 5), files[i]->d_name);
		snprintf(path, sizeof(path), "%s/%s", argv[1], files[i]->d_name);
		free(files[i]);
		if (!selected(tc.name, argc, argv))
			continue;
		if (parse_case(path, &tc, why, sizeof(why)) != 0) {
			printf("FAIL %-6s %s: bad case file: %s\n", "-", tc.name, why);
			counts[V_FAIL]++;
			case_free(&tc);
			continue;
		}
		for (size_t e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
			struct outcome out = { .verdict = V_FAIL };

			if (engines[e] == XDPDK_ENGINE_JIT && tc.no_jit)
				set(&out, V_SKIP, "-- no jit");
			else if (engines[e] == XDPDK_ENGINE_JIT && !XDPDK_HAVE_JIT)
				set(&out, V_SKIP, "built without the JIT");
			else
				run_isolated(&tc, engines[e], &out);
			counts[out.verdict]++;
			printf("%s %-6s %s: %s\n", verdict_names[out.verdict],
			       xdpdk_engine_name(engines[e]), tc.name, out.msg);
		}
		case_free(&tc);
	}
	free(files);
	printf("%u passed, %u failed, %u skipped\n", counts[V_PASS], counts[V_FAIL],
	       counts[V_SKIP]);
	return counts[V_FAIL] != 0 || counts[V_PASS] == 0;
}
