#!/bin/sh
# The main job, as `make demo` shows it.  Argument: the release build tree.
set -eu
bin="$1/bin"
exec "$bin/reswan" version
