#!/usr/bin/env bats
# ped-fetch --history: the ZIP archive then the live Opendatasoft table,
# joined at the archive's last day; --since/--until choosing the sources;
# the archive's download cache (ETag, 304, damaged entries). Loopback
# servers: tests/servers/archive.py (counts requests and body bytes) and
# tests/servers/ods.py. Both sources are cut here from one real ODS
# fixture, the archive side rewritten in the archive's legacy shape.

load helper

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY='*' PED_RETRY_BASE_MS=1

DS=/api/explore/v2.1/catalog/datasets/pedestrian-counting-system-monthly-counts-per-hour
ATT=/api/datasets/1.0/pedestrian-counting-system-monthly-counts-per-hour/attachments
DATED=pedestrian_counting_system_monthly_counts_per_hour_may_2009_to_30_jun_2024_csv_zip

# start NAME CMD...: runs a server writing its port to $D/NAME.port.
start() {
	local name=$1 i
	shift
	"$@" </dev/null >/dev/null 2>"$D/$name.err" 3>&- &
	echo $! >"$D/$name.pid"
	for ((i = 0; i < 100; i++)); do
		[ -s "$D/$name.port" ] && return 0
		sleep 0.05
	done
	cat "$D/$name.err" >&2
	return 1
}

setup_file() {
	D=$BATS_FILE_TMPDIR
	cd "$D"
	mkdir -p root
	python3 "$TESTS_DIR/servers/split_history.py" "$DATA/ods/counts_5000.csv" \
	    2024-06-30 2024-06-20 archive.csv live.csv
	python3 "$TESTS_DIR/servers/split_history.py" "$DATA/ods/counts_5000.csv" \
	    2024-06-30 2024-06-20 archive.csv live_gap.csv 2024-07-01 2024-07-10
	# As the City's: one CSV member, deflated; and one zipped from a pipe.
	cp archive.csv Pedestrian_Counting_System_Monthly_counts_per_hour.csv
	zip -q a.zip Pedestrian_Counting_System_Monthly_counts_per_hour.csv
	mv a.zip "root/$DATED"
	cat archive.csv | zip -q | cat >root/nodate_zip
	# Every hour of the fixture, each once, with its own count.
	ped-fetch "$DATA/ods/counts_5000.csv" | sort >all.sorted
	ped-fetch archive.csv >archive.tsv
	start arch python3 "$TESTS_DIR/servers/archive.py" "$D/root" \
	    "$D/arch.port" "$D/arch.log"
	start ods python3 "$TESTS_DIR/servers/ods.py" --counts live.csv \
	    --locations "$DATA/ods/sensor_locations.csv" \
	    --port-file "$D/ods.port" --log "$D/ods.log"
	start gap python3 "$TESTS_DIR/servers/ods.py" --counts live_gap.csv \
	    --locations "$DATA/ods/sensor_locations.csv" \
	    --port-file "$D/gap.port" --log "$D/gap.log"
}

teardown_file() {
	local s
	for s in arch ods gap; do
		kill "$(cat "$BATS_FILE_TMPDIR/$s.pid")" 2>/dev/null || true
	done
}

setup() {
	D=$BATS_FILE_TMPDIR
	cd "$BATS_TEST_TMPDIR"
	: >"$D/arch.log"
	: >"$D/ods.log"
	: >"$D/gap.log"
	A="http://127.0.0.1:$(cat "$D/arch.port")"
	ARCHIVE="$A$ATT/$DATED/"
	ODS="http://127.0.0.1:$(cat "$D/ods.port")$DS"
	GAP="http://127.0.0.1:$(cat "$D/gap.port")$DS"
	unset PED_ARCHIVE_URL PED_ODS_URL
	export XDG_CACHE_HOME="$BATS_TEST_TMPDIR/xdg"
}

requests() { grep -c . "$1" || true; }

