#!/usr/bin/env bats
# make bench's inputs and references, checked on small data: the legacy
# CSV generator (tests/bench/gen-legacy) and the awk + sort top 10 of
# bench_duckdb.sh. No timings here.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
	GEN="$ROOT/tests/bench/gen-legacy"
}

@test "gen-legacy: the legacy header, exactly ROWS rows, the same bytes every run" {
	run "$GEN" 3
	assert_success
	assert_line --index 0 'ID,Date_Time,Year,Month,Mdate,Day,Time,Sensor_ID,Sensor_Name,Hourly_Counts'
	assert_line --index 1 --regexp '^1,05/01/2009 12:00:00 AM,2009,May,1,Friday,0,[0-9]+,[^,]+,[0-9]+$'
	assert_equal "${#lines[@]}" 4
	"$GEN" 30000 >a.csv
	"$GEN" 30000 >b.csv
	cmp a.csv b.csv
	assert_equal "$(wc -l <a.csv)" 30001
	"$GEN" --seed 2 30000 >c.csv
	! cmp -s a.csv c.csv
}

@test "gen-legacy: the archive's Date_Time form holds the same hours" {
	"$GEN" --form archive 3 >a.csv
	run sed -n 2p a.csv
	assert_output --regexp '^1,"May 01, 2009 12:00:00 AM",2009,May,1,Friday,0,'
	"$GEN" --form export 50000 | ped-fetch -q >export.tsv
	"$GEN" --form archive 50000 | ped-fetch -q >archive.tsv
	cmp export.tsv archive.tsv
	assert_equal "$(wc -l <export.tsv)" 50001
}

@test "gen-legacy: sensors come and go, one is renamed to a name with a comma, hours in order" {
	"$GEN" 200000 >a.csv
	ped-fetch -q a.csv >a.tsv
	# every hour's rows together, in time order, one row per sensor-hour
	run awk -F'\t' 'NR > 1 { if ($1 < p) bad++; p = $1; if (seen[$1 FS $2]++) bad++ } END { print bad + 0 }' a.tsv
	assert_output 0
	# sensors per day change: more on some later day than on the first,
	# and fewer on some day after that (missing days, sensors removed)
	run awk -F'\t' 'NR > 1 { d = substr($1, 1, 10); if (!(d FS $2 in s)) { s[d FS $2]; n[d]++ }
	    if (f == "") f = d; o[++k] = d }
	    END { for (i = 1; i < k; i++) { if (n[o[i]] > max) { max = n[o[i]]; at = i } }
	          for (i = at; i < k; i++) if (n[o[i]] < max) dip = 1
	          print (max > n[f]) + 0, dip + 0 }' a.tsv
	assert_output '1 1'
	grep -q ',"State Library (North), La Trobe St",' a.csv
	run awk -F'\t' 'NR > 1 && !(($2 FS $3) in s) { s[$2 FS $3]; n[$2]++ } END { for (i in n) if (n[i] > 1) c++; print c + 0 }' a.tsv
	assert_output 2
}

@test "gen-legacy: a bad option, form or row count is a usage error" {
	run -64 --separate-stderr "$GEN" --form json 3
	assert_stderr --partial 'usage: gen-legacy [--form archive|export] [--seed N] ROWS'
	run -64 --separate-stderr "$GEN" --nope 3
	assert_stderr --partial 'gen-legacy: bad option --nope'
	run -64 --separate-stderr "$GEN" 12x
	assert_stderr --partial 'gen-legacy: ROWS: not a number'
	run -64 --separate-stderr "$GEN"
	assert_stderr --partial 'usage: gen-legacy'
}

@test "bench's awk + sort top 10 ranks like ped-agg | ped-topn" {
	B="$ROOT/tests/bench"
	for form in export archive; do
		"$GEN" --form $form 200000 >a.csv
		mawk -v form=$form -f "$B/topn_sum.awk" a.csv | sort -t "$(printf '\t')" -k1,1 -k3,3nr -k2,2n |
		    mawk -v day=day.csv -v month=month.csv -f "$B/topn_rank.awk"
		for p in day month; do
			ped-fetch -q a.csv | ped-agg -b $p | ped-topn --csv | tr -d '\r' |
			    awk -F, '{ print $1 "," $2 "," $3 "," $NF }' >ped.txt
			awk -F, '{ print $1 "," $2 "," $3 "," $NF }' $p.csv >awk.txt
			cmp ped.txt awk.txt
		done
	done
}

@test "bench's awk + sort top 10 keeps ties and skips ranks after them, as RANK()" {
	tsv '0|5|0|Five, with a comma' '0|7|0|Seven "7"' >sorted.tsv
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		c=$((100 - i)); [ $i -lt 10 ] || c=90	# 10, 11 and 12 tie at rank 10
		[ $i -ne 3 ] || c=98			# 2 and 3 tie at rank 2
		tsv "2019-11-01|$i|$c" >>sorted.tsv
	done
	tsv '2019-11|5|10' '2019-11|7|10' '2019-11|1|9' >>sorted.tsv
	mawk -v day=day.csv -v month=month.csv -f "$ROOT/tests/bench/topn_rank.awk" <sorted.tsv
	run cut -d, -f1-3 day.csv
	assert_output "$(printf '%s\n' period,rank,sensor_id 2019-11-01,1,1 2019-11-01,2,2 2019-11-01,2,3 \
	    2019-11-01,4,4 2019-11-01,5,5 2019-11-01,6,6 2019-11-01,7,7 2019-11-01,8,8 2019-11-01,9,9 \
	    2019-11-01,10,10 2019-11-01,10,11 2019-11-01,10,12)"
	run cat month.csv
	assert_output "$(printf '%s\n' period,rank,sensor_id,sensor_name,count \
	    '2019-11,1,5,"Five, with a comma",10' '2019-11,1,7,"Seven ""7""",10' '2019-11,3,1,,9')"
}
