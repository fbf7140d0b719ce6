#!/usr/bin/env bash
# ped-pipeline: fetch once, aggregate once to the finest period asked for,
# derive the coarser periods from that (ped-agg is a combiner), rank each,
# write CSV tables (and SVG charts) into a folder, optionally upload them to
# S3. All or nothing: the outputs replace the old ones only when every stage
# succeeded, and are rolled back when a rename fails.
#
# Every stage is ONE process started in the background (start_job); the
# script only ever waits in `wait`, so SIGINT and SIGTERM act at once: the
# trap kills every stage, removes the work folder (its FIFOs with it) and
# rolls back a publish in progress.
# Functions below run indirectly (traps); awk and gnuplot programs are in
# single quotes on purpose:
# shellcheck disable=SC2317,SC2016
set -euo pipefail

prog=ped-pipeline
version=0.1.0
usage_line="usage: $prog [-s SOURCE] [-l LOCATIONS] [-o DIR] [-n N] [-p PERIODS]
                    [--s3 s3://bucket/prefix/] [--duplicates POLICY]
                    [--keep-staged] [--seed] [--plot] [--quiet] [--no-wait]"
options="
  -s SOURCE        what ped-fetch reads: a file, - for stdin, or a URL
                   (default: the whole history, ped-fetch --history)
  -l LOCATIONS     name the sensors from a sensor-locations file or URL
  -o DIR           output folder (default ./out), created when missing
  -n N             sensors per period (default 10; 0 for the full ranking)
  -p PERIODS       comma-separated ped-agg periods (default day,month)
      --s3 s3://bucket/prefix/
                   upload every output, then a _SUCCESS manifest, under
                   that prefix once all were written
      --duplicates POLICY
                   ped-fetch's rule for an hour given twice: first, last,
                   max, sum or error
      --keep-staged
                   also write the fetched TSV as DIR/staged.tsv.gz
      --seed       also write the original Python solution's four files
      --plot       also draw an SVG chart of each table (needs gnuplot)
      --quiet      no summary line and no note while waiting for the lock
      --no-wait    fail at once when another run holds DIR's lock
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
$options"; else printf '%s\n' "$usage_line" >&2; fi
	exit "$1"
}

die() {	# die STATUS MESSAGE
	printf '%s: %s\n' "$prog" "$2" >&2 || true
	exit "$1"
}

# q TEXT: TEXT in double quotes for a message, as quote() does in the C
# tools: control bytes and invalid UTF-8 escaped, at most 64 bytes, "..."
# when cut.
q() {
	local s=$1 out="" c i k len v cut=""
	local LC_ALL=C
	if [ ${#s} -gt 64 ]; then s=${s:0:64}; cut=...; fi
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		printf -v v '%d' "'$c"
		if [ "$v" -ge 128 ] || [ "$v" -lt 0 ]; then
			((v &= 255))
			# A whole UTF-8 sequence is kept; any other byte is escaped.
			if ((v >= 0xc2 && v <= 0xdf)); then len=2
			elif ((v >= 0xe0 && v <= 0xef)); then len=3
			elif ((v >= 0xf0 && v <= 0xf4)); then len=4
			else len=0
			fi
			for ((k = 1; k < len; k++)); do
				printf -v v '%d' "'${s:i+k:1}"
				((v &= 255))
				((v >= 0x80 && v <= 0xbf)) || { len=0; break; }
			done
			if [ $len -gt 0 ]; then
				out+=${s:i:len}
				i=$((i + len - 1))
			else
				printf -v c '\\x%02x' "$(($(printf '%d' "'$c") & 255))"
				out+=$c
			fi
			continue
		fi
		case $c in
		"\\") out+="\\\\" ;;
		'"') out+='\"' ;;
		$'\t') out+='\t' ;;
		$'\n') out+='\n' ;;
		$'\r') out+='\r' ;;
		[[:cntrl:]]) printf -v c '\\x%02x' "$v"; out+=$c ;;
		*) out+=$c ;;
		esac
	done
	printf '"%s"%s' "$out" "$cut"
}

source_spec="" locations="" outdir="./out" n=10 periods="day,month" s3=""
keep_staged=0 seed=0 plot=0 quiet=0 no_wait=0 duplicates=""
while [ $# -gt 0 ]; do
	case $1 in
	-s) [ $# -ge 2 ] || usage 64; source_spec=$2; shift ;;
	-l) [ $# -ge 2 ] || usage 64; locations=$2; shift ;;
	-o) [ $# -ge 2 ] || usage 64; outdir=$2; shift ;;
	-n) [ $# -ge 2 ] || usage 64; n=$2; shift ;;
	-p) [ $# -ge 2 ] || usage 64; periods=$2; shift ;;
	--s3) [ $# -ge 2 ] || usage 64; s3=$2; shift ;;
	--duplicates) [ $# -ge 2 ] || usage 64; duplicates=$2; shift ;;
	--keep-staged) keep_staged=1 ;;
	--seed) seed=1 ;;
	--plot) plot=1 ;;
	--quiet) quiet=1 ;;
	--no-wait) no_wait=1 ;;
	--help) usage 0 ;;
	--version) say "$prog (ped) $version"; exit 0 ;;
	*) printf '%s: unknown argument %s\n' "$prog" "$(q "$1")" >&2; usage 64 ;;
	esac
	shift
