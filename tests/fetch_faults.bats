#!/usr/bin/env bats
# ped-fetch under broken input layers: gzip compressed twice, trailing
# garbage after a gzip member, corrupt and truncated gzip, long runs of
# empty lines; each named in a user's words, with its exit code.

load helper

F=ch3t_soda_5000rows_2019-11.csv

setup_file() {
	ped-fetch "$DATA/http/$F" >"$BATS_FILE_TMPDIR/expected"
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	gzip -c "$DATA/http/$F" >one.gz
}

same_as_file() {
	output_matches "$BATS_FILE_TMPDIR/expected"
}

@test "fetch_faults: trailing garbage after a gzip member is named, exit 1" {
	{ cat one.gz; echo garbage; } >garbage.gz
	run -1 --separate-stderr ped-fetch garbage.gz
	assert_stderr "ped-fetch: garbage.gz: gzip: trailing garbage after the compressed data (466692 bytes inflated, then bytes that are no gzip member)"
	{ cat one.gz; printf '\037'; } >lone.gz
	run -1 --separate-stderr ped-fetch lone.gz
	assert_stderr --partial "lone.gz: gzip: trailing garbage after the compressed data"
}

@test "fetch_faults: zero padding after the last member and two members are fine" {
	{ cat one.gz; head -c 70000 /dev/zero; } >padded.gz
	run -0 --separate-stderr ped-fetch padded.gz
	same_as_file
	head -2501 "$DATA/http/$F" | gzip -c >a.gz
	{ head -1 "$DATA/http/$F"; tail -n +2502 "$DATA/http/$F"; } | gzip -c >b.gz
	cat a.gz b.gz >two.gz
	run -65 --separate-stderr ped-fetch two.gz
	# the second member's header line is data: members concatenate
	assert_stderr --partial "two.gz:2502: "
}

@test "fetch_faults: corrupt and truncated gzip, in words, not zlib's" {
	{ head -c 30 one.gz; printf 'x%.0s' {1..60}; tail -c +91 one.gz; } >corrupt.gz
	run -1 --separate-stderr ped-fetch corrupt.gz
	assert_stderr --regexp "^ped-fetch: corrupt.gz: gzip: corrupt compressed data after [0-9]+ bytes inflated \(zlib: "
	head -c 3000 one.gz >short.gz
	run -1 --separate-stderr ped-fetch short.gz
	assert_stderr "ped-fetch: short.gz: gzip: the compressed data ends too early (a truncated file or transfer)"
}

@test "fetch_faults: 20 MiB of empty lines before the header are skipped and counted" {
	# More than the 16 MiB record limit: empty lines are no record.
	{ head -c 20000000 /dev/zero | tr '\0' '\n'; cat "$DATA/http/$F"; } >blank.csv
	run -0 --separate-stderr ped-fetch blank.csv
	same_as_file
	{ head -c 20000000 /dev/zero | tr '\0' '\n'; head -3 "$DATA/http/$F"; echo '1,x'; } | gzip -c >blank.gz
	run -65 --separate-stderr ped-fetch blank.gz
	assert_stderr --partial "blank.gz:20000004: "
	head -c 20000000 /dev/zero | tr '\0' '\n' >only.csv
	run -65 --separate-stderr ped-fetch only.csv
	assert_stderr "ped-fetch: only.csv: empty input"
}
