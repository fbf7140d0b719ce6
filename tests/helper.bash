# Shared set-up for the bats tests: assertion libraries, tools on PATH,
# fixtures. Load with: load helper
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$TESTS_DIR/.." && pwd)"
DATA="$TESTS_DIR/data"
PED_BIN="${PED_BIN:-$ROOT/bin}"
PATH="$PED_BIN:$PATH"
export LC_ALL=C
# Keep a developer's own AWS settings out of the tests.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

# output_matches EXPECTED: $output equals the file EXPECTED byte for byte
# (with a final newline); the first differing lines go to stderr.
output_matches() {
	local got="$BATS_TEST_TMPDIR/got"
	printf '%s\n' "$output" >"$got"
	diff "$1" "$got" | head -5 >&2
	cmp -s "$1" "$got"
}

# tsv LINE... : writes each argument as one line, with "|" turned into TAB.
tsv() {
	local l
	for l in "$@"; do
		printf '%s\n' "${l//|/$'\t'}"
	done
}

# Debian's bats-assert 2.0 predates assert_stderr: provide it when missing.
# assert_stderr [--partial|--regexp] [EXPECTED]   (compares $stderr)
if ! declare -F assert_stderr >/dev/null; then
	assert_stderr() {
		local mode=exact expected
		case ${1:-} in
		--partial) mode=partial; shift ;;
		--regexp) mode=regexp; shift ;;
		esac
		expected=${1-}
		case $mode in
		exact) [[ $stderr == "$expected" ]] ;;
		partial) [[ $stderr == *"$expected"* ]] ;;
		regexp) [[ $stderr =~ $expected ]] ;;
		esac && return 0
		batslib_print_kv_single_or_multi 8 \
		    "expected ($mode)" "$expected" 'stderr' "$stderr" |
		    batslib_decorate 'stderr differs' | fail
	}
fi

# skip_if_instrumented: skips a test that limits address space or counts
# resident memory, which ASan (make asan-test) and valgrind
# (make valgrind-test) inflate.
skip_if_instrumented() {
	[ -z "${PED_ASAN:-}${PED_VALGRIND:-}" ] ||
	    skip "ASan and valgrind reserve memory of their own"
}
