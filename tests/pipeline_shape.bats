#!/usr/bin/env bats
# ped-pipeline's shape: one ped-agg reads the hourly rows, the coarser
# periods come from its output (ped-agg is a combiner), same bytes.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
	P="$ROOT/scripts/pipeline.sh"
	SAMPLE="$ROOT/data/melbourne_ods_counts_50k_sample.csv.gz"
	SEED="$DATA/pipeline/bonatoc_test_stats.json"
	# ped-agg that keeps a copy of its input as agg.N.-b_PERIOD.in
	mkdir fakebin
	for t in ped-fetch ped-topn; do ln -s "$PED_BIN/$t" fakebin/$t; done
	cat >fakebin/ped-agg <<EOF2
#!/bin/sh
exec tee "$PWD/agg.\$\$.\$1_\$2.in" | "$PED_BIN/ped-agg" "\$@"
EOF2
	chmod +x fakebin/ped-agg
}

# inputs: for each ped-agg run, its period and the form of the periods it
# read (hour, day, month), sorted.
inputs() {
	local f form
	for f in agg.*.in; do
		case $(sed -n 2p "$f" | cut -f1) in
		????-??-??T??) form=hour ;;
		????-??-??) form=day ;;
		????-??) form=month ;;
		*) form=other ;;
		esac
		f=${f#agg.*.-b_}
		echo "${f%.in} from $form"
	done | sort
}

@test "ped-agg is a combiner: coarser periods from finer sums give the same bytes" {
	local src b a
	for src in "$SAMPLE" "$SEED" "$DATA/fetch/legacy_archive.csv"; do
		ped-fetch -q "$src" >h.tsv
		for b in hour day month year weekday monthname; do ped-agg -b $b h.tsv >"by-$b"; done
		for a in hour:day day:month month:year day:weekday month:monthname hour:monthname day:year; do
			ped-agg -b "${a#*:}" "by-${a%:*}" | cmp - "by-${a#*:}"
		done
	done
}

@test "day,month: the hourly rows are aggregated once" {
	run -0 env PED_BIN="$PWD/fakebin" "$P" -s "$SAMPLE" -o out --quiet
	run inputs
	assert_output "$(printf '%s\n' 'day from hour' 'month from day')"
	ped-fetch "$SAMPLE" >h.tsv
	cmp out/top10_by_day.csv <(ped-agg -b day h.tsv | ped-topn --csv)
	cmp out/top10_by_month.csv <(ped-agg -b month h.tsv | ped-topn --csv)
}

@test "every period: one aggregation of the hourly rows, the rest from sums" {
	run -0 env PED_BIN="$PWD/fakebin" "$P" -s "$SAMPLE" -o out -n 3 -p monthname,year,weekday,month,day,hour --quiet
	run inputs
	assert_output "$(printf '%s\n' 'day from hour' 'hour from hour' 'month from day' 'monthname from month' 'weekday from day' 'year from month')"
	ped-fetch "$SAMPLE" >h.tsv
	for b in hour day month year weekday monthname; do
		cmp "out/top3_by_$b.csv" <(ped-agg -b $b h.tsv | ped-topn -n 3 --csv)
	done
}

@test "periods without day: the finest common one is added" {
	run -0 env PED_BIN="$PWD/fakebin" "$P" -s "$SEED" -o out -p year,monthname --quiet
	run inputs
	assert_output "$(printf '%s\n' 'month from hour' 'monthname from month' 'year from month')"
	rm agg.*
	run -0 env PED_BIN="$PWD/fakebin" "$P" -s "$SEED" -o out -p weekday,year --quiet
	run inputs
	assert_output "$(printf '%s\n' 'day from hour' 'weekday from day' 'year from day')"
	rm agg.*
	run -0 env PED_BIN="$PWD/fakebin" "$P" -s "$SEED" -o out -p weekday --quiet
	run inputs
	assert_output 'weekday from hour'
	ped-fetch "$SEED" >h.tsv
	cmp out/top10_by_weekday.csv <(ped-agg -b weekday h.tsv | ped-topn --csv)
}

@test "--seed: weekday from the day sums, month name from the month sums" {
	run -0 env PED_BIN="$PWD/fakebin" "$P" -s "$SEED" -o out -p day --seed --quiet
	run inputs
	assert_output "$(printf '%s\n' 'day from hour' 'month from day' 'monthname from month' 'weekday from day')"
}