@test "fetch_history: the archive then the live table, each hour once" {
	run -0 --separate-stderr ped-fetch --history --no-cache \
	    --archive-url "$ARCHIVE" --ods-url "$ODS"
	printf '%s\n' "$output" | sort >got
	run diff "$D/all.sorted" got
	assert_success
	# No count from the overlap; one request to each server.
	run -1 grep -E $'\t1[0-9]{5}$' got
	assert_equal "$(requests "$D/arch.log")" 1
	run cat "$D/ods.log"
	assert_output "$DS/exports/csv where=sensing_date>=date'2024-07-01' timezone=Australia/Melbourne delimiter=, bom=false"
	# The archive's rows first, as it has them.
	run bash -c "ped-fetch --history --no-cache --archive-url '$ARCHIVE' --ods-url '$ODS' | head -n $(wc -l <"$D/archive.tsv")"
	output_matches "$D/archive.tsv"
}

@test "fetch_history: an archive whose name has no date: the cut comes from its rows" {
	run -0 --separate-stderr ped-fetch --history --no-cache \
	    --archive-url "$A/nodate_zip" --ods-url "$ODS"
	printf '%s\n' "$output" | sort >got
	run diff "$D/all.sorted" got
	assert_success
	run cat "$D/ods.log"
	assert_output --partial "where=sensing_date>=date'2024-07-01' "
}

@test "fetch_history: a live server that ignores where: the overlap is left out" {
	# An /exports/ URL keeps its own where: every live row comes back.
	run -0 --separate-stderr ped-fetch -v --history --no-cache \
	    --archive-url "$ARCHIVE" \
	    --ods-url "$ODS/exports/csv?where=sensing_date>=date'2000-01-01'"
	printf '%s\n' "$output" | sort >got
	run diff "$D/all.sorted" got
	assert_success
	assert_stderr --regexp "live .*: [0-9]+ rows on or before the archive's last day left out"
}

@test "fetch_history: -v reports each source's rows, first and last hour" {
	local first last n
	first=$(tail -n +2 "$D/archive.tsv" | cut -f1 | sort | head -1)
	last=$(tail -n +2 "$D/archive.tsv" | cut -f1 | sort | tail -1)
	n=$(($(wc -l <"$D/archive.tsv") - 1))
	run -0 --separate-stderr ped-fetch -v --history --no-cache \
	    --archive-url "$ARCHIVE" --ods-url "$ODS"
	assert_stderr --partial "ped-fetch: archive $ARCHIVE: $n rows, $first to $last"
	assert_stderr --regexp "ped-fetch: live http://127\\.0\\.0\\.1:[0-9]+$DS/exports/csv\\?[^ ]*: [0-9]+ rows, 2024-07-01T[0-9]{2} to 2025-"
	refute_line --partial 'no data from'
}

@test "fetch_history: a gap between the sources is a warning, even with -q" {
	local last next
	last=$(tail -n +2 "$D/archive.tsv" | cut -f1 | sort | tail -1)
	run -0 --separate-stderr ped-fetch -q --history --no-cache \
	    --archive-url "$ARCHIVE" --ods-url "$GAP"
	next=$(printf '%s\n' "$output" | tail -n +2 | cut -f1 | sort |
	    awk -v l="$last" '$1 > l' | head -1)
	assert_equal "${last%T*}" 2024-06-30
	assert_equal "${next%T*}" 2024-07-11
	assert_stderr "ped-fetch: warning: no data from 2024-07-01 to 2024-07-10 in either source"
	# From --since when the archive ends before it; a range with no data.
	: >"$D/arch.log"
	run -0 --separate-stderr ped-fetch -q --history --no-cache \
	    --archive-url "$ARCHIVE" --ods-url "$GAP" --since 2024-07-05 --until 2024-07-31
	assert_stderr "ped-fetch: warning: no data from 2024-07-05 to 2024-07-10 in either source"
	run -0 --separate-stderr ped-fetch -q --history --no-cache \
	    --archive-url "$ARCHIVE" --ods-url "$GAP" --since 2024-07-02 --until 2024-07-09
	assert_stderr "ped-fetch: warning: no data from 2024-07-02 to 2024-07-09 in either source"
	assert_output $'period\tsensor_id\tsensor_name\tcount'
	assert_equal "$(requests "$D/arch.log")" 0
}

