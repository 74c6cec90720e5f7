#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The tables of docs/compatibility.md must be what `xdpdk feature --markdown` probes now.
set -u
X=${1:?usage: test_compat_doc.sh path/to/xdpdk}
ROOT=${XDPDK_SOURCE_ROOT:?}
if diff -u "$ROOT/docs/compatibility.md" <(bash "$ROOT/scripts/gen_compat_doc.sh" "$X" \
	"$ROOT/docs/compatibility.md"); then
	echo "1 passed, 0 failed"
else
	echo "docs/compatibility.md is stale: run scripts/gen_compat_doc.sh build/cli/xdpdk" \
		"> docs/compatibility.md.new && mv docs/compatibility.md.new docs/compatibility.md"
	echo "0 passed, 1 failed"
	exit 1
fi
