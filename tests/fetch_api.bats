#!/usr/bin/env bats
# ped-fetch --ods (Opendatasoft exports), --since/--until, --locations,
# against tests/servers/ods.py on 127.0.0.1.

load helper

ODS_DATASET=/api/explore/v2.1/catalog/datasets/pedestrian-counting-system-monthly-counts-per-hour
ODS_LOCATIONS=/api/explore/v2.1/catalog/datasets/pedestrian-counting-system-sensor-locations

setup_file() {
	export NO_PROXY='*' no_proxy='*'
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
	D="$BATS_FILE_TMPDIR"
	/usr/bin/python3 "$BATS_TEST_DIRNAME/servers/ods.py" \
	    --counts "$BATS_TEST_DIRNAME/data/ods/counts_5000.csv" \
	    --locations "$BATS_TEST_DIRNAME/data/ods/sensor_locations.csv" \
	    --port-file "$D/port" --log "$D/log" 3>&- &
	echo $! >"$D/pid"
	for _ in $(seq 100); do [ -s "$D/port" ] && break; sleep 0.05; done
	export ODS="http://127.0.0.1:$(cat "$D/port")"
}

teardown_file() {
	kill "$(cat "$BATS_FILE_TMPDIR/pid")" 2>/dev/null || true
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	: >"$BATS_FILE_TMPDIR/log"
	COUNTS="$DATA/ods/counts_5000.csv"
}

@test "--ods URL streams the CSV export: the same rows as the file" {
	run -0 --separate-stderr ped-fetch --ods "$ODS$ODS_DATASET"
	assert_output "$(ped-fetch "$COUNTS")"
	run cat "$BATS_FILE_TMPDIR/log"
	assert_output "$ODS_DATASET/exports/csv where= timezone=Australia/Melbourne delimiter=, bom=false"
}

@test "an Explore API URL is recognised without --ods" {
	run -0 ped-fetch "$ODS$ODS_DATASET/"
	assert_output "$(ped-fetch "$COUNTS")"
}

@test "--since/--until reach the server as where on sensing_date" {
	run -0 ped-fetch --ods --since 2024-03-01 --until 2024-03-31 "$ODS$ODS_DATASET"
	assert_output "$(ped-fetch --since 2024-03-01 --until 2024-03-31 "$COUNTS")"
	run cat "$BATS_FILE_TMPDIR/log"
	assert_output --partial "where=sensing_date>=date'2024-03-01' and sensing_date<=date'2024-03-31' timezone=Australia/Melbourne"
	run ped-fetch --ods --until 2023-12-31 "$ODS$ODS_DATASET"
	assert_success
	run grep -c "where=sensing_date<=date'2023-12-31' " "$BATS_FILE_TMPDIR/log"
	assert_output 1
}

@test "parameters of an /exports/ URL are kept, missing ones added" {
	run -0 ped-fetch "$ODS$ODS_DATASET/exports/csv?delimiter=%3B"
	assert_output "$(ped-fetch "$COUNTS")"
	run cat "$BATS_FILE_TMPDIR/log"
	assert_output --partial 'delimiter=; bom=false'
}

@test "--ods without a URL means the live dataset (not reached: proxy refused)" {
	run -1 --separate-stderr env -u NO_PROXY -u no_proxy \
	    https_proxy=http://127.0.0.1:9 PED_RETRY_BASE_MS=1 \
	    ped-fetch --ods --retries 0 --since 2026-01-01
	assert_stderr --partial 'ped-fetch: https://data.melbourne.vic.gov.au/api/explore/v2.1/catalog/datasets/pedestrian-counting-system-monthly-counts-per-hour/exports/csv?delimiter=%2C&with_bom=false&timezone=Australia%2FMelbourne&where=sensing_date%3E%3Ddate%272026-01-01%27'
}

@test "an unknown dataset is an HTTP error, exit 1" {
	run -1 --separate-stderr ped-fetch --retries 0 "$ODS/api/explore/v2.1/catalog/datasets/nope"
	assert_stderr --partial 'HTTP 404'
}

@test "--since/--until filter the rows of a file, inclusive" {
	ped-fetch "$COUNTS" >all.tsv
	run -0 --separate-stderr ped-fetch -v --since 2024-02-10 --until 2024-02-11 "$COUNTS"
	assert_output "$(awk -F'\t' 'NR == 1 || ($1 >= "2024-02-10" && $1 < "2024-02-12")' all.tsv)"
	assert_stderr --partial 'rows outside --since/--until'
	run ped-fetch --no-header --since 2025-10-17 "$COUNTS"
	assert_output "$(awk -F'\t' 'NR > 1 && $1 >= "2025-10-17"' all.tsv)"
}

@test "bad --since/--until and stray SODA options are usage errors" {
	run -64 --separate-stderr ped-fetch --since 2024-02-30 "$COUNTS"
	assert_stderr 'ped-fetch: --since: invalid date "2024-02-30"'
	run -64 --separate-stderr ped-fetch --until 2024-02 "$COUNTS"
	assert_stderr 'ped-fetch: --until: invalid date "2024-02"'
	run -64 --separate-stderr ped-fetch --since 2024-03-01 --until 2024-02-01 "$COUNTS"
	assert_stderr 'ped-fetch: --since 2024-03-01 is after --until 2024-02-01'
	run -64 --separate-stderr ped-fetch --jobs 4 "$COUNTS"
	assert_stderr 'ped-fetch: --page-size, --jobs and --where go with --soda'
}

