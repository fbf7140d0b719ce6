#!/usr/bin/env bash
# ped-pipeline: fetch once, aggregate and rank for each period, write CSV
# tables into a folder, optionally upload them to S3. All or nothing: the
# tables appear (and are uploaded) only when every stage succeeded.
# Functions below run indirectly (traps, run_stage):
# shellcheck disable=SC2317
set -euo pipefail

prog=ped-pipeline
version=0.1.0
usage_line="usage: $prog [-s SOURCE] [-l LOCATIONS] [-o DIR] [-n N] [-p PERIODS] [--s3 s3://bucket/prefix/] [--keep-staged] [--seed]"
options="
  -s SOURCE        what ped-fetch reads: a file, - for stdin, or a URL
                   (default: the live Opendatasoft table)
  -l LOCATIONS     name the sensors from a sensor-locations file or URL
  -o DIR           output folder (default ./out), created when missing
  -n N             sensors per period (default 10; 0 for the full ranking)
  -p PERIODS       comma-separated ped-agg periods (default day,month)
      --s3 s3://bucket/prefix/
                   upload every table under that prefix once all were written
      --keep-staged
                   also write the fetched TSV as DIR/staged.tsv.gz
      --seed       also write the original Python solution's four files
      --help       print this help and exit
      --version    print the version and exit
Writes DIR/topN_by_PERIOD.csv for each period; see ped-pipeline(1)."

# say TEXT: print to stdout; a failed write (full disk, closed pipe) is an
# error, as in the C tools.
say() {
	local err
	exec 3>&1
	err=$(printf '%s\n' "$1" 2>&1 >&3) || die 1 "write error: ${err##*: }"
	exec 3>&-
}

usage() {
	if [ "$1" -eq 0 ]; then say "$usage_line
$options"; else echo "$usage_line" >&2; fi
	exit "$1"
}

die() {	# die STATUS MESSAGE
	echo "$prog: $2" >&2
	exit "$1"
}

source_spec="" locations="" outdir="./out" n=10 periods="day,month" s3="" keep_staged=0 seed=0
while [ $# -gt 0 ]; do
	case $1 in
	-s) [ $# -ge 2 ] || usage 64; source_spec=$2; shift ;;
	-l) [ $# -ge 2 ] || usage 64; locations=$2; shift ;;
	-o) [ $# -ge 2 ] || usage 64; outdir=$2; shift ;;
	-n) [ $# -ge 2 ] || usage 64; n=$2; shift ;;
	-p) [ $# -ge 2 ] || usage 64; periods=$2; shift ;;
	--s3) [ $# -ge 2 ] || usage 64; s3=$2; shift ;;
	--keep-staged) keep_staged=1 ;;
	--seed) seed=1 ;;
	--help) usage 0 ;;
	--version) say "$prog (ped) $version"; exit 0 ;;
	*) echo "$prog: unknown argument '$1'" >&2; usage 64 ;;
	esac
	shift
done

