#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# docs/cli.md must be what scripts/gen_cli_doc.sh makes from the binary's --help.
set -u
X=${1:?usage: test_cli_doc.sh path/to/xdpdk}
ROOT=${XDPDK_SOURCE_ROOT:?}
if diff -u "$ROOT/docs/cli.md" <(bash "$ROOT/scripts/gen_cli_doc.sh" "$X"); then
	echo "1 passed, 0 failed"
else
	echo "docs/cli.md is stale: run scripts/gen_cli_doc.sh build/cli/xdpdk > docs/cli.md"
	echo "0 passed, 1 failed"
	exit 1
fi
