/*
 * proc.c - child processes of the benchmarks (see proc.h).
 *
 * The child sets itself up between fork() and exec(): CPU affinity (kept
 * across exec, inherited by every thread charon starts), namespaces with
 * setns()/unshare(), bind mounts, then stdout/stderr into the log.  Only
 * async-signal-safe calls happen there, and a failure is written to the
 * log before _exit(126), so a run that cannot start its responder says
 * why.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/proc.h"
#include "common/err.h"

static void child_fail(const char *what)
{
	const char *e = strerror(errno);

	/* stderr is the log by now (or /dev/null). */
	(void)!write(2, "proc: ", 6);
	(void)!write(2, what, strlen(what));
	(void)!write(2, ": ", 2);
	(void)!write(2, e, strlen(e));
	(void)!write(2, "\n", 1);
	_exit(126);
}

static void enter_ns(const char *path, int type, const char *what)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || setns(fd, type) != 0)
		child_fail(what);
	close(fd);
}

static void child(const char *const *argv, const struct proc_opts *o)
{
	int fd = open(o->log ? o->log : "/dev/null",
		      o->log ? O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC : O_WRONLY | O_CLOEXEC,
		      0600);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || in < 0 || dup2(in, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(126);
	/* Our own process group: a ^C at the terminal reaches the
	 * benchmark, which then stops its children in order. */
	(void)setpgid(0, 0);
	if (o->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0)
			child_fail("sched_setaffinity");
	}
	if (o->netns)
		enter_ns(o->netns, CLONE_NEWNET, "setns (network)");
	if (o->mntns)
		enter_ns(o->mntns, CLONE_NEWNS, "setns (mount)");
	if (o->binds) {
		if (unshare(CLONE_NEWNS) != 0)
			child_fail("unshare (mount)");
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
			child_fail("mount --make-rprivate /");
		for (const char *const *b = o->binds; b[0] && b[1]; b += 2)
			if (mount(b[0], b[1], NULL, MS_BIND, NULL) != 0)
				child_fail(b[1]);
	}
	execvp(argv[0], (char *const *)(uintptr_t)argv);
	child_fail(argv[0]);
}

pid_t proc_spawn(const char *const *argv, const struct proc_opts *o)
{
	static const struct proc_opts none = { .cpu = -1 };
	pid_t pid;

	if (!o)
		o = &none;
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child(argv, o);
	return pid;
}

int proc_wait(pid_t pid, int timeout_ms, int *status)
{
	struct timespec step = { 0, 10 * 1000 * 1000 };
	int st = 0;

	for (int waited = 0;; waited += 10) {
		pid_t r = waitpid(pid, &st, timeout_ms < 0 ? 0 : WNOHANG);

		if (r == pid || (r < 0 && errno == ECHILD)) {
			if (status)
				*status = r == pid ? st : 0;
			return 0;
		}
		if (r < 0 && errno != EINTR)
			return ERR_IO;
		if (timeout_ms >= 0 && waited >= timeout_ms)
			return ERR_TIMEOUT;
		if (timeout_ms >= 0)
			nanosleep(&step, NULL);
	}
}

int proc_run_opts(const char *const *argv, const struct proc_opts *o)
{
	pid_t pid = proc_spawn(argv, o);
	int st;

	if (pid < 0 || proc_wait(pid, -1, &st) != 0)
		return ERR_IO;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : ERR_IO;
}

int proc_run(const char *const *argv, const char *log)
{
	struct proc_opts o = { .log = log, .cpu = -1 };

	return proc_run_opts(argv, &o);
}

void proc_stop(pid_t pid, int sig, int timeout_ms)
{
	if (pid <= 0)
		return;
	if (kill(pid, sig) != 0 && errno == ESRCH) {
		(void)waitpid(pid, NULL, WNOHANG);
		return;
	}
	if (proc_wait(pid, timeout_ms, NULL) != 0) {
		kill(pid, SIGKILL);
		proc_wait(pid, -1, NULL);
	}
}

bool proc_alive(pid_t pid)
{
	return pid > 0 && waitpid(pid, NULL, WNOHANG) == 0;
}

int proc_cpu_us(pid_t pid, uint64_t *us)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (!(f = fopen(path, "r")))
		return ERR_IO;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold blanks and parentheses: fields start
	 * after the last ')'.  utime and stime are fields 14 and 15. */
	if (!(p = strrchr(buf, ')')) || hz <= 0 ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		   &ut, &st) != 2)
		return ERR_IO;
	*us = (ut + st) * 1000000ULL / (unsigned long long)hz;
	return 0;
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

volatile sig_atomic_t *proc_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: epoll_wait returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return &stop_flag;
}

uint64_t proc_self_cpu_us(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000ULL +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

int proc_pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0 ? 0 : ERR_IO;
}

int proc_ncpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 1;
	return CPU_COUNT(&set);
}

const char *proc_self_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	if (!(slash = strrchr(buf, '/')))
		return NULL;
	*slash = '\0';
	return buf;
}

bool proc_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int proc_path(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n >= 0 && (size_t)n < len ? 0 : ERR_LIMIT;
}

int proc_copy(const char *src, const char *dst)
{
	char buf[8192];
	FILE *in = fopen(src, "rb"), *out = in ? fopen(dst, "wb") : NULL;
	size_t n;
	int rc = 0;

	if (!in || !out) {
		if (in)
			fclose(in);
		return ERR_IO;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = ERR_IO;
	if (ferror(in))
		rc = ERR_IO;
	fclose(in);
	if (fclose(out) != 0)
		rc = ERR_IO;
	return rc;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void proc_rmtree(const char *path)
{
	if (path && *path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}
