#!/usr/bin/env bats
# ped-fetch: ZIP, bzip2, xz and zstd input (libarchive), from files, stdin
# and HTTP, recognised by magic bytes; --member; truncated and corrupt
# archives; gzip of gzip and trailing garbage. Every archive is built here
# from the real fixtures.

load helper
load servers/httpd

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY='*' PED_RETRY_BASE_MS=1

setup_file() {
	local d=$BATS_FILE_TMPDIR
	cd "$d"
	# 5000 rows (about 0.7 MB: many libarchive reads) and the archive's
	# own Date_Time form ("November 01, 2019 05:00:00 PM").
	cp "$DATA/fetch/ch3t_soda_5000rows_2019-11.csv" big.csv
	cp "$DATA/fetch/legacy_archive.csv" archive.csv
	ped-fetch big.csv >big.expected
	ped-fetch archive.csv >archive.expected
	zip -q deflate.zip big.csv
	zip -q -0 stored.zip big.csv
	cat big.csv | zip -q | cat >pipe.zip	# data descriptors, member "-"
	python3 - <<-'PY'
	import zipfile
	with zipfile.ZipFile("zip64.zip", "w", zipfile.ZIP_DEFLATED) as z:
	    with open("big.csv", "rb") as f, \
	         z.open("big.csv", "w", force_zip64=True) as m:
	        m.write(f.read())
	PY
	zip -q two.zip big.csv archive.csv
	mkdir -p sub
	cp archive.csv sub/notes.txt
	zip -q withtxt.zip sub/notes.txt archive.csv
	bzip2 -kf big.csv
	xz -kf big.csv
	zstd -qf big.csv
	gzip -c big.csv | gzip -c >big.csv.gz.gz
	httpd_start HTTP "$d"
}

teardown_file() {
	httpd_stop HTTP
}

setup() {
	D=$BATS_FILE_TMPDIR
	URL="http://127.0.0.1:$HTTP_PORT"
}

@test "fetch_archive: a deflated ZIP reads as its CSV" {
	run -0 --separate-stderr ped-fetch "$D/deflate.zip"
	output_matches "$D/big.expected"
	assert_equal "$stderr" ''
}

@test "fetch_archive: a stored ZIP (zip -0)" {
	run -0 ped-fetch "$D/stored.zip"
	output_matches "$D/big.expected"
}

@test "fetch_archive: a ZIP written to a pipe (data descriptors, member \"-\")" {
	# zip(1) writing to a pipe cannot seek back: sizes follow the data.
	run -0 python3 -c 'import sys, zipfile
i = zipfile.ZipFile(sys.argv[1]).infolist()[0]
print(i.filename, i.flag_bits & 8)' "$D/pipe.zip"
	assert_output '- 8'
	run -0 ped-fetch "$D/pipe.zip"
	output_matches "$D/big.expected"
}

@test "fetch_archive: ZIP64 (Python zipfile, force_zip64)" {
	# The local header: sizes 0xffffffff, a ZIP64 extra field (0x0001).
	run -0 python3 -c 'import sys, struct
b = open(sys.argv[1], "rb").read()
n = struct.unpack("<H", b[26:28])[0]
print(b[18:26] == b"\xff" * 8 and b[30 + n:32 + n] == b"\x01\x00")' "$D/zip64.zip"
	assert_output True
	run -0 ped-fetch "$D/zip64.zip"
	output_matches "$D/big.expected"
}

@test "fetch_archive: ZIP on stdin and over HTTP, plain and chunked" {
	run -0 bash -c "ped-fetch <'$D/pipe.zip'"
	output_matches "$D/big.expected"
	run -0 bash -c "cat '$D/deflate.zip' | ped-fetch -"
	output_matches "$D/big.expected"
	run -0 ped-fetch "$URL/plain/deflate.zip"
	output_matches "$D/big.expected"
	run -0 ped-fetch "$URL/chunked/pipe.zip"
	output_matches "$D/big.expected"
}

@test "fetch_archive: a ZIP download cut part-way resumes with Range" {
	run -0 --separate-stderr ped-fetch "$URL/cutonce/zipcut/30000/deflate.zip"
	output_matches "$D/big.expected"
	run -0 grep -c 'range=bytes=30000-' "$HTTP_LOG"
	assert_output 1
}

@test "fetch_archive: the archive's Date_Time form inside a ZIP" {
	run -0 ped-fetch "$D/withtxt.zip"
	output_matches "$D/archive.expected"
	assert_line --index 1 $'2019-11-01T17\t34\tFlinders St-Spark La\t300'
}

@test "fetch_archive: two CSV members without --member: exit 65, both listed" {
	# A file: its central directory is read first, so no row is written.
	run -65 --separate-stderr ped-fetch "$D/two.zip"
	assert_stderr "ped-fetch: $D/two.zip: the ZIP archive holds 2 CSV/JSON members, pick one with --member NAME: \"big.csv\", \"archive.csv\""
	assert_output ''
	# A stream: the second member shows after (some of) the first one's rows.
	run -65 --separate-stderr bash -c "ped-fetch <'$D/two.zip'"
	assert_stderr "ped-fetch: <stdin>: the ZIP archive holds 2 CSV/JSON members, pick one with --member NAME: \"big.csv\", \"archive.csv\""
	assert_line --index 1 "$(sed -n 2p "$D/big.expected")"
}

