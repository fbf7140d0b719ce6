#!/usr/bin/env bats
# Project rules a grep can check: no banned calls (atoi, sprintf, strcpy,
# strcat, gets) in C sources; man pages that format without warnings.

load helper

@test "no banned calls in the C sources (make check-style)" {
	run make -s --no-print-directory -C "$ROOT" check-style
	assert_success
	assert_output ''
}

@test "every man page formats cleanly at 80 columns" {
	for m in "$ROOT"/tools/*/*.1 "$ROOT"/scripts/*.1; do
		run --separate-stderr env MANWIDTH=80 man -l "$m"
		assert_success
		assert_stderr ''
	done
}
