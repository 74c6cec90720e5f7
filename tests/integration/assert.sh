# SPDX-License-Identifier: BSD-3-Clause
# Assertions of the integration scripts (sourced): each counts into $pass or
# $fail and prints "ok   - NAME" or "FAIL - NAME" with why. Commands write
# into $TMP/out and $TMP/err, which the grep assertions read.

ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && echo "       $2"; }

# expect_rc NAME RC CMD... : run CMD, capture stdout/stderr, check the exit code.
expect_rc() {
	local name=$1 want=$2; shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name"; else
		bad "$name" "exit $rc, wanted $want; out: $(head -c 400 "$TMP/out") err: $(head -c 300 "$TMP/err")"; fi
}
# expect_grep NAME FILE PATTERN : FILE (out or err) matches the extended regex.
expect_grep() {
	if grep -Eq -- "$3" "$TMP/$2"; then ok "$1"; else
		bad "$1" "no /$3/ in $2: $(head -c 600 "$TMP/$2")"; fi
}
# expect_no_grep NAME FILE PATTERN : FILE does not match.
expect_no_grep() {
	if ! grep -Eq -- "$3" "$TMP/$2"; then ok "$1"; else
		bad "$1" "/$3/ in $2: $(grep -E -- "$3" "$TMP/$2" | head -3)"; fi
}