@test "--locations from the Opendatasoft export names sensors by id" {
	run -0 --separate-stderr ped-fetch -v --locations "$DATA/ods/sensor_locations.csv" "$COUNTS"
	assert_line --index 1 "$(tsv '2024-02-14T23|48|QVM-Queen St (East)|137')"
	assert_stderr --partial '113 locations'
	# Device codes shared by two ids (123, 124) get each id's own place.
	run bash -c "ped-fetch --locations '$DATA/ods/sensor_locations.csv' '$COUNTS' | awk -F'\t' '\$2 == 123 || \$2 == 124 { print \$2 \"\t\" \$3 }' | sort -u"
	assert_output "$(tsv '123|Birrarung Marr East - Batman Ave Bridge Entry' '124|Birrarung Marr East - Batman Ave Bridge Entry')"
}

@test "--locations over HTTP (the ODS export with field names, ';' and a BOM)" {
	run -0 ped-fetch --locations "$ODS$ODS_LOCATIONS/exports/csv" "$COUNTS"
	assert_output "$(ped-fetch --locations "$DATA/ods/sensor_locations.csv" "$COUNTS")"
}

@test "--locations from the legacy SODA JSON and CSV (multi-line fields)" {
	run -0 ped-fetch --locations "$DATA/ods/legacy_locations.json" "$DATA/fetch/bonatoc_test_stats.json"
	assert_line --index 1 --regexp '	Flinders St-Spark La	300$|	Flinders St-Spark Lane	300$'
	run -0 --separate-stderr ped-fetch -v --locations "$DATA/ods/legacy_locations_soda.csv" "$DATA/fetch/bonatoc_test_stats.json"
	assert_stderr --regexp 'locations; [0-9]+ rows named, [0-9]+ sensor ids without a location kept their name'
}

@test "ids the locations lack keep their own name and are counted" {
	printf 'Location_ID,Sensor_Description\n48,Queen Victoria Market\n' >loc.csv
	run -0 --separate-stderr ped-fetch -v --locations loc.csv "$COUNTS"
	assert_line --index 1 "$(tsv '2024-02-14T23|48|Queen Victoria Market|137')"
	assert_line --index 2 "$(tsv '2025-08-06T06|30|Lon189_T|44')"
	assert_stderr --regexp '1 locations; [0-9]+ rows named, [0-9]+ sensor ids without a location'
}

@test "a bad locations file is an error" {
	printf 'a,b\n1,2\n' >bad.csv
	run -65 --separate-stderr ped-fetch --locations bad.csv "$COUNTS"
	assert_stderr --partial 'bad.csv:1: not a sensor-locations header'
	printf 'Location_ID,Sensor_Description\nx,y\n' >bad2.csv
	run -65 --separate-stderr ped-fetch --locations bad2.csv "$COUNTS"
	assert_stderr 'ped-fetch: bad2.csv:2: bad sensor id "x"'
	run -1 --separate-stderr ped-fetch --locations nosuch.csv "$COUNTS"
	assert_stderr --partial 'nosuch.csv'
}

@test "a malformed PED_RETRY_BASE_MS is a usage error" {
	run -64 --separate-stderr env PED_RETRY_BASE_MS=abc ped-fetch --retries 1 http://127.0.0.1:9/x.csv
	assert_stderr 'ped-fetch: PED_RETRY_BASE_MS: invalid milliseconds "abc"'
}

@test "a dataset URL with a query string: the export path goes before the query" {
	run -0 --separate-stderr ped-fetch "$ODS$ODS_DATASET?apikey=k-123&lang=en"
	assert_output "$(ped-fetch "$COUNTS")"
	run cat "$BATS_FILE_TMPDIR/log"
	assert_output "$ODS_DATASET/exports/csv where= timezone=Australia/Melbourne delimiter=, bom=false apikey=k-123 lang=en"
}

@test "Explore v2.0 and /api/v2/ dataset URLs are recognised" {
	local v20=${ODS_DATASET/v2.1/v2.0} v2=${ODS_DATASET/explore\/v2.1/v2}
	run -0 --separate-stderr ped-fetch "$ODS$v20"
	assert_output "$(ped-fetch "$COUNTS")"
	run -0 --separate-stderr ped-fetch --since 2024-03-01 "$ODS$v2/"
	assert_output "$(ped-fetch --since 2024-03-01 "$COUNTS")"
	run cat "$BATS_FILE_TMPDIR/log"
	assert_line --index 0 --partial "$v20/exports/csv where= "
	assert_line --index 1 --partial "$v2/exports/csv where=sensing_date>=date'2024-03-01' "
}

@test "--locations with a dataset URL reads its export, like SOURCE" {
	run -0 --separate-stderr ped-fetch --locations "$ODS$ODS_LOCATIONS?lang=en" "$COUNTS"
	assert_output "$(ped-fetch --locations "$DATA/ods/sensor_locations.csv" "$COUNTS")"
	run cat "$BATS_FILE_TMPDIR/log"
	assert_output --partial "$ODS_LOCATIONS/exports/csv where= "
}