done

# -n: digits only, at most ped-topn's limit (2^63-1); bash arithmetic would
# wrap a longer number silently.
[[ $n =~ ^[0-9]+$ ]] || die 64 "-n: invalid count $(q "$n")"
nz=$n
while [[ $nz == 0?* ]]; do nz=${nz#0}; done
# Same length: comparing the strings compares the numbers.
# shellcheck disable=SC2071
if [ ${#nz} -gt 19 ] || { [ ${#nz} -eq 19 ] && [[ $nz > 9223372036854775807 ]]; }; then
	die 64 "-n: invalid count $(q "$n") (at most 9223372036854775807)"
fi
n=$nz
case $s3 in
"" | s3://?*/) ;;
*) die 64 "--s3: expected s3://bucket/prefix/ ending in /, got $(q "$s3")" ;;
esac
case $duplicates in
"" | first | last | max | sum | error) ;;
*) die 64 "--duplicates: unknown policy $(q "$duplicates") (first, last, max, sum, error)" ;;
esac
case $outdir in
"") die 64 "-o: empty folder name" ;;
-*) die 64 "-o: $(q "$outdir") looks like an option; write ./$outdir for a folder of that name" ;;
esac
[[ $periods != *,,* && $periods != ,* && $periods != *, && -n $periods ]] ||
    die 64 "-p: empty period in $(q "$periods")"
IFS=, read -r -a period_list <<<"$periods"
declare -A want=()
for p in "${period_list[@]}"; do
	case $p in
	hour | day | month | year | weekday | monthname) ;;
	*) die 64 "-p: unknown period $(q "$p") (hour, day, month, year, weekday, monthname)" ;;
	esac
	[ -z "${want[$p]:-}" ] || die 64 "-p: period $(q "$p") given twice"
	want[$p]=1
done

