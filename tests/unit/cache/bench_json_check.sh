#!/bin/sh
# bench_json_check.sh RESWAN - run `reswan bench cache --quick --json` and
# check that every figure is present and positive.  Presence and sign only,
# never a time.
set -eu
out="$("$1" bench cache --quick --json)"
status=0
printf '%s\n' "$out" | grep -q '"bench": "cache"' || { echo "not a cache bench object"; status=1; }
for k in records insert_ns lookup_hit_ns lookup_miss_ns consume_ns bytes_per_record_accounted \
	bytes_per_record_rss flush_records_per_s load_records_per_s db_bytes; do
	v="$(printf '%s\n' "$out" | sed -n "s/.*\"$k\": *\([-0-9.e+]*\).*/\1/p")"
	if ! awk -v v="$v" 'BEGIN { exit !(v != "" && v + 0 > 0) }'; then
		echo "\"$k\" is not a positive number: '$v'"; status=1
	fi
done
[ $status = 0 ] && echo "bench cache JSON: all figures present and positive"
exit $status
