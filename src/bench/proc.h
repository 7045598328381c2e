/*
 * proc.h - child processes of the benchmarks: the responder under test
 * (reswand or strongSwan's charon), and the tools that prepare a run
 * (openssl, ip, swanctl).
 *
 * A child may be pinned to one CPU (so the load generator and the
 * responder never share a core), placed in a network namespace, and given
 * a private mount namespace with bind mounts (how charon gets its own
 * /run, /etc/swanctl and /etc/strongswan.conf, as tests/interop/lib.sh
 * does with unshare).  Its CPU time is read from /proc/PID/stat.
 */
#ifndef RESWAN_BENCH_PROC_H
#define RESWAN_BENCH_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_opts {
	const char *log;		/* stdout and stderr appended; NULL: /dev/null */
	int cpu;			/* pin to this CPU; -1: anywhere */
	const char *netns;		/* network namespace (a path) to enter, or NULL */
	const char *mntns;		/* mount namespace (a path) to enter, or NULL */
	/* NULL, or src, dst, src, dst, ..., NULL: a new private mount
	 * namespace with these bind mounts (needs root). */
	const char *const *binds;
};

/* Start argv[0] (searched in PATH) with o (may be NULL); its pid, or -1.
 * A child that cannot set itself up writes why into the log and exits 126. */
pid_t proc_spawn(const char *const *argv, const struct proc_opts *o);
/* Wait up to timeout_ms (< 0: forever) for pid to exit: 0 and its
 * waitpid() status, or ERR_TIMEOUT. */
int proc_wait(pid_t pid, int timeout_ms, int *status);
/* Spawn, wait; 0 if it exited 0, else ERR_IO.  log may be NULL. */
int proc_run(const char *const *argv, const char *log);
int proc_run_opts(const char *const *argv, const struct proc_opts *o);
/* Send sig, wait up to timeout_ms, then SIGKILL and reap. */
void proc_stop(pid_t pid, int sig, int timeout_ms);
/* Still running (not exited, not a zombie we reaped)? */
bool proc_alive(pid_t pid);

/* User + system CPU time of pid (all its threads), µs; 0 or ERR_IO.
 * The kernel counts in clock ticks (10 ms at USER_HZ 100). */
int proc_cpu_us(pid_t pid, uint64_t *us);
/* The same for this process (getrusage, µs resolution). */
uint64_t proc_self_cpu_us(void);

/* SIGINT and SIGTERM set *proc_catch_signals()'s flag instead of killing
 * the benchmark, so that it stops its responder and deletes what it made
 * (its children have their own process group and do not see a ^C). */
volatile sig_atomic_t *proc_catch_signals(void);

/* Pin this process to cpu; 0 or ERR_IO. */
int proc_pin_self(int cpu);
/* CPUs this process may run on. */
int proc_ncpus(void);

/* The directory of this program's binary into buf; NULL on failure. */
const char *proc_self_dir(char *buf, size_t len);
bool proc_is_dir(const char *path);
/* dir + "/" + name into buf; ERR_LIMIT (buf truncated) if it does not fit. */
int proc_path(char *buf, size_t len, const char *dir, const char *name);
/* Copy a small file; 0 or ERR_IO. */
int proc_copy(const char *src, const char *dst);
/* rm -rf path (the benchmark's own temporary directory only). */
void proc_rmtree(const char *path);

#endif
