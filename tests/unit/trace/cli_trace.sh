#!/bin/sh
# cli_trace.sh - `reswan trace` end to end: exit statuses, the malformed-line
# report on stderr, --strict, JSON and plots through the command line.
#   cli_trace.sh RESWAN DATA_DIR
set -eu
reswan="$1"
data="$2"
work="$(mktemp -d /tmp/reswan-cli-trace.XXXXXX)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for sub in stats simulate synth; do
	"$reswan" trace $sub --help | grep -q "usage: reswan trace $sub" || fail "$sub --help"
done
"$reswan" trace --help >/dev/null || fail "trace --help"
set +e
"$reswan" trace stats >/dev/null 2>&1; [ $? -eq 2 ] || fail "stats without FILE must exit 2"
"$reswan" trace simulate "$data/sessions.csv" --strategy sometimes >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown strategy must exit 2"
"$reswan" trace simulate "$data/sessions.csv" --strategy clocked --lifetimes 1h,xyz >/dev/null 2>&1
[ $? -eq 2 ] || fail "bad lifetime must exit 2"
"$reswan" trace stats "$work/missing.csv" >/dev/null 2>"$work/err"
[ $? -eq 1 ] || fail "missing file must exit 1"
grep -q "missing.csv: No such file" "$work/err" || fail "missing file not named"
"$reswan" trace stats --strict "$data/sessions.csv" >/dev/null 2>"$work/err"
[ $? -eq 1 ] || fail "--strict must fail on a malformed line"
grep -q "sessions.csv:6: bad connect time" "$work/err" || fail "--strict error lacks file:line"
set -e

"$reswan" trace stats "$data/sessions.csv" >"$work/out" 2>"$work/err"
grep -q "3 malformed lines skipped" "$work/err" || fail "malformed count"
grep -q "sessions.csv:7: disconnect before connect" "$work/err" || fail "malformed file:line"
grep -q "1 session still open" "$work/err" || fail "open session note"
grep -Eq "Total connections +5$" "$work/out" || fail "Table II connections"

"$reswan" trace synth --profile wireless --users 150 --days 7 --seed 3 -o "$work/s.csv.gz"
"$reswan" trace synth --profile wireless --users 150 --days 7 --seed 3 -o "$work/s2.csv.gz"
cmp -s "$work/s.csv.gz" "$work/s2.csv.gz" || fail "synth not deterministic"
"$reswan" trace stats "$work/s.csv.gz" --json >"$work/stats.json"
grep -q '"unique_users": 150' "$work/stats.json" || fail "stats --json"
"$reswan" trace simulate "$work/s.csv.gz" --strategy all --json \
	--cost-full 2000 --cost-resume 20 --plot "$work/plots" >"$work/sim.json"
[ "$(grep -c '"strategy":' "$work/sim.json")" -eq 36 ] || fail "simulate --json: 36 points"
grep -q '"cost_full_us": 2000.000' "$work/sim.json" || fail "cost model not applied"
[ -s "$work/plots/full-exchanges-clocked.svg" ] || fail "no clocked plot"
grep -q "full-exchanges-data.svg" "$work/plots/index.html" || fail "index.html"
"$reswan" trace simulate "$work/s.csv.gz" --strategy established --lifetimes 2h \
	--capacity 10 --max-age 1d >"$work/cap.txt"
grep -Eq "^established +2h " "$work/cap.txt" || fail "capacity run"
: >"$work/empty.log"
"$reswan" trace stats "$work/empty.log" "$data/asa.log" --year 2006 >"$work/empty.txt" 2>/dev/null ||
	fail "an empty file must be accepted"
gzip -c "$data/asa.log" | "$reswan" trace stats - --year 2006 >"$work/stdin.txt" 2>/dev/null
grep -Eq "Total connections +4$" "$work/stdin.txt" || fail "gzip on standard input"
"$reswan" trace stats "$data/openvpn.log" >"$work/ovpn.txt" 2>"$work/err"
grep -Eq "Total connections +6$" "$work/ovpn.txt" || fail "openvpn: connections"
grep -q "openvpn.log:29: OpenVPN connect line without a valid timestamp" "$work/err" ||
	fail "openvpn: malformed file:line"
"$reswan" trace stats --format openvpn --year 2025 "$data/openvpn-syslog.log" >"$work/ovpn2.txt" 2>/dev/null
grep -Eq "Total connections +3$" "$work/ovpn2.txt" || fail "openvpn: --format openvpn"
"$reswan" trace stats --help | grep -q "asa, openvpn" || fail "openvpn in --format help"
echo "cli_trace: ok"
