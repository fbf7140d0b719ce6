#!/usr/bin/env bats
# make install: binaries, ped-pipeline and man pages where man finds them.

load helper

@test "make install PREFIX=... installs tools, pipeline and man pages" {
	cd "$BATS_TEST_TMPDIR"
	run make -s --no-print-directory -C "$ROOT" install PREFIX="$PWD/prefix"
	assert_success
	for t in ped-fetch ped-agg ped-topn ped-s3put ped-pipeline; do
		assert_file_executable "prefix/bin/$t"
		run -0 "prefix/bin/$t" --version
		run env MANPATH="$PWD/prefix/share/man" MANWIDTH=80 man "$t"
		assert_success
		assert_line --index 0 --regexp "^${t^^}\(1\)"
	done
	# The installed pipeline finds the installed tools beside it.
	run env -i PATH=/usr/bin:/bin HOME="$PWD" prefix/bin/ped-pipeline \
	    -s "$DATA/pipeline/bonatoc_test_stats.json" -o out
	assert_success
	assert_file_exists out/top10_by_day.csv
	run make -s --no-print-directory -C "$ROOT" uninstall PREFIX="$PWD/prefix"
	assert_success
	run find prefix -type f
	assert_output ''
}
