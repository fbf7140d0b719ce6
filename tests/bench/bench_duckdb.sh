#!/usr/bin/env bash
# ped-pipeline against DuckDB, awk + sort and (when installed) pandas on a
# generated legacy CSV (tests/bench/gen-legacy, 4.5 M rows: the archive's
# scale): top 10 per day and per month; also ped-pipeline --seed (the
# seed's four tables more). In one run:
#   1. each tool once, every process under /usr/bin/time for its peak RSS,
#      and the tables compared with cmp (ped-topn's CRs dropped);
#   2. BENCH_RUNS (3) rounds with the tools alternating: median wall time,
#      MB/s of CSV, ratio to DuckDB;
#   3. the stages alone: ped-fetch (CSV -> TSV, both Date_Time forms) and
#      ped-agg -b day (on ped-fetch's TSV) against DuckDB, mawk and cat.
# Writes $BENCH_DIR/results.md (make bench prints it). BENCH_BIG=1 adds
# 45 M rows (3.9 GB in $BENCH_DIR) and the 45 M / 4.5 M time ratios.
#   BENCH_ROWS   the first size (default 4500000)
#   BENCH_FORM   export (11/01/2019 05:00:00 PM, default) or archive
#   BENCH_RUNS   timed rounds (default 3)
# DuckDB: @duckdb/node-api pinned in tests/bench/package-lock.json,
# installed into tests/bench/node_modules with npm ci when missing.
# The NAME_run functions and label_NAME variables are used by name:
# shellcheck disable=SC2317,SC2034
set -eu
cd "$(dirname "$0")/../.."
: "${BENCH_DIR:=$PWD/build/bench}" "${PED_BIN:=$PWD/bin}"
: "${BENCH_ROWS:=4500000}" "${BENCH_FORM:=export}" "${BENCH_RUNS:=3}"
export LC_ALL=C
top=$PWD
here=$top/tests/bench
pipeline=$top/scripts/pipeline.sh
res=$BENCH_DIR/results.md
w=$BENCH_DIR/duckdb
mkdir -p "$w"
rm -f "$res"

