#!/bin/sh
# Runs every libFuzzer harness in a build tree for SECONDS each, starting
# from its seed corpus in fuzz/corpus/<name>/ and keeping what it finds in
# build/fuzz/corpus/<name>/.  Exits non-zero if any harness finds a crash.
#
#   scripts/fuzz.sh BUILD_DIR SECONDS
set -eu
build="$1"
secs="${2:-60}"
top="$(cd "$(dirname "$0")/.." && pwd)"
status=0
for f in "$build"/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name="$(basename "$f" | sed 's/^fuzz_//')"
	work="$build/corpus/$name"
	mkdir -p "$work" "$build/artifacts/$name"
	echo "fuzz: $name for ${secs}s"
	if ! "$f" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$build/artifacts/$name/" \
		"$work" "$top/fuzz/corpus/$name" >"$build/fuzz-$name.log" 2>&1; then
		echo "fuzz: $name FAILED, see $build/fuzz-$name.log" >&2
		status=1
	fi
	grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$build/fuzz-$name.log" | sed "s/^/fuzz: $name /" || true
done
exit $status