[[ $n =~ ^[0-9]+$ ]] || die 64 "-n: invalid count \"$n\""
n=$((10#$n))
case $s3 in
""|s3://*/) ;;
*) die 64 "--s3: expected s3://bucket/prefix/ ending in /, got \"$s3\"" ;;
esac
IFS=, read -r -a period_list <<<"$periods"
[ ${#period_list[@]} -gt 0 ] || die 64 "-p: no periods"
for p in "${period_list[@]}"; do
	case $p in
	hour|day|month|year|weekday|monthname) ;;
	*) die 64 "-p: unknown period \"$p\" (hour, day, month, year, weekday, monthname)" ;;
	esac
done

# The tools: $PED_BIN, else beside this script in a built checkout, else PATH.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -n "${PED_BIN:-}" ]; then
	PATH="$PED_BIN:$PATH"
elif [ -x "$here/../bin/ped-agg" ]; then
	PATH="$(cd "$here/../bin" && pwd):$PATH"
fi
for t in ped-fetch ped-agg ped-topn; do
	command -v "$t" >/dev/null || die 1 "$t: not found (run make, or set PED_BIN)"
done
[ -z "$s3" ] || command -v ped-s3put >/dev/null || die 1 "ped-s3put: not found"

mkdir -p -- "$outdir" || die 1 "$outdir: cannot create the output folder"
work=$(mktemp -d "$outdir/.ped-pipeline.XXXXXX") ||
    die 1 "$outdir: cannot write to the output folder"
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

name_of() {	# name_of N PERIOD: the table's file name
	if [ "$1" -eq 0 ]; then echo "top_all_by_$2.csv"; else echo "top$1_by_$2.csv"; fi
}

# Seed-compatible tables: day|month,sensor_name,hourly_counts,rank.
seed_csv() {	# seed_csv COLUMN
	awk -F'\t' -v col="$1" 'BEGIN { printf "%s,sensor_name,hourly_counts,rank\n", col }
	function csv(s) {
		gsub(/\\t/, "\t", s); gsub(/\\n/, "\n", s); gsub(/\\r/, "\r", s)
		gsub(/\\\\/, "\\", s)
		if (s ~ /[",\r\n]/) { gsub(/"/, "\"\"", s); s = "\"" s "\"" }
		return s
	}
	{ printf "%s,%s,%s,%s\n", $1, csv($4), $5, $2 }'
}

# Each consumer reads the one fetched stream through its own FIFO; its
# status lands in $work/NAME.status with the stage that failed.
fifos=() outputs=()
run_stage() {	# run_stage NAME CMD...: CMD reads $work/NAME.fifo
	local name=$1
	shift
	mkfifo "$work/$name.fifo"
	fifos+=("$work/$name.fifo")
	( set +e; "$@" <"$work/$name.fifo"; echo $? >"$work/$name.status" ) &
	pids+=($!)
}

table() {	# table PERIOD N OUT
	set +e
	ped-agg -b "$1" --no-header | ped-topn -n "$2" --csv >"$work/$3"
	local s=("${PIPESTATUS[@]}")
	# The downstream failure first: it is what made ped-agg see SIGPIPE.
	[ "${s[1]}" -eq 0 ] || { echo "$prog: stage ped-topn -n $2 (by $1) failed (exit ${s[1]})" >&2; return 1; }
	[ "${s[0]}" -eq 0 ] || { echo "$prog: stage ped-agg -b $1 failed (exit ${s[0]})" >&2; return 1; }
}

seed_tables() {	# seed_tables PERIOD COLUMN SUFFIX
	set +e
	ped-agg -b "$1" >"$work/seed-$1.tsv" ||
	    { echo "$prog: stage ped-agg -b $1 failed" >&2; return 1; }
	if ! ped-topn -n 10 --no-header "$work/seed-$1.tsv" | seed_csv "$2" >"$work/top_10_$3.csv" ||
	    ! ped-topn -n 0 --no-header "$work/seed-$1.tsv" | seed_csv "$2" >"$work/top_all_$3.csv"; then
		echo "$prog: stage ped-topn (seed $3) failed" >&2
		return 1
	fi
	rm -f "$work/seed-$1.tsv"
}

staged() {
	set +e
	gzip -c >"$work/staged.tsv.gz" || { echo "$prog: stage gzip (staged) failed" >&2; return 1; }
}

for p in "${period_list[@]}"; do
	f=$(name_of "$n" "$p")
	run_stage "$f" table "$p" "$n" "$f"
	outputs+=("$f")
done
if [ $seed -eq 1 ]; then
	run_stage seed-daily seed_tables weekday day daily
	run_stage seed-monthly seed_tables monthname month monthly
	outputs+=(top_10_daily.csv top_all_daily.csv top_10_monthly.csv top_all_monthly.csv)
fi
if [ $keep_staged -eq 1 ]; then
	run_stage staged staged
	outputs+=(staged.tsv.gz)
fi

# Fetch once; tee fans the stream out to every stage.
fetch=(ped-fetch -q)
[ -z "$locations" ] || fetch+=(--locations "$locations")
if [ -n "$source_spec" ]; then fetch+=(-- "$source_spec"); else fetch+=(--ods); fi
set +e
"${fetch[@]}" | tee -- "${fifos[@]}" >/dev/null
fetch_status=("${PIPESTATUS[@]}")
set -e
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
pids=()
for s in "$work"/*.status; do
	[ "$(cat "$s")" -eq 0 ] || failed=1
done
# A fetch killed by SIGPIPE (141) only means a consumer stopped early.
if [ "${fetch_status[0]}" -ne 0 ] && { [ "${fetch_status[0]}" -ne 141 ] || [ $failed -eq 0 ]; }; then
	die 1 "stage ped-fetch failed (exit ${fetch_status[0]}); no tables written"
fi
[ "${fetch_status[1]}" -eq 0 ] || failed=1
[ $failed -eq 0 ] || die 1 "a stage failed; no tables written"

# Every stage succeeded: publish, then upload.
for f in "${outputs[@]}"; do
	mv -f -- "$work/$f" "$outdir/$f" || die 1 "$outdir/$f: cannot publish"
done
if [ -n "$s3" ]; then
	for f in "${outputs[@]}"; do
		ped-s3put -q -- "$outdir/$f" "$s3$f" ||
		    die 1 "stage ped-s3put $outdir/$f failed; the files are in $outdir"
	done
fi
exit 0