@test "fetch_history: --until inside the archive never asks the live API" {
	run -0 ped-fetch --history --no-cache --archive-url "$ARCHIVE" \
	    --ods-url "$ODS" --until 2024-03-31
	assert_output "$(ped-fetch --until 2024-03-31 "$D/archive.csv")"
	assert_equal "$(requests "$D/arch.log")" 1
	assert_equal "$(requests "$D/ods.log")" 0
	# The same when the cut is learnt from the archive's rows.
	run -0 ped-fetch --history --no-cache --archive-url "$A/nodate_zip" \
	    --ods-url "$ODS" --until 2024-06-30
	assert_equal "$(requests "$D/ods.log")" 0
}

@test "fetch_history: --since after the archive never downloads it" {
	run -0 ped-fetch --history --no-cache --archive-url "$ARCHIVE" \
	    --ods-url "$ODS" --since 2025-01-01 --until 2025-01-31
	assert_output "$(ped-fetch --since 2025-01-01 --until 2025-01-31 "$DATA/ods/counts_5000.csv")"
	assert_equal "$(requests "$D/arch.log")" 0
	run cat "$D/ods.log"
	assert_output --partial "where=sensing_date>=date'2025-01-01' and sensing_date<=date'2025-01-31' "
}

@test "fetch_history: a range across the cut reads both, split at the cut" {
	run -0 ped-fetch --history --no-cache --archive-url "$ARCHIVE" \
	    --ods-url "$ODS" --since 2024-06-01 --until 2024-07-31
	printf '%s\n' "$output" | sort >got
	ped-fetch --since 2024-06-01 --until 2024-07-31 "$DATA/ods/counts_5000.csv" | sort >want
	run diff want got
	assert_success
	run cat "$D/ods.log"
	assert_output --partial "where=sensing_date>=date'2024-07-01' and sensing_date<=date'2024-07-31' "
}

@test "fetch_history: PED_ARCHIVE_URL and PED_ODS_URL" {
	PED_ARCHIVE_URL=$ARCHIVE PED_ODS_URL=$ODS run -0 ped-fetch --history --no-cache
	printf '%s\n' "$output" | sort >got
	run diff "$D/all.sorted" got
	assert_success
	# The options win over the environment; a mirror may be a file.
	PED_ARCHIVE_URL=http://127.0.0.1:1/x PED_ODS_URL=http://127.0.0.1:1/y \
	    run -0 ped-fetch --history --archive-url "$D/root/$DATED" --ods-url "$ODS"
	printf '%s\n' "$output" | sort >got
	run diff "$D/all.sorted" got
	assert_success
	assert_equal "$(requests "$D/arch.log")" 1
}

@test "fetch_history: the second run revalidates: 304, no body, same output" {
	run -0 ped-fetch --history --cache cache --archive-url "$ARCHIVE" --ods-url "$ODS"
	local first=$output size
	size=$(stat -c %s "$D/root/$DATED")
	run -0 grep -c "status=200 bytes=$size\$" "$D/arch.log"
	assert_output 1
	: >"$D/arch.log"
	run -0 --separate-stderr ped-fetch -v --history --cache cache \
	    --archive-url "$ARCHIVE" --ods-url "$ODS"
	assert_equal "$output" "$first"
	assert_stderr --partial "not modified, reading the cached copy"
	run cat "$D/arch.log"
	assert_output --regexp '^GET [^ ]+ inm="[0-9a-f]{20}" ims=[A-Z][a-z]{2}, [^=]+ GMT status=304 bytes=0$'
}

@test "fetch_history: the cache defaults to \$XDG_CACHE_HOME/ped" {
	run -0 ped-fetch --history --archive-url "$ARCHIVE" --ods-url "$ODS"
	run -0 bash -c 'ls xdg/ped/*.body xdg/ped/*.meta | wc -l'
	assert_output 2
	run -0 ped-fetch --history --no-cache --archive-url "$ARCHIVE" --ods-url "$ODS"
	assert_equal "$(grep -c 'inm=-' "$D/arch.log")" 2
}

