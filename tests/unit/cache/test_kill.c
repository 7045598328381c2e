/*
 * test_kill.c - kill -9 at random moments while a child inserts and
 * flushes continuously; after each kill the database must open, every
 * record in it must load intact (none dropped as corrupt or unsealable),
 * and every record the child reported as flushed must be there with its
 * secret.  The child reports (id, handle) pairs through a pipe only after
 * cache_flush() returned, in writes of < PIPE_BUF octets (atomic).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "cache/cache_int.h"
#include "common/err.h"
#include "crypto/rand.h"
#include "helpers.h"

#define ROUNDS 6
#define BATCH 40
#define MSG (4 + CACHE_HANDLE_LEN)
#define CAPACITY 200000
#define MAX_REPORTED 400000

static struct cache *open_cache(const char *db, const uint8_t key[CACHE_KEY_LEN],
				struct clock_fake *clk, struct cache_store **store,
				struct cache_seal **seal, uint16_t *conn)
{
	struct cache_policy p = { .capacity = CAPACITY };
	struct cache_opts o = { .clock = &clk->clock, .rand = rand_system(),
				.max_records = CAPACITY };
	struct cache *c;

	clock_fake_init(clk, T_START);
	if (cache_lmdb_open(db, NULL, store))
		return NULL;
	*seal = cache_seal_new(key, rand_system());
	o.store = *store;
	o.seal = *seal;
	c = cache_new(&o);
	if (!c || cache_conn_set(c, "rw", &p, conn) || cache_load(c))
		return NULL;
	return c;
}

static void child(const char *db, const uint8_t key[CACHE_KEY_LEN], uint32_t next_id, int fd)
{
	struct clock_fake clk;
	struct cache_store *store;
	struct cache_seal *seal;
	uint16_t conn;
	struct cache *c = open_cache(db, key, &clk, &store, &seal, &conn);
	uint8_t msg[BATCH * MSG];

	if (!c)
		_exit(3);
	for (;;) {
		for (int i = 0; i < BATCH; i++) {
			struct cache_entry e;
			uint32_t id = next_id++;

			entry_for(&e, id);
			memcpy(msg + i * MSG, &id, 4);
			if (cache_insert(c, conn, &e, msg + i * MSG + 4, NULL))
				_exit(4);
		}
		if (cache_flush(c))
			_exit(5);
		if (write(fd, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
			_exit(6);
	}
}

static void kill9_never_corrupts_or_loses_flushed(void **state)
{
	char dir[256], db[300], keyf[300];
	uint8_t key[CACHE_KEY_LEN];
	uint8_t (*handles)[CACHE_HANDLE_LEN] = calloc(MAX_REPORTED, CACHE_HANDLE_LEN);
	uint32_t *ids = calloc(MAX_REPORTED, sizeof(*ids));
	size_t reported = 0;
	uint32_t next_id = 0;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();

	(void)state;
	assert_non_null(handles);
	assert_non_null(ids);
	srand(seed);
	printf("kill -9 test: seed %u\n", seed);
	tmpdir_make(dir);
	snprintf(db, sizeof(db), "%s/cache.mdb", dir);
	snprintf(keyf, sizeof(keyf), "%s/cache.key", dir);
	assert_int_equal(cache_key_load(keyf, rand_system(), key), 0);

	for (int round = 0; round < ROUNDS; round++) {
		int fds[2], status;
		pid_t pid;
		uint8_t buf[BATCH * MSG];
		ssize_t n;
		size_t before = reported;
		struct clock_fake clk;
		struct cache_store *store;
		struct cache_seal *seal;
		struct cache_stats *st = calloc(1, sizeof(*st));
		uint16_t conn;
		struct cache *c;

		assert_int_equal(pipe(fds), 0);
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			child(db, key, next_id, fds[1]);
		}
		close(fds[1]);
		/* Let it run 30..400 ms (it must get some batches through). */
		usleep(30000 + (useconds_t)(rand() % 370000));
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
			assert_int_equal(n, sizeof(buf));	/* atomic writes */
			for (int i = 0; i < BATCH && reported < MAX_REPORTED; i++) {
				memcpy(&ids[reported], buf + i * MSG, 4);
				memcpy(handles[reported], buf + i * MSG + 4, CACHE_HANDLE_LEN);
				reported++;
			}
		}
		close(fds[0]);

		/* Reopen: everything loads, nothing is partial. */
		c = open_cache(db, key, &clk, &store, &seal, &conn);
		assert_non_null(c);
		cache_stats(c, st);
		assert_int_equal(st->load_corrupt, 0);
		assert_int_equal(st->load_unsealed, 0);
		assert_true(st->loaded >= reported);
		/* At most one committed-but-unreported batch per kill. */
		assert_true(st->loaded <= reported + (size_t)BATCH * (round + 1));
		for (size_t i = 0; i < reported; i++) {
			struct cache_entry out;
			uint8_t s[32];
			struct cache_ident id;

			assert_int_equal(cache_lookup(c, handles[i], &out, NULL), 0);
			secret_for(s, ids[i], 0);
			assert_memory_equal(out.secret, s, 32);
			ident_for(&id, ids[i]);
			assert_int_equal(out.peer.len, id.len);
			assert_memory_equal(out.peer.data, id.data, id.len);
		}
		printf("kill -9 round %d: %zu flushed before the kill (%zu new), %llu loaded\n",
		       round, reported, reported - before, (unsigned long long)st->loaded);
		/* Next child's ids never repeat, committed or not. */
		next_id += (uint32_t)(reported - before) + 10 * BATCH + 1000000;
		cache_free(c);
		cache_seal_free(seal);
		cache_store_free(store);
		free(st);
	}
	assert_true(reported > 0);
	free(handles);
	free(ids);
	tmpdir_remove(dir);
}

int test_group_kill(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kill9_never_corrupts_or_loses_flushed),
	};

	return cmocka_run_group_tests_name("cache kill -9", tests, NULL, NULL);
}
