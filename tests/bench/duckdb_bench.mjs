// DuckDB, the reference of tests/bench/bench_duckdb.sh (through the npm
// package pinned in tests/bench/package.json).
//
//   node duckdb_bench.mjs topn export|archive FILE OUTDIR
//       top 10 per day and per month of a legacy CSV (RANK(), ties kept,
//       one name per sensor: its latest over the whole input), written
//       as OUTDIR/top10_by_day.csv and OUTDIR/top10_by_month.csv
//   node duckdb_bench.mjs fetch export|archive FILE
//       the legacy CSV to ped-fetch's hourly TSV columns, into /dev/null
//   node duckdb_bench.mjs agg FILE
//       ped-fetch's TSV summed by day and sensor, into /dev/null
//
// DUCKDB_THREADS sets the threads (default 2).
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, ...args] = process.argv.slice(2);
const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const formats = {
	export: '%m/%d/%Y %I:%M:%S %p',		// 11/01/2019 05:00:00 PM
	archive: '%B %d, %Y %I:%M:%S %p',	// November 01, 2019 05:00:00 PM
};

// The legacy CSV with its ten columns typed, and the hour parsed.
function hourly(form, file) {
	if (!(form in formats))
		throw new Error(`unknown form ${form}`);
	return `(SELECT strptime(Date_Time, ${lit(formats[form])}) AS ts,
	    Sensor_ID AS id, Sensor_Name AS name, Hourly_Counts AS n
	FROM read_csv(${lit(file)}, auto_detect = false, header = true,
	    delim = ',', quote = '"', escape = '"', columns = {'ID': 'BIGINT',
	    'Date_Time': 'VARCHAR', 'Year': 'INTEGER', 'Month': 'VARCHAR',
	    'Mdate': 'INTEGER', 'Day': 'VARCHAR', 'Time': 'INTEGER',
	    'Sensor_ID': 'BIGINT', 'Sensor_Name': 'VARCHAR',
	    'Hourly_Counts': 'BIGINT'}))`;
}

// One scan of the CSV into daily sums (with each sensor-day's latest name
// and hour); months are summed from the days, names taken from the latest
// day of each sensor; RANK() over each period, ties kept.
function topn(form, file, outdir) {
	const top = (period, from, out) => `COPY (
	    SELECT period, rank, id AS sensor_id, names.name AS sensor_name,
	        n AS count
	    FROM (SELECT ${period} AS period, id, n,
	            rank() OVER (PARTITION BY ${period} ORDER BY n DESC) AS rank
	        FROM ${from}) JOIN names USING (id)
	    WHERE rank <= 10
	    ORDER BY period, rank, sensor_id)
	TO ${lit(`${outdir}/${out}`)} (HEADER, DELIMITER ',')`;
	return [
		`CREATE TEMP TABLE daily AS
		SELECT CAST(ts AS DATE) AS day, id, sum(n) AS n,
		    arg_max(name, ts) AS name, max(ts) AS last
		FROM ${hourly(form, file)} GROUP BY ALL`,
		`CREATE TEMP TABLE names AS
		SELECT id, arg_max(name, last) AS name FROM daily GROUP BY id`,
		top(`strftime(day, '%Y-%m-%d')`, 'daily', 'top10_by_day.csv'),
		top('month', `(SELECT strftime(day, '%Y-%m') AS month, id,
		    sum(n) AS n FROM daily GROUP BY ALL)`, 'top10_by_month.csv'),
	];
}

function fetch(form, file) {
	return [`COPY (SELECT strftime(ts, '%Y-%m-%dT%H') AS period,
	    id AS sensor_id, name AS sensor_name, n AS count
	    FROM ${hourly(form, file)})
	TO '/dev/null' (HEADER, DELIMITER '\t', QUOTE '')`];
}

function agg(file) {
	return [`COPY (SELECT substr(period, 1, 10) AS period, sensor_id,
	    arg_max(sensor_name, period) AS sensor_name, sum(count) AS count
	    FROM read_csv(${lit(file)}, auto_detect = false, header = true,
	        delim = '\t', quote = '', escape = '', columns = {
	        'period': 'VARCHAR', 'sensor_id': 'BIGINT',
	        'sensor_name': 'VARCHAR', 'count': 'BIGINT'})
	    GROUP BY ALL)
	TO '/dev/null' (HEADER, DELIMITER '\t', QUOTE '')`];
}

const plans = { topn: [topn, 3], fetch: [fetch, 2], agg: [agg, 1] };
if (!(mode in plans) || args.length !== plans[mode][1]) {
	process.stderr.write('usage: node duckdb_bench.mjs topn FORM FILE OUTDIR | fetch FORM FILE | agg FILE\n');
	process.exit(64);
}
const db = await DuckDBInstance.create(':memory:', {
	threads: process.env.DUCKDB_THREADS || '2',
});
const con = await db.connect();
for (const sql of plans[mode][0](...args))
	await con.run(sql);
con.closeSync();