die() { echo "bench_duckdb: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	die "node and npm are missing (apt-get install nodejs npm)"
fi
command -v mawk >/dev/null || die "mawk is missing (apt-get install mawk)"
if [ ! -d "$here/node_modules/@duckdb/node-api" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) ||
	    die "npm ci in tests/bench failed"
fi
pandas=0
! /usr/bin/python3 -c 'import pandas' 2>/dev/null || pandas=1
duckdb_version=$(node -p 'require(process.argv[1]).version' \
    "$here/node_modules/@duckdb/node-api/package.json")

# Helpers --------------------------------------------------------------

now() { date +%s.%N; }
# elapsed T0: seconds since T0, three decimals.
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# median T...: the median of the numbers.
median() {
	printf '%s\n' "$@" | sort -g |
	    awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# div A B [FMT]
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { printf f, (b > 0 ? a / b : 0) }'; }
mb() { awk -v b="$(wc -c <"$1")" 'BEGIN { printf "%.1f", b / 1e6 }'; }

# wrap DIR RSSDIR PROG...: DIR/NAME runs PROG under /usr/bin/time, which
# writes its peak RSS (KiB) to RSSDIR/NAME.PID.
wrap() {
	local dir=$1 rss=$2 p real
	shift 2
	mkdir -p "$dir" "$rss"
	for p; do
		real=$(command -v "$p") || continue
		printf '#!/bin/sh\nexec /usr/bin/time -f %%M -o "%s/%s.$$" "%s" "$@"\n' \
		    "$rss" "${p##*/}" "$real" >"$dir/${p##*/}"
		chmod +x "$dir/${p##*/}"
	done
}
# rss RSSDIR: sets $rss_str to "name MiB, name MiB / MiB, ..." (several
# processes of one program: largest first) and $rss_max to the largest.
rss() {
	local out
	out=$(for f in "$1"/*.*; do
		[ -e "$f" ] || continue
		n=${f##*/}
		printf '%s %s\n' "${n%.*}" "$(tail -1 "$f")"
	done | sort -k1,1 -k2,2nr | awk '
	    { v = sprintf("%.1f", $2 / 1024); if ($2 > max) max = $2
	      if ($1 == p) s = s " / " v; else { s = s (s == "" ? "" : ", ") $1 " " v; p = $1 } }
	    END { printf "%s|%.1f", s, max / 1024 }')
	rss_max=${out##*|}
	rss_str=${out%|*}
}

# The tools: NAME_run FILE OUTDIR [PATH-PREFIX]. Each writes
# OUTDIR/top10_by_day.csv and OUTDIR/top10_by_month.csv.
duckdb_run() {	# node is one process: its RSS is DuckDB's
	if [ -n "${3:-}" ]; then
		/usr/bin/time -f %M -o "$3/node.$$" \
		    node "$here/duckdb_bench.mjs" topn "$BENCH_FORM" "$1" "$2"
	else
		node "$here/duckdb_bench.mjs" topn "$BENCH_FORM" "$1" "$2"
	fi
}
ped_run() {
	PED_BIN=${3:-$PED_BIN} "$pipeline" -s "$1" -o "$2"
}
pedseed_run() {	# also the seed's four files (weekday and month name)
	PED_BIN=${3:-$PED_BIN} "$pipeline" --seed -s "$1" -o "$2"
}
awk_run() {
	PATH=${3:-}${3:+:}$PATH bash -c '
	    mawk -v form="$1" -f "$2/topn_sum.awk" "$3" |
	    sort -t "	" -k1,1 -k3,3nr -k2,2n |
	    mawk -v day="$4/top10_by_day.csv" -v month="$4/top10_by_month.csv" \
	        -f "$2/topn_rank.awk"' _ "$BENCH_FORM" "$here" "$1" "$2"
}
pandas_run() {	# /usr/bin/python3: Debian's python3-pandas
	local py=/usr/bin/python3
	[ -z "${3:-}" ] || py=$3/python3
	"$py" "$here/topn_pandas.py" "$BENCH_FORM" "$1" "$2"
}

# run_one TOOL FILE [PREFIX]: TOOL's stderr (ped-pipeline's summary line)
# goes to a file, shown when it fails.
run_one() {
	"${1}_run" "$2" "$w/$1" ${3:+"$3"} >/dev/null 2>"$w/$1.err" ||
	    { cat "$w/$1.err" >&2; die "$1 failed"; }
}

# same DIR: how DIR's tables compare with DuckDB's. DuckDB quotes some
# fields no CSV rule requires quoted (a name with "#"): the same records
# written with other quotes are "same (quoting differs)".
same() {
	local p verdict=same
	for p in day month; do
		if ! cmp -s <(tr -d '\r' <"$1/top10_by_$p.csv") "$w/duckdb/top10_by_$p.csv"; then
			if cmp -s <(csv_canon <"$1/top10_by_$p.csv") \
			    <(csv_canon <"$w/duckdb/top10_by_$p.csv"); then
				verdict="same (quoting differs)"
			elif cmp -s <(tr -d '\r' <"$1/top10_by_$p.csv" | csv_noname) \
			    <(csv_noname <"$w/duckdb/top10_by_$p.csv"); then
				verdict="names differ (ranks, ids, counts same)"
			else
				verdict=DIFFERENT
				break
			fi
		fi
	done
	echo "$verdict"
}
# csv_canon: the records of a CSV, each written with quotes only where
# needed (Python's csv module).
csv_canon() {
	/usr/bin/python3 -c 'import csv, sys
w = csv.writer(sys.stdout, lineterminator="\n")
for row in csv.reader(sys.stdin):
    w.writerow(row)'
}
# csv_noname: period,rank,sensor_id,count of each table row.
csv_noname() {
	mawk -F, '{ printf "%s,%s,%s,%s\n", $1, $2, $3, $NF }'
}

# The comparison at one size ----------------------------------------

declare -A wall rss_of rssmax verdict
namediff=""
tools="duckdb ped pedseed awk"
[ $pandas -eq 0 ] || tools="$tools pandas"
label_duckdb="DuckDB $duckdb_version (\`@duckdb/node-api\`), one SQL script, 2 threads"
label_ped="\`ped-pipeline -s FILE -o DIR\`"
label_pedseed="\`ped-pipeline --seed -s FILE -o DIR\` (4 more tables)"
label_awk="mawk + sort + mawk"
label_fetch="\`ped-fetch\` alone"
label_agg="\`ped-agg -b day\` alone"
label_pandas="pandas $(/usr/bin/python3 -c 'import pandas; print(pandas.__version__)' 2>/dev/null || :)"
status=0
{
	echo "# make bench: top 10 per day and per month"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs" \
	    "($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
	    "$(uname -sr)), git $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
	echo "Input: \`tests/bench/gen-legacy --form $BENCH_FORM ROWS\`, in the page cache." \
	    "Wall: median of $BENCH_RUNS runs, the tools alternating; peak RSS of every" \
	    "process (\`/usr/bin/time -f %M\`) in a separate run, MiB."
	echo
} >"$res"

# generated FORM ROWS: the path of gen-legacy's CSV, made when missing.
generated() {
	local f=$BENCH_DIR/gen_$1_$2.csv
	if [ ! -s "$f" ] || [ "$here/gen_legacy.c" -nt "$f" ]; then
		echo "bench_duckdb: generating $f" >&2
		"$here/gen-legacy" --form "$1" "$2" >"$f.tmp"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}

compare() {	# compare ROWS
	local rows=$1 csv tool r t0 tsv
	csv=$(generated "$BENCH_FORM" "$rows")
	cat "$csv" >/dev/null
	local size
	size=$(mb "$csv")

	# 1. One run of each under /usr/bin/time, then the tables compared.
	for tool in $tools; do
		rm -rf "${w:?}/$tool" "$w/rss-$tool" "$w/wrap-$tool"
		mkdir -p "$w/$tool" "$w/rss-$tool"
		case $tool in
		ped*) wrap "$w/wrap-$tool" "$w/rss-$tool" "$PED_BIN"/ped-* tee ;;
		awk) wrap "$w/wrap-$tool" "$w/rss-$tool" mawk sort ;;
		pandas) wrap "$w/wrap-$tool" "$w/rss-$tool" /usr/bin/python3 ;;
		esac
		run_one "$tool" "$csv" \
		    "$([ "$tool" = duckdb ] && echo "$w/rss-$tool" || echo "$w/wrap-$tool")"
		rss "$w/rss-$tool"
		rss_of[$tool]=$rss_str
		rssmax[$tool]=$rss_max
	done
	for tool in $tools; do
		if [ "$tool" = duckdb ]; then verdict[$tool]=reference; continue; fi
		verdict[$tool]=$(same "$w/$tool")
		[ "${verdict[$tool]}" != DIFFERENT ] || status=1
		case ${verdict[$tool]} in
		"names differ"*) [[ " $namediff " == *" $tool "* ]] ||
		    namediff="$namediff $tool" ;;
		esac
	done

	# 2. Timed rounds, the tools alternating.
	declare -A times=()
	for ((r = 0; r < BENCH_RUNS; r++)); do
		for tool in $tools; do
			t0=$(now)
			run_one "$tool" "$csv"
			times[$tool]="${times[$tool]:-} $(elapsed "$t0")"
		done
	done
	for tool in $tools; do
		# shellcheck disable=SC2086
		wall[$tool,$rows]=$(median ${times[$tool]})
	done

	{
		echo "## $rows rows ($size MB)"
		echo
		echo "| tool | wall (s) | MB/s | × DuckDB | peak RSS per process (MiB) | largest / DuckDB's | tables |"
		echo "|---|---|---|---|---|---|---|"
		for tool in $tools; do
			local label="label_$tool"
			echo "| ${!label} | ${wall[$tool,$rows]} |" \
			    "$(div "$size" "${wall[$tool,$rows]}" %.0f) |" \
			    "$(div "${wall[$tool,$rows]}" "${wall[duckdb,$rows]}") |" \
			    "${rss_of[$tool]} | $(div "${rssmax[$tool]}" "${rssmax[duckdb]}") |" \
			    "${verdict[$tool]} |"
		done
		echo
		printf 'Every run (s):'
		for tool in $tools; do
			printf ' %s%s;' "$tool" "${times[$tool]}"
		done | sed 's/;$/./'
		echo
		echo
	} >>"$res"

	# 3. The stages alone.
	tsv=$BENCH_DIR/gen_${BENCH_FORM}_$rows.tsv
	if ! [ -s "$tsv" ] || ! [ "$tsv" -nt "$csv" ] || ! [ "$tsv" -nt "$PED_BIN/ped-fetch" ]; then
		"$PED_BIN/ped-fetch" -q "$csv" >"$tsv"
	fi
	local tsize other csv2 size2
	tsize=$(mb "$tsv")
	# ped-fetch on the other Date_Time form too (same rows).
	other=archive
	[ "$BENCH_FORM" = export ] || other="export"
	csv2=$(generated "$other" "$rows")
	size2=$(mb "$csv2")
	cat "$csv2" >/dev/null
	declare -A st=()
	for ((r = 0; r < BENCH_RUNS; r++)); do
		t0=$(now); "$PED_BIN/ped-fetch" -q "$csv" >/dev/null
		st[fetch]="${st[fetch]:-} $(elapsed "$t0")"
		t0=$(now); node "$here/duckdb_bench.mjs" fetch "$BENCH_FORM" "$csv"
		st[dfetch]="${st[dfetch]:-} $(elapsed "$t0")"
		t0=$(now); "$PED_BIN/ped-fetch" -q "$csv2" >/dev/null
		st[fetch2]="${st[fetch2]:-} $(elapsed "$t0")"
		t0=$(now); node "$here/duckdb_bench.mjs" fetch "$other" "$csv2"
		st[dfetch2]="${st[dfetch2]:-} $(elapsed "$t0")"
		t0=$(now); cat "$csv" >/dev/null
		st[cat]="${st[cat]:-} $(elapsed "$t0")"
		t0=$(now); "$PED_BIN/ped-agg" -b day "$tsv" >/dev/null
		st[agg]="${st[agg]:-} $(elapsed "$t0")"
		t0=$(now); node "$here/duckdb_bench.mjs" agg "$tsv"
		st[dagg]="${st[dagg]:-} $(elapsed "$t0")"
	done
	# mawk once: a naive converter (splits at every comma, no checks) and a
	# sum by day.
	t0=$(now)
	mawk -F, 'BEGIN { OFS = "\t"; print "period", "sensor_id", "sensor_name", "count" }
	    NR > 1 { split($2, d, /[\/ :]/); h = d[4] % 12; if (d[7] == "PM") h += 12
	    print d[3] "-" d[1] "-" d[2] "T" (h < 10 ? "0" h : h), $8, $9, $10 }' "$csv" >/dev/null
	st[afetch]=$(elapsed "$t0")
	t0=$(now)
	mawk -F'\t' 'NR > 1 { k = substr($1, 1, 10) "\t" $2; s[k] += $4; n[k] = $3 }
	    END { for (k in s) print k "\t" n[k] "\t" s[k] }' "$tsv" >/dev/null
	st[aagg]=$(elapsed "$t0")
	local k
	for k in fetch dfetch fetch2 dfetch2 cat agg dagg; do
		# shellcheck disable=SC2086
		st[$k]=$(median ${st[$k]})
	done
	wall[fetch,$rows]=${st[fetch]} wall[agg,$rows]=${st[agg]}
	rm -rf "$w/rss-stage"
	mkdir -p "$w/rss-stage"
	/usr/bin/time -f %M -o "$w/rss-stage/ped-fetch.1" "$PED_BIN/ped-fetch" -q "$csv" >/dev/null
	/usr/bin/time -f %M -o "$w/rss-stage/ped-agg.1" "$PED_BIN/ped-agg" -b day "$tsv" >/dev/null
	rss "$w/rss-stage"
	{
		echo "| stage alone | wall (s) | MB/s | target | references (MB/s) |"
		echo "|---|---|---|---|---|"
		echo "| \`ped-fetch -q FILE\`, the $BENCH_FORM form ($size MB CSV -> $tsize MB TSV) | ${st[fetch]} |" \
		    "$(div "$size" "${st[fetch]}" %.0f) | ≥ 1000 |" \
		    "DuckDB read_csv+strptime -> TSV $(div "$size" "${st[dfetch]}" %.0f)," \
		    "mawk split at commas $(div "$size" "${st[afetch]}" %.0f) (1 run)," \
		    "cat $(div "$size" "${st[cat]}" %.0f) |"
		echo "| \`ped-fetch -q FILE\`, the $other form ($size2 MB) | ${st[fetch2]} |" \
		    "$(div "$size2" "${st[fetch2]}" %.0f) | ≥ 1000 |" \
		    "DuckDB read_csv+strptime -> TSV $(div "$size2" "${st[dfetch2]}" %.0f) |"
		echo "| \`ped-agg -b day\` on the first one's TSV | ${st[agg]} |" \
		    "$(div "$tsize" "${st[agg]}" %.0f) | ≥ 600 |" \
		    "DuckDB read_csv+GROUP BY $(div "$tsize" "${st[dagg]}" %.0f)," \
		    "mawk sum by day $(div "$tsize" "${st[aagg]}" %.0f) (1 run) |"
		echo
		echo "Peak RSS alone (MiB): $rss_str."
		echo
	} >>"$res"
}