# The tools: $PED_BIN, else beside this script in a built checkout, else PATH.
# (Parameter expansions rather than $(...): each subshell or program this
# script starts costs milliseconds, and a run used to start 46.)
here=${BASH_SOURCE[0]%/*}
[ "$here" != "${BASH_SOURCE[0]}" ] || here=.
case $here in /*) ;; *) here=$PWD/$here ;; esac
if [ -n "${PED_BIN:-}" ]; then
	PATH="$PED_BIN:$PATH"
elif [ -x "$here/../bin/ped-agg" ]; then
	PATH="$here/../bin:$PATH"
fi
for t in ped-fetch ped-agg ped-topn; do
	command -v "$t" >/dev/null || die 1 "$t: not found (run make, or set PED_BIN)"
done
for t in flock setsid; do
	command -v "$t" >/dev/null || die 1 "$t: not found (Debian package util-linux)"
done
[ -z "$s3" ] || command -v ped-s3put >/dev/null || die 1 "ped-s3put: not found (run make, or set PED_BIN)"
[ $plot -eq 0 ] || command -v gnuplot >/dev/null ||
    die 1 "--plot needs gnuplot, which is not installed (Debian package gnuplot-nox)"

name_of() {	# name_of PERIOD: the table's file name, in $name
	if [ "$n" -eq 0 ]; then name=top_all_by_$1.csv; else name=top${n}_by_$1.csv; fi
}

# What this run publishes, in order.
outputs=()
for p in "${period_list[@]}"; do name_of "$p"; outputs+=("$name"); done
[ $seed -eq 0 ] || outputs+=(top_10_daily.csv top_all_daily.csv top_10_monthly.csv top_all_monthly.csv)
[ $keep_staged -eq 0 ] || outputs+=(staged.tsv.gz)
if [ $plot -eq 1 ]; then
	for p in "${period_list[@]}"; do name_of "$p"; outputs+=("${name%.csv}.svg"); done
fi

# The output folder, locked for the whole run (fd 9): a second run on the
# same folder waits for this one, or fails with --no-wait.
[ -d "$outdir" ] || err=$(mkdir -p -- "$outdir" 2>&1) ||
    die 1 "$(q "$outdir"): cannot create the output folder: ${err##*: }"
[ -d "$outdir" ] || die 1 "$(q "$outdir"): not a folder"
# The source's stdin, for -s - (or nothing when it is closed).
if ! { exec 8<&0; } 2>/dev/null; then exec 8</dev/null; fi
if ! { exec 9<"$outdir"; } 2>/dev/null; then
	die 1 "$(q "$outdir"): cannot open the output folder to lock it"
fi

# Every target must be a file or absent: a folder (or anything else) named
# like an output is an error, found before hours of fetching.
check_targets() {
	local f t
	for f in "${outputs[@]}"; do
		t=$outdir/$f
		if [ -L "$t" ] || [ ! -e "$t" ] || [ -f "$t" ]; then continue; fi
		die 1 "$(q "$t") is in the way: it is not a file; nothing written"
	done
}

work="" jobs_pid=() jobs_desc=() jobs_status=() jobs_in=() publishing=0
uploading=0 uploaded=()
declare -A writer_of=()	# a FIFO or file -> the index of the job writing it
declare -A tee_job=()	# the index of each tee job -> 1

# start_job DESC IN OUT ERR CMD...: run CMD in the background with its
# standard input, output and error from the paths IN, OUT and ERR (""
# keeps the script's own; &8 is the script's stdin, &2 its stderr, shared,
# not reopened); the job is CMD's own process, in a session of its own
# (setsid), so that a signal reaches whatever CMD itself starts.
start_job() {
	local desc=$1 in=$2 out=$3 errp=$4
	shift 4
	{
		case $in in "") ;; "&8") exec <&8 ;; *) exec <"$in" ;; esac
		case $out in "") ;; "&2") exec >&2 ;; *) exec >"$out" ;; esac
		if [ -n "$errp" ]; then exec 2>"$errp"; fi
		exec 7<&- 8<&- 9<&- setsid "$@"
	} &
	case $out in "" | "&2") ;; *) writer_of[$out]=${#jobs_pid[@]} ;; esac
	jobs_pid+=($!)
	jobs_desc+=("$desc")
	jobs_status+=(running)
	jobs_in+=("$in")
}

# kill_jobs SIGNAL [all]: every job still running, but for the one that
# passes ped-fetch's messages on (it ends when ped-fetch does, after the
# error that ended the run), unless "all".
spare=""
kill_jobs() {
	local i
	for i in "${!jobs_pid[@]}"; do
		[ "${2:-}" = all ] || [ "$i" != "$spare" ] || continue
		if [ "${jobs_status[i]}" = running ]; then
			# Its process group, or the job alone before setsid ran.
			kill "-$1" -- "-${jobs_pid[i]}" 2>/dev/null ||
			    kill "-$1" "${jobs_pid[i]}" 2>/dev/null || true
			jobs_status[i]=killed
		fi
	done
}

# wait_jobs: wait for every job started; the first failure kills the rest
# and wait_jobs returns 1 with $failure naming the stage that caused it.
# Not the cause: a stage killed by SIGPIPE (its reader stopped), or by this
# script; a stage whose writer failed or was killed; a stage that found
# bad data (exit 65) after its tee died of SIGPIPE (another reader of that
# tee stopped, and tee's last write to this one was half a line).
# wait_or_die: wait_jobs, or one message and exit 1.
failure=""
wait_jobs() {
	local i pid st left sweep=1 w
	local -a failed=()
	local -A index_of=()
	failure=""
	for i in "${!jobs_pid[@]}"; do index_of[${jobs_pid[i]}]=$i; done
	while :; do
		left=0
		for i in "${!jobs_pid[@]}"; do
			case ${jobs_status[i]} in running | killed) ;; *) continue ;; esac
			# A job that ended before the last one started may be out of
			# bash's job table, where wait -n looks; wait PID still has
			# its status.
			if [ $sweep -eq 1 ] && ! kill -0 "${jobs_pid[i]}" 2>/dev/null; then
				st=0
				wait "${jobs_pid[i]}" 2>/dev/null || st=$?
				job_ended "$i" "$st"
			else
				left=$((left + 1))
			fi
		done
		[ $left -gt 0 ] || break
		pid="" st=0
		wait -n -p pid 2>/dev/null || st=$?
		pid=${pid:-}
		if [ -n "$pid" ] && [ -n "${index_of[$pid]:-}" ]; then
			job_ended "${index_of[$pid]}" "$st"
			sweep=0
		elif [ $sweep -eq 1 ] && [ "$st" -eq 127 ]; then
			# No job in the table, yet one runs: wait for it by PID.
			for i in "${!jobs_pid[@]}"; do
				case ${jobs_status[i]} in running | killed) ;; *) continue ;; esac
				st=0
				wait "${jobs_pid[i]}" 2>/dev/null || st=$?
				job_ended "$i" "$st"
				break
			done
		else
			sweep=1
		fi
	done
	# The cause: the first such failure, else the first that was not
	# SIGPIPE, else the first. SIGPIPE and SIGTERM are effects: a reader
	# went away, or this script stopped the stage (a TERM can land before
	# the stage's setsid made it a group of its own).
	for i in "${failed[@]}"; do
		st=${jobs_status[i]}
		case $st in 141 | 143) continue ;; esac
		w=${writer_of[${jobs_in[i]:-/}]:-}
		if [ -n "$w" ]; then
			case ${jobs_status[w]} in
			0) ;;
			141) [ -z "${tee_job[$w]:-}" ] || [ "$st" -ne 65 ] || continue ;;
			*) continue ;;
			esac
		fi
		failure=$(describe_job "$i")
		break
	done
	if [ -z "$failure" ] && [ ${#failed[@]} -gt 0 ]; then
		for i in "${failed[@]}"; do
			[ "${jobs_status[i]}" -ne 141 ] || continue
			failure=$(describe_job "$i")
			break
		done
		[ -n "$failure" ] || failure=$(describe_job "${failed[0]}")
	fi
	jobs_pid=() jobs_desc=() jobs_status=() jobs_in=() writer_of=() tee_job=()
	spare=""
	[ -z "$failure" ]
}
job_ended() {	# job_ended INDEX STATUS (for wait_jobs)
	local i=$1 st=$2
	if [ "${jobs_status[i]}" = killed ] && [ "$st" -eq 143 ]; then
		jobs_status[i]=K	# killed by this script: not a cause
		return
	fi
	jobs_status[i]=$st
	[ "$st" -ne 0 ] || return 0
	failed+=("$i")
	kill_jobs TERM
}
describe_job() {	# describe_job INDEX: "stage DESC failed (exit N)"
	local st=${jobs_status[$1]} d
	case $st in
	129) d="was killed by SIGHUP" ;;
	130) d="was killed by SIGINT" ;;
	134) d="was killed by SIGABRT" ;;
	137) d="was killed by SIGKILL" ;;
	139) d="was killed by SIGSEGV" ;;
	141) d="was killed by SIGPIPE" ;;
	143) d="was killed by SIGTERM" ;;
	*) d="failed (exit $st)" ;;
	esac
	echo "stage ${jobs_desc[$1]} $d"
}
wait_or_die() {
	wait_jobs || die 1 "$failure; nothing written"
}

cleanup() {
	kill_jobs TERM all
	wait 2>/dev/null || true
	[ "$publishing" -eq 0 ] || rollback
	[ -z "$work" ] || rm -rf -- "$work"
}
on_signal() {	# on_signal NAME STATUS
	trap '' INT TERM HUP
	kill_jobs TERM all
	wait 2>/dev/null || true
	[ "$publishing" -eq 0 ] || rollback
	if [ "$uploading" -eq 1 ]; then
		printf '%s: interrupted by SIG%s while uploading; uploaded: %s; no _SUCCESS manifest was written\n' \
		    "$prog" "$1" "${uploaded[*]:-none}" >&2 || true
	else
		printf '%s: interrupted by SIG%s; nothing written\n' "$prog" "$1" >&2 || true
	fi
	exit "$2"
}
trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP	# the terminal went away: the stages, in their own sessions, would not see it

check_targets
if ! flock -n 9; then
	[ $no_wait -eq 0 ] ||
	    die 1 "$(q "$outdir"): another ped-pipeline run is writing there (--no-wait)"
	[ $quiet -eq 1 ] ||
	    printf '%s: %s: waiting for another run to finish\n' "$prog" "$(q "$outdir")" >&2 || true
	# In the background, so that a signal ends the wait at once; flock
	# locks the script's own fd 9 (start_job would close it).
	{ exec 8<&- flock 9; } &
	jobs_pid+=($!) jobs_desc+=("flock (waiting for the lock)") jobs_status+=(running) jobs_in+=("")
	wait_or_die
	check_targets	# the other run may have changed the folder
fi
# With the lock held, a work folder left in DIR is a killed run's (SIGKILL,
# power loss): remove it.
for f in "$outdir"/.ped-pipeline.??????; do
	[ ! -d "$f" ] || [ -L "$f" ] || rm -rf -- "$f" ||
	    die 1 "$(q "$f"): cannot remove a killed run's work folder"
done

err=$(mktemp -d -- "$outdir/.ped-pipeline.XXXXXX" 2>&1) ||
    die 1 "$(q "$outdir"): cannot write to the output folder: ${err##*: }"
work=$err

# The aggregation plan. Every period comes from the finest one asked for
# (ped-agg is its own combiner, so the bytes are the same): one ped-agg
# reads the hourly rows, the others read its (much smaller) output.
declare -A need=()
for p in "${period_list[@]}"; do need[$p]=1; done
if [ $seed -eq 1 ]; then	# weekday from day sums, monthname from month sums
	need[day]=1 need[month]=1 need[weekday]=1 need[monthname]=1
fi
if [ ${#need[@]} -ge 2 ] && [ -z "${need[hour]:-}" ] && [ -z "${need[day]:-}" ]; then
	only_months=1
	for p in "${!need[@]}"; do
		case $p in month | year | monthname) ;; *) only_months=0 ;; esac
	done
	if [ $only_months -eq 1 ]; then need[month]=1; else need[day]=1; fi
fi
parent_of() {	# parent_of PERIOD: the node it reads, or "raw", in $parent
	local c
	case $1 in
	hour) set -- ;;
	day) set -- hour ;;
	month | weekday) set -- day hour ;;
	year | monthname) set -- month day hour ;;
	esac
	for c in "$@"; do
		if [ -n "${need[$c]:-}" ]; then parent=$c; return; fi
	done
	parent=raw
}
declare -A targets=()	# node -> its consumers (FIFOs or files), one a line
add_target() { targets[$1]+="$2"$'\n'; }
for p in hour day month year weekday monthname; do
	[ -n "${need[$p]:-}" ] || continue
	parent_of "$p"
	add_target "$parent" "$work/in-$p"
	[ -z "${want[$p]:-}" ] || add_target "$p" "$work/topn-$p"
done
[ $keep_staged -eq 0 ] || add_target raw "$work/staged"
if [ $seed -eq 1 ]; then
	add_target weekday "$work/seed-weekday.tsv"
	add_target monthname "$work/seed-monthname.tsv"
fi
[ $plot -eq 0 ] || [ -z "${want[month]:-}" ] || add_target month "$work/plot-month.tsv"

# Every named pipe of the plan, made by one mkfifo: ped-fetch's stderr and
# summary, each consumer that is a stage, and a tee's input where a node
# has several consumers.
make_fifos() {
	local node t err
	local -a fifos=("$work/fetch.err" "$work/summary") outs
	for node in "${!targets[@]}"; do
		outs=()
		while IFS= read -r t; do
			[ -z "$t" ] || outs+=("$t")
		done <<<"${targets[$node]}"
		for t in "${outs[@]}"; do
			case $t in */in-* | */topn-* | */staged) fifos+=("$t") ;; esac
		done
		[ ${#outs[@]} -le 1 ] || fifos+=("$work/out-$node")
	done
	# (With the folder publishing keeps the old files in: one process.)
	err=$({ mkdir -- "$work/old" && mkfifo -- "${fifos[@]}"; } 2>&1) ||
	    die 1 "$(q "$work"): cannot make the named pipes: ${err##*: }; nothing written"
}

# produce NODE DESC CMD...: start CMD writing to every consumer of NODE,
# through tee when there are several.
produce() {
	local node=$1 desc=$2 in=$3 errp=$4 t
	shift 4
	local -a outs=()
	while IFS= read -r t; do
		[ -z "$t" ] || outs+=("$t")
	done <<<"${targets[$node]}"
	if [ ${#outs[@]} -eq 1 ]; then
		start_job "$desc" "$in" "${outs[0]}" "$errp" "$@"
	else
		start_job "$desc" "$in" "$work/out-$node" "$errp" "$@"
		start_job "tee ($node)" "$work/out-$node" /dev/null "" tee -- "${outs[@]}"
		for t in "${outs[@]}"; do writer_of[$t]=$((${#jobs_pid[@]} - 1)); done
		tee_job[$((${#jobs_pid[@]} - 1))]=1
	fi
}

fetch=(ped-fetch)
[ $quiet -eq 1 ] || fetch+=(--summary)
[ -z "$duplicates" ] || fetch+=(--duplicates "$duplicates")
[ -z "$locations" ] || fetch+=(--locations "$locations")
if [ -n "$source_spec" ]; then fetch+=(-- "$source_spec"); else fetch+=(--history); fi

# ped-fetch's stderr: its warnings, errors and retries go on to ours as
# they come; its --summary line is held back for the end.
filter_awk='
/^ped-fetch: summary: / { sum = substr($0, 21); next }
{ print > "/dev/stderr"; fflush("/dev/stderr") }
END { print sum }	# always one line, maybe empty
'
# The summary waits in a pipe (not on a full disk) that this script holds
# open on fd 7 (so awk's open does not block), and reads at the end.
make_fifos
exec 7<>"$work/summary"
start_job "ped-fetch (stderr)" "$work/fetch.err" "$work/summary" "" awk "$filter_awk"
spare=$((${#jobs_pid[@]} - 1))
produce raw "ped-fetch" "&8" "$work/fetch.err" "${fetch[@]}"
for p in hour day month year weekday monthname; do
	[ -n "${need[$p]:-}" ] || continue
	produce "$p" "ped-agg -b $p" "$work/in-$p" "" ped-agg -b "$p"
	[ -z "${want[$p]:-}" ] ||
	    { name_of "$p"; start_job "ped-topn -n $n (by $p)" "$work/topn-$p" "$work/$name" "" ped-topn -n "$n" --csv; }
done
[ $keep_staged -eq 0 ] || start_job "gzip (staged)" "$work/staged" "$work/staged.tsv.gz" "" gzip -c
wait_or_die

# Seed-compatible tables: day|month,sensor_name,hourly_counts,rank.
seed_awk='BEGIN { printf "%s,sensor_name,hourly_counts,rank\n", col }
function csv(s) {
	gsub(/\\t/, "\t", s); gsub(/\\n/, "\n", s); gsub(/\\r/, "\r", s)
	gsub(/\\\\/, "\\", s)
	if (s ~ /[",\r\n]/) { gsub(/"/, "\"\"", s); s = "\"" s "\"" }
	return s
}
{ printf "%s,%s,%s,%s\n", $1, csv($4), $5, $2 }'
if [ $seed -eq 1 ]; then
	for s in "weekday daily" "monthname monthly"; do
		read -r p f <<<"$s"
		start_job "ped-topn -n 10 (seed $f)" "$work/seed-$p.tsv" "$work/seed-10-$f.tsv" "" ped-topn -n 10 --no-header
		start_job "ped-topn -n 0 (seed $f)" "$work/seed-$p.tsv" "$work/seed-all-$f.tsv" "" ped-topn -n 0 --no-header
	done
	wait_or_die
	for s in "day daily" "month monthly"; do
		read -r p f <<<"$s"
		start_job "awk (seed $f)" "$work/seed-10-$f.tsv" "$work/top_10_$f.csv" "" awk -F'\t' -v col="$p" "$seed_awk"
		start_job "awk (seed $f)" "$work/seed-all-$f.tsv" "$work/top_all_$f.csv" "" awk -F'\t' -v col="$p" "$seed_awk"
	done
	wait_or_die
fi

# --plot: an SVG beside each table, drawn by gnuplot from data files that
# awk prepares (names only ever travel in data files, never through
# gnuplot's language): a bar chart of the table's last period; the month
# table's SVG also charts, above it, every month of each sensor that ever
# reached its top N.

# The last period of a ped-topn --csv table: rank, name, count lines
# (names unquoted; " and control bytes, which gnuplot's data files cannot
# hold, become ' and spaces); the period goes to the file `last`.
bars_awk='
NR == 1 { next }
{
	sub(/\r$/, ""); line = $0
	for (k = 1; k <= 3; k++) { i = index(line, ","); f[k] = substr(line, 1, i - 1); line = substr(line, i + 1) }
	if (!match(line, /,[0-9]+$/)) next
	name = substr(line, 1, RSTART - 1); count = substr(line, RSTART + 1)
	if (name ~ /^".*"$/) { name = substr(name, 2, length(name) - 2); gsub(/""/, "\"", name) }
	gsub(/"/, "'\''", name); gsub(/[[:cntrl:]]/, " ", name)
	if (f[1] != period) { period = f[1]; rows = 0 }
	rows++; rank[rows] = f[2]; nm[rows] = name; cnt[rows] = count
}
END {
	for (i = 1; i <= rows; i++) printf "%s\t%s\t%s\n", rank[i], nm[i], cnt[i]
	print period > last
}'
# The month table (first file) picks the sensors; the month sums (second
# file, ped-agg output in period order) give one block per sensor, headed
# by its latest name: month index, count. The x tics go to the file `tics`.
trend_awk='
FNR == NR {
	if (FNR == 1) next
	line = $0
	for (k = 1; k <= 3; k++) { i = index(line, ","); f[k] = substr(line, 1, i - 1); line = substr(line, i + 1) }
	if (!(f[3] in pick)) { pick[f[3]] = 1; order[++nids] = f[3] }
	next
}
FNR == 1 { next }
$1 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]$/ {
	k = substr($1, 1, 4) * 12 + substr($1, 6, 2) - 1	# months since year 0
	if (lo == "" || k < lo) lo = k
	if (hi == "" || k > hi) hi = k
	if (!($2 in pick)) next
	name = $3; gsub(/\\\\/, "\001", name); gsub(/\\[tnr]/, " ", name); gsub(/\001/, "\\", name)
	gsub(/"/, "'\''", name); gsub(/[[:cntrl:]]/, " ", name)
	names[$2] = name; cnt[$2, k] = $4; if ($4 + 0 > ymax) ymax = $4 + 0
}
END {
	# x: months since the first one, calendar months (a month without
	# data keeps its place).
	for (j = 1; j <= nids; j++) {
		id = order[j]
		if (!(id in names)) continue
		printf "%s%s\t%s\n", (blocks++ ? "\n\n" : ""), "month", names[id]
		for (k = lo; k <= hi; k++) if ((id, k) in cnt) printf "%d\t%s\n", k - lo, cnt[id, k]
	}
	# A tick every 1, 3, 6, 12, 24... months, at most 24 of them, on
	# January (and every step-th year) once they are a year or more apart.
	n = hi - lo + 1
	step = 1
	while (n / step > 24) step = step == 1 ? 3 : step == 3 ? 6 : step * 2
	printf "set xtics (" > tics
	sep = ""
	for (k = lo; k <= hi && n > 0; k++) {
		y = int(k / 12); m = k % 12
		if (step < 12 ? m % step != 0 && step > 1 : m != 0 || y % (step / 12) != 0)
			continue
		printf "%s\"%04d-%02d\" %d", sep, y, m + 1, k - lo > tics
		sep = ", "
	}
	print ")" > tics
	printf "set xrange [-0.5 : %.1f]\nset yrange [0 : %d]\n", (n - 0.5), (ymax > 0 ? ymax * 1.05 + 1 : 1) > tics
}'
# gnuplot -c chart.gp OUT BARS ROWS TITLE [LINES SENSORS TITLE TICS]: the
# bar chart, under the trend chart when LINES is given.
chart_gp='out = ARG1; bars = ARG2; rows = int(ARG3); btitle = ARG4
trend = ARGC >= 8
bh = rows * 26 + 160
bh = bh < 360 ? 360 : bh
th = trend ? 620 : 0
set terminal svg size 1100, bh + th dynamic noenhanced font "sans,12" background "white"
set output out
set datafile separator "\t"
set datafile commentschars ""
set multiplot
if (trend) {
	set origin 0, real(bh) / (bh + th)
	set size 1, real(th) / (bh + th)
	set title ARG7
	set key outside right top
	set grid
	set ylabel "pedestrians per month"
	if (int(ARG6) == 0) {
		set label 1 "no data" at graph 0.5, 0.5 center
		plot [0:1] [0:1] NaN notitle
	} else {
		load ARG8
		set xtics rotate by -45
		plot for [i = 0:int(ARG6) - 1] ARG5 index i using 1:2 with linespoints dt int(i / 8) % 5 + 1 pt 7 ps 0.4 title columnheader(2)
	}
	reset	# and so again:
	set datafile separator "\t"
	set datafile commentschars ""
}
set origin 0, 0
set size 1, real(bh) / (bh + th)
set title btitle
unset key
set style fill solid 0.8 border -1
set xlabel "pedestrians"
set grid xtics
set ytics nomirror scale 0
set xtics nomirror
if (rows == 0) {
	set label 1 "no data" at graph 0.5, 0.5 center
	plot [0:1] [0:1] NaN notitle
} else {
	stats bars using 3 nooutput
	set xrange [0 : STATS_max > 0 ? STATS_max * 1.15 : 1]
	set yrange [rows - 0.5 : -0.5]
	plot bars using ($3 / 2):0:($3 / 2):(0.4):yticlabels(2) with boxxyerror lc rgb "#4477aa", \
	    "" using 3:0:(sprintf("%d", $3)) with labels left offset 0.5, 0
}
unset multiplot'

plot_all() {
	local p f rows last what reached sensors
	printf '%s\n' "$chart_gp" >"$work/chart.gp" ||
	    die 1 "cannot write the chart script; nothing written"
	for p in "${period_list[@]}"; do
		name_of "$p"; f=$name
		start_job "awk (chart of $f)" "$work/$f" "$work/plot-$p.bars" "" awk -v last="$work/plot-$p.last" "$bars_awk"
	done
	if [ -n "${want[month]:-}" ]; then
		name_of month; f=$name
		start_job "awk (trend chart of $f)" "" "$work/plot-month.lines" "" awk -F'\t' -v tics="$work/plot-month.tics" "$trend_awk" "$work/$f" "$work/plot-month.tsv"
	fi
	wait_or_die
	if [ "$n" -eq 0 ]; then
		what="All sensors" reached="has counts"
	else
		what="Top $n sensors" reached="reached the top $n"
	fi
	for p in "${period_list[@]}"; do
		name_of "$p"; f=$name
		if ! rows=$(wc -l <"$work/plot-$p.bars") || ! last=$(cat -- "$work/plot-$p.last"); then
			die 1 "cannot read the chart data of $f; nothing written"
		fi
		set -- gnuplot -c "$work/chart.gp" "$work/${f%.csv}.svg" "$work/plot-$p.bars" "$rows" "$what by $p: $last"
		if [ "$p" = month ]; then
			sensors=$(grep -c '^month	' "$work/plot-month.lines" || true)
			set -- "$@" "$work/plot-month.lines" "$sensors" \
			    "$what by month: every month of each sensor that ${reached}" \
			    "$work/plot-month.tics"
		fi
		start_job "gnuplot (${f%.csv}.svg)" "" "" "" "$@"
	done
	wait_or_die
}
if [ $plot -eq 1 ]; then plot_all; fi

# Publish: every new file is renamed over its target; an old target is
# first hard-linked into the work folder, so a failure rolls back to the
# old set. Renames within one folder are atomic, file by file.
rollback() {
	local f
	publishing=0
	for f in "${outputs[@]}"; do
		[ ! -e "$work/$f" ] || continue	# not yet renamed
		if [ -e "$work/old/$f" ] || [ -L "$work/old/$f" ]; then
			mv -fT -- "$work/old/$f" "$outdir/$f" 2>/dev/null || true
		else
			rm -f -- "$outdir/$f"
		fi
	done
}
check_targets
for f in "${outputs[@]}"; do
	[ -f "$work/$f" ] || die 1 "$(q "$f") was not written; nothing written"
done
# The old files, hard-linked by one ln; one by one (and copied where the
# file system has no hard links) if that fails.
olds=()
for f in "${outputs[@]}"; do
	if [ -e "$outdir/$f" ] || [ -L "$outdir/$f" ]; then olds+=("$outdir/$f"); fi
done
if [ ${#olds[@]} -gt 0 ] && ! ln -P -t "$work/old" -- "${olds[@]}" 2>/dev/null; then
	for f in "${outputs[@]}"; do
		if [ -e "$work/old/$f" ] || [ -L "$work/old/$f" ] ||
		    { [ ! -e "$outdir/$f" ] && [ ! -L "$outdir/$f" ]; }; then
			continue
		fi
		# A hard link, or a copy where the file system has none.
		ln -P -- "$outdir/$f" "$work/old/$f" 2>/dev/null ||
		    err=$(cp -P --preserve=all -- "$outdir/$f" "$work/old/$f" 2>&1) ||
		    die 1 "$(q "$outdir/$f"): cannot keep the old file: ${err##*: }; nothing written"
	done
fi
publishing=1
for f in "${outputs[@]}"; do
	if ! err=$(mv -fT -- "$work/$f" "$outdir/$f" 2>&1); then
		rollback
		die 1 "$(q "$outdir/$f"): cannot publish: ${err##*: }; the old files are back"
	fi
done
publishing=0

# --s3: the outputs, then the _SUCCESS manifest (name, bytes and MD5 of
# each), last, so a consumer that finds it knows the set is complete.
if [ -n "$s3" ]; then
	printf 'name\tbytes\tmd5\n' >"$work/_SUCCESS" ||
	    die 1 "cannot write the _SUCCESS manifest; nothing uploaded"
	for f in "${outputs[@]}"; do
		if ! sum=$(md5sum <"$outdir/$f") || ! size=$(stat -c %s -- "$outdir/$f") ||
		    ! printf '%s\t%s\t%s\n' "$f" "$size" "${sum%% *}" >>"$work/_SUCCESS"; then
			die 1 "cannot write the _SUCCESS manifest; nothing uploaded"
		fi
	done
	uploading=1
	for f in "${outputs[@]}" _SUCCESS; do
		if [ "$f" = _SUCCESS ]; then src=$work/_SUCCESS; else src=$outdir/$f; fi
		start_job "ped-s3put" "" "" "" ped-s3put -q -- "$src" "$s3$f"
		if ! wait_jobs; then
			uploading=0
			if [ "$f" = _SUCCESS ]; then
				die 1 "stage ped-s3put of the _SUCCESS manifest failed; every file was uploaded, but no manifest"
			fi
			die 1 "stage ped-s3put $(q "$outdir/$f") failed; uploaded: ${uploaded[*]:-none}; no _SUCCESS manifest was written; the files are in $(q "$outdir")"
		fi
		[ "$f" = _SUCCESS ] || uploaded+=("$f")
	done
	uploading=0
fi

summary=""
read -r -t 10 -u 7 summary || true
if [ $quiet -eq 0 ] && [ -n "$summary" ]; then
	printf '%s: summary: %s\n' "$prog" "$summary" >&2 || true
fi
exit 0