@test "fetch_history: a changed archive (new ETag) is fetched again" {
	cp -r "$D/root" root
	run -0 ped-fetch --history --cache cache --archive-url "$ARCHIVE" --ods-url "$ODS"
	local first=$output
	# Same rows, other bytes: the archive republished, stored this time.
	cp "$D/archive.csv" Pedestrian_Counting_System_Monthly_counts_per_hour.csv
	cp "$D/root/$DATED" "$BATS_TEST_TMPDIR/saved.zip"
	zip -q -0 new.zip Pedestrian_Counting_System_Monthly_counts_per_hour.csv
	mv new.zip "$D/root/$DATED"
	: >"$D/arch.log"
	run -0 ped-fetch --history --cache cache --archive-url "$ARCHIVE" --ods-url "$ODS"
	cp saved.zip "$D/root/$DATED"
	assert_equal "$output" "$first"
	run -0 grep -c 'status=200 bytes=[1-9]' "$D/arch.log"
	assert_output 1
	run -0 grep -c 'inm="' "$D/arch.log"
	assert_output 1
}

@test "fetch_history: a truncated cache entry is detected and fetched again" {
	run -0 ped-fetch --history --cache cache --archive-url "$ARCHIVE" --ods-url "$ODS"
	local first=$output body
	body=$(ls cache/*.body)
	truncate -s 1000 "$body"
	: >"$D/arch.log"
	run -0 --separate-stderr ped-fetch --history --cache cache --archive-url "$ARCHIVE" --ods-url "$ODS"
	assert_equal "$output" "$first"
	assert_stderr --regexp '^ped-fetch: cache "cache": the copy of "http://127\.0\.0\.1:[0-9]+/api/[^ ]*"\.\.\. is damaged \(size or checksum\); fetching it again$'
	run cat "$D/arch.log"
	assert_output --regexp 'inm=- ims=- status=200 bytes=[1-9]'
	# A flipped byte of the same size: the checksum.
	printf 'X' | dd of="$body" bs=1 seek=500 conv=notrunc 2>/dev/null
	run -0 --separate-stderr ped-fetch --history --cache cache --archive-url "$ARCHIVE" --ods-url "$ODS"
	assert_equal "$output" "$first"
	assert_stderr --partial 'is damaged (size or checksum)'
}

@test "fetch_history: an unwritable cache folder is a warning; the run goes on" {
	: >file
	run -0 --separate-stderr ped-fetch --history --cache file/ped \
	    --archive-url "$ARCHIVE" --ods-url "$ODS"
	printf '%s\n' "$output" | sort >got
	run diff "$D/all.sorted" got
	assert_success
	assert_stderr 'ped-fetch: cache "file/ped": Not a directory; going on without a cache'
}

@test "fetch_history: an interrupted download never becomes a cache entry" {
	run -1 --separate-stderr ped-fetch --history --retries 0 --cache cache \
	    --archive-url "$A/cut/2000/$DATED" --ods-url "$ODS"
	assert_stderr --partial "ped-fetch: $A/cut/2000/$DATED: "
	run ls -A cache
	assert_output ''
	assert_equal "$(requests "$D/ods.log")" 0
}

@test "fetch_history: usage errors" {
	run -64 --separate-stderr ped-fetch --archive-url "$ARCHIVE"
	assert_stderr 'ped-fetch: --archive-url, --ods-url, --cache and --no-cache go with --history'
	run -64 --separate-stderr ped-fetch --history x.csv
	run -64 --separate-stderr ped-fetch --history --ods
}

@test "fetch_history: --locations names the sensors of both sources" {
	run -0 ped-fetch --history --no-cache --archive-url "$ARCHIVE" \
	    --ods-url "$ODS" --locations "$DATA/ods/sensor_locations.csv"
	printf '%s\n' "$output" | sort >got
	ped-fetch --locations "$DATA/ods/sensor_locations.csv" "$DATA/ods/counts_5000.csv" | sort >want
	run diff want got
	assert_success
	run -1 grep -c $'\tQVMQ_T\t' got
}