@test "fetch_archive: --member picks one, by path or last name" {
	run -0 ped-fetch --member archive.csv "$D/two.zip"
	output_matches "$D/archive.expected"
	run -0 ped-fetch --member big.csv "$D/two.zip"
	output_matches "$D/big.expected"
	run -0 ped-fetch --member notes.txt "$D/withtxt.zip"
	output_matches "$D/archive.expected"
	run -0 bash -c "ped-fetch --member sub/notes.txt <'$D/withtxt.zip'"
	output_matches "$D/archive.expected"
}

@test "fetch_archive: --member naming no member: exit 65, members listed" {
	run -65 --separate-stderr ped-fetch --member nope.csv "$D/two.zip"
	assert_stderr "ped-fetch: $D/two.zip: no member \"nope.csv\" in the ZIP archive; members: \"big.csv\", \"archive.csv\""
	run -65 --separate-stderr bash -c "ped-fetch --member nope.csv <'$D/two.zip'"
	assert_stderr "ped-fetch: <stdin>: no member \"nope.csv\" in the ZIP archive; members: \"big.csv\", \"archive.csv\""
}

@test "fetch_archive: a ZIP with no CSV or JSON member: exit 65" {
	cd "$BATS_TEST_TMPDIR"
	cp "$DATA/fetch/legacy_archive.csv" notes.txt
	zip -q only.zip notes.txt
	run -65 --separate-stderr ped-fetch only.zip
	assert_stderr 'ped-fetch: only.zip: no CSV or JSON member in the ZIP archive; members: "notes.txt"'
}

@test "fetch_archive: a truncated ZIP is a runtime error naming the source" {
	cd "$BATS_TEST_TMPDIR"
	head -c 50000 "$D/deflate.zip" >cut.zip
	run -1 --separate-stderr ped-fetch -q cut.zip
	assert_stderr 'ped-fetch: cut.zip: zip: unexpected end of data'
	# Cut in the central directory: the data is whole, the archive not.
	head -c $(($(stat -c %s "$D/deflate.zip") - 10)) "$D/deflate.zip" >cd.zip
	run -1 --separate-stderr ped-fetch -q cd.zip
	assert_stderr 'ped-fetch: cd.zip: zip: unexpected end of data (no end of central directory record)'
	run -1 --separate-stderr bash -c 'ped-fetch -q <cut.zip'
	assert_stderr 'ped-fetch: <stdin>: zip: unexpected end of data'
}

@test "fetch_archive: corrupt ZIP data is a runtime error" {
	cd "$BATS_TEST_TMPDIR"
	python3 -c 'import sys
b = bytearray(open(sys.argv[1], "rb").read())
for i in range(2000, 2100): b[i] ^= 0x55
open("bad.zip", "wb").write(b)' "$D/deflate.zip"
	run -1 --separate-stderr ped-fetch -q bad.zip
	assert_stderr --partial 'ped-fetch: bad.zip: zip: corrupt data: "'
}

@test "fetch_archive: a .zip that is not one is read as it is, with a warning" {
	cd "$BATS_TEST_TMPDIR"
	cp "$D/archive.csv" csv.zip
	run -0 --separate-stderr ped-fetch csv.zip
	output_matches "$D/archive.expected"
	assert_stderr 'ped-fetch: csv.zip: no zip signature, read as it is'
	run -0 --separate-stderr ped-fetch -q csv.zip
	assert_equal "$stderr" ''
	printf '<html>Not Found</html>\n' >html.zip
	run -65 --separate-stderr ped-fetch html.zip
	assert_stderr --partial 'ped-fetch: html.zip: no zip signature, read as it is'
}

@test "fetch_archive: bzip2, xz and zstd give the same TSV" {
	local x
	for x in bz2 xz zst; do
		run -0 ped-fetch "$D/big.csv.$x"
		output_matches "$D/big.expected"
		run -0 bash -c "ped-fetch <'$D/big.csv.$x'"
		output_matches "$D/big.expected"
	done
	run -0 ped-fetch "$URL/plain/big.csv.xz"
	output_matches "$D/big.expected"
}

@test "fetch_archive: truncated bzip2, xz and zstd streams: exit 1" {
	local x
	cd "$BATS_TEST_TMPDIR"
	for x in bz2 xz zst; do
		head -c 20000 "$D/big.csv.$x" >cut.$x
		run -1 --separate-stderr ped-fetch -q cut.$x
		assert_stderr --regexp "^ped-fetch: cut\\.$x: (bzip2|xz|zstd): "
	done
}

@test "fetch_archive: gzip of gzip is undone twice" {
	run -0 ped-fetch "$D/big.csv.gz.gz"
	output_matches "$D/big.expected"
}

@test "fetch_archive: trailing garbage after gzip data: exit 1, said so" {
	cd "$BATS_TEST_TMPDIR"
	{ gzip -c "$D/archive.csv"; echo 'not gzip'; } >junk.gz
	run -1 --separate-stderr ped-fetch -q junk.gz
	assert_stderr --partial 'ped-fetch: junk.gz: gzip: trailing garbage after the compressed data ('
}

@test "fetch_archive: -v names the member read" {
	run -0 --separate-stderr ped-fetch -v --member archive.csv "$D/two.zip"
	assert_stderr --partial "ped-fetch: $D/two.zip: reading member \"archive.csv\""
}
