#!/usr/bin/env bats
# Every tool: --help's usage paragraph is its man page SYNOPSIS, every long
# option it accepts is explained in --help and in the man page, and --help
# and --version report a failed write.
load helper

TOOLS="ped-fetch ped-agg ped-topn ped-s3put ped-pipeline"

# man_page TOOL: the tool's mdoc source.
man_page() {
	case $1 in
	ped-pipeline) echo "$ROOT/scripts/ped-pipeline.1" ;;
	*) echo "$ROOT/tools/${1#ped-}/$1.1" ;;
	esac
}

# run_tool TOOL ARGS...: the built binary, or the script for the pipeline.
run_tool() {
	local t=$1
	shift
	case $t in
	ped-pipeline) "$ROOT/scripts/pipeline.sh" "$@" ;;
	*) "$t" "$@" ;;
	esac
}

# tool_path TOOL: the file to run.
tool_path() {
	case $1 in
	ped-pipeline) echo "$ROOT/scripts/pipeline.sh" ;;
	*) command -v "$1" ;;
	esac
}

# long_options TOOL: the long options the code accepts, one a line.
long_options() {
	case $1 in
	ped-pipeline)
		grep -oE '^[[:space:]]*(-[a-zA-Z]\|)?--[a-z0-9-]+(\|-[a-zA-Z])?\)' \
		    "$ROOT/scripts/pipeline.sh" | grep -oE -- '--[a-z0-9-]+' ;;
	*)
		sed -n '/longopts\[\] = {/,/^};/p' "$ROOT/tools/${1#ped-}"/*.c |
		    grep -oE '\{ *"[a-z0-9-]+"' | grep -oE '[a-z0-9-]+' |
		    sed 's/^/--/' ;;
	esac | sort -u
}

@test "the usage paragraph of --help is the man page SYNOPSIS, word for word" {
	local t syn use
	for t in $TOOLS; do
		syn=$(MANWIDTH=300 man -l "$(man_page "$t")" 2>/dev/null |
		    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
		    tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
		use=$(run_tool "$t" --help | sed '/^$/q' | tr -s ' \n' '  ' |
		    sed 's/^usage: //; s/ $//')
		[ -n "$syn" ] || fail "$t: no SYNOPSIS in $(man_page "$t")"
		[ "$syn" = "$use" ] ||
		    fail "$t: --help says \"$use\", the man page \"$syn\""
	done
}

@test "every long option is explained in --help and in the man page" {
	local t o help man missing=""
	for t in $TOOLS; do
		help=$(run_tool "$t" --help | sed '1,/^$/d')
		man=$(MANWIDTH=300 man -l "$(man_page "$t")" 2>/dev/null |
		    sed -n '/^DESCRIPTION/,$p')
		[ -n "$(long_options "$t")" ] || fail "$t: no long options found"
		for o in $(long_options "$t"); do
			grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" <<<"$help" ||
			    missing="$missing $t:--help:$o"
			grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" <<<"$man" ||
			    missing="$missing $t:man:$o"
		done
	done
	[ -z "$missing" ] || fail "not explained:$missing"
}

@test "--help and --version to a full disk exit 1 with a message" {
	local t a
	for t in $TOOLS; do
		for a in --help --version; do
			run --separate-stderr bash -c '"$1" "$2" >/dev/full' _ "$(tool_path "$t")" "$a"
			[ "$status" -eq 1 ] || fail "$t $a >/dev/full: exit $status"
			[[ $stderr == *"$t"*"No space left on device"* ]] ||
			    fail "$t $a >/dev/full: stderr \"$stderr\""
		done
	done
}

@test "--help goes to stdout and exits 0; a bad option is usage on stderr, exit 64" {
	local t
	for t in $TOOLS; do
		run -0 --separate-stderr run_tool "$t" --help
		assert_line --index 0 --partial "usage: $t "
		assert_equal "$stderr" ''
		run -64 --separate-stderr run_tool "$t" --no-such-option
		[[ $stderr == *"usage: $t "* ]] || fail "$t: stderr \"$stderr\""
	done
}