sizes=$BENCH_ROWS
[ "${BENCH_BIG:-0}" = 0 ] || sizes="$sizes $((BENCH_ROWS * 10))"
# pandas holds every row in memory: not at 45 M rows.
tools_big=${tools% pandas}
for rows in $sizes; do
	echo "bench_duckdb: $rows rows"
	[ "$rows" = "$BENCH_ROWS" ] || tools=$tools_big
	compare "$rows"
done
big_ratios() {
	local big=$((BENCH_ROWS * 10))
	{
		echo "## $big rows / $BENCH_ROWS rows, wall time (target ≤ 10.5)"
		echo
		echo "| tool | ratio |"
		echo "|---|---|"
		for tool in $tools_big fetch agg; do
			local label="label_$tool"
			echo "| ${!label} | $(div "${wall[$tool,$big]}" "${wall[$tool,$BENCH_ROWS]}") |"
		done
		echo
	} >>"$res"
}
[ "${BENCH_BIG:-0}" = 0 ] || big_ratios
[ $pandas -eq 0 ] || [ "${BENCH_BIG:-0}" = 0 ] ||
    echo "pandas: not run at $((BENCH_ROWS * 10)) rows (it holds every row in memory)." >>"$res"
[ $pandas -eq 1 ] || echo "pandas: not installed (apt-get install python3-pandas to compare)." >>"$res"
for tool in $namediff; do
	label="label_$tool"
	echo "${!label}: \"names differ\": a renamed sensor has another name than its latest over the whole input in some rows (ped-agg before issue 11 point 2 names each period's group from its own rows)." >>"$res"
done
for rows in $sizes; do
	echo "bench_duckdb: $rows rows: ped-pipeline $(div "${wall[ped,$rows]}" "${wall[duckdb,$rows]}")x DuckDB's wall time"
done
[ $status -eq 0 ] || echo "bench_duckdb: some tables differ from DuckDB's (see $res)" >&2
exit $status
