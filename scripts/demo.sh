#!/bin/sh
# The main job, as `make demo` shows it.  Argument: the release build tree.
# Today: what each piece of IKE, ESP and resumption crypto costs on this
# machine, with the ratios the paper argues from (docs/benchmarks.md).
set -eu
bin="$1/bin"
"$bin/reswan" version
exec "$bin/reswan" bench crypto
