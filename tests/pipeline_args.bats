#!/usr/bin/env bats
# ped-pipeline: arguments that bash would mishandle, and a full disk: one
# ped-pipeline: message each, and the right exit code.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
	P="$ROOT/scripts/pipeline.sh"
	SAMPLE="$ROOT/data/melbourne_ods_counts_50k_sample.csv.gz"
	SEED="$DATA/pipeline/bonatoc_test_stats.json"
}

@test "-n beyond 2^63-1 is a usage error (bash arithmetic would wrap)" {
	run -64 --separate-stderr "$P" -s "$SEED" -o out -n 99999999999999999999
	assert_stderr 'ped-pipeline: -n: invalid count "99999999999999999999" (at most 9223372036854775807)'
	run -64 --separate-stderr "$P" -s "$SEED" -o out -n 9223372036854775808
	assert_stderr --partial 'invalid count "9223372036854775808"'
	assert [ ! -e out ]
	# The largest count works, leading zeros are dropped from the name.
	run -0 "$P" -s "$SEED" -o out -n 9223372036854775807 -p month --quiet
	cmp out/top9223372036854775807_by_month.csv <(ped-fetch "$SEED" | ped-agg -b month | ped-topn -n 0 --csv)
	run -0 "$P" -s "$SEED" -o out2 -n 007 -p month --quiet
	assert_file_exists out2/top7_by_month.csv
	run -0 "$P" -s "$SEED" -o out3 -n 000 -p month --quiet
	assert_file_exists out3/top_all_by_month.csv
}

@test "-p with a period twice, or an empty one, is a usage error" {
	run -64 --separate-stderr "$P" -s "$SEED" -o out -p day,day
	assert_stderr 'ped-pipeline: -p: period "day" given twice'
	run -64 --separate-stderr "$P" -s "$SEED" -o out -p day,,month
	assert_stderr 'ped-pipeline: -p: empty period in "day,,month"'
	run -64 --separate-stderr "$P" -s "$SEED" -o out -p month,
	assert_stderr 'ped-pipeline: -p: empty period in "month,"'
	run -64 --separate-stderr "$P" -s "$SEED" -o out -p ''
	assert_stderr 'ped-pipeline: -p: empty period in ""'
	assert [ ! -e out ]
}

@test "-o that looks like an option is a usage error and leaves nothing behind" {
	run -64 --separate-stderr "$P" -s "$SEED" -o -outdash
	assert_stderr 'ped-pipeline: -o: "-outdash" looks like an option; write ./-outdash for a folder of that name'
	run find . -name '*outdash*' -o -name '.ped-pipeline*'
	assert_output ''
	run -0 "$P" -s "$SEED" -o ./-outdash --quiet
	assert_file_exists ./-outdash/top10_by_day.csv
	run -64 --separate-stderr "$P" -s "$SEED" -o ''
	assert_stderr 'ped-pipeline: -o: empty folder name'
}

@test "messages quote what the user typed: control bytes escaped" {
	run -64 --separate-stderr "$P" -p $'da\x1b[31my'
	assert_stderr 'ped-pipeline: -p: unknown period "da\x1b[31my" (hour, day, month, year, weekday, monthname)'
	run -64 --separate-stderr "$P" --duplicates $'no\tpe'
	assert_stderr 'ped-pipeline: --duplicates: unknown policy "no\tpe" (first, last, max, sum, error)'
	run -64 --separate-stderr "$P" -p $'caf\xc3\xa9,bad\xff\xc3x'
	assert_stderr 'ped-pipeline: -p: unknown period "caf'$'\xc3\xa9''" (hour, day, month, year, weekday, monthname)'
	run -64 --separate-stderr "$P" -p "day,$(printf 'x%.0s' {1..70})"
	assert_stderr 'ped-pipeline: -p: unknown period "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"... (hour, day, month, year, weekday, monthname)'
	run -64 --separate-stderr "$P" -p $'bad\xff\xc3x'
	assert_stderr 'ped-pipeline: -p: unknown period "bad\xff\xc3x" (hour, day, month, year, weekday, monthname)'
	run -64 --separate-stderr "$P" --$'bo\ngus'
	assert_equal "${stderr_lines[0]}" 'ped-pipeline: unknown argument "--bo\ngus"'
}

@test "an output file that is not a file (a FIFO) is in the way" {
	mkdir out
	mkfifo out/top10_by_month.csv
	run -1 --separate-stderr "$P" -s "$SEED" -o out
	assert_stderr 'ped-pipeline: "out/top10_by_month.csv" is in the way: it is not a file; nothing written'
}

@test "-s - reads the standard input" {
	run -0 "$P" -s - -o out --quiet <"$SEED"
	cmp out/top10_by_day.csv <(ped-fetch "$SEED" | ped-agg -b day | ped-topn --csv)
}

@test "a full disk: one ped-pipeline message, exit 1, nothing published" {
	command -v unshare >/dev/null && unshare -rm true 2>/dev/null || skip "needs a mount namespace"
	for size in 8k 64k; do
		run -1 --separate-stderr unshare -rm bash -c "mkdir -p small && mount -t tmpfs -o size=$size tmpfs small && '$P' -s '$SAMPLE' -o small/out --keep-staged --seed; r=\$?; ls -A small/out; exit \$r"
		assert_output ''
		assert_stderr --partial 'No space left on device'
		assert_stderr --regexp 'ped-pipeline: stage [^;]* failed \(exit 1\); nothing written$'
		[ "$(grep -c '^ped-pipeline:' <<<"$stderr")" -eq 1 ] || fail "more than one message: $stderr"
		! grep -qE 'write error|integer expression|pipeline.sh' <<<"$stderr" ||
		    fail "bash's own message: $stderr"
	done
}

@test "the stage that failed is named, not those that saw its effects" {
	mkdir fakebin
	for t in ped-fetch ped-topn; do ln -s "$PED_BIN/$t" fakebin/$t; done
	# ped-agg -b day stops with bad data after a few rows: ped-fetch then
	# dies of SIGPIPE, month and its tables see a cut stream.
	printf '#!/bin/sh\ncase "$*" in *"-b day"*) head -5 >/dev/null; echo "ped-agg: <stdin>:5: bad count" >&2; exit 65;; esac\nexec "%s/ped-agg" "$@"\n' "$PED_BIN" >fakebin/ped-agg
	chmod +x fakebin/ped-agg
	for extra in "" --keep-staged --seed; do
		run -1 --separate-stderr env PED_BIN="$PWD/fakebin" "$P" -s "$ROOT/data/melbourne_ods_counts_50k_sample.csv.gz" -o out $extra
		assert_stderr "$(printf '%s\n' 'ped-agg: <stdin>:5: bad count' 'ped-pipeline: stage ped-agg -b day failed (exit 65); nothing written')"
	done
}

@test "a named pipe that cannot be made: one message, no work folder left" {
	mkdir fakebin
	printf '#!/bin/sh\necho "mkfifo: cannot create fifo: No space left on device" >&2\nexit 1\n' >fakebin/mkfifo
	chmod +x fakebin/mkfifo
	run -1 --separate-stderr env PATH="$PWD/fakebin:$PATH" "$P" -s "$SEED" -o out
	assert_stderr --regexp '^ped-pipeline: "out/\.ped-pipeline\.[A-Za-z0-9]{6}": cannot make the named pipes: No space left on device; nothing written$'
	run ls -A out
	assert_output ''
}
