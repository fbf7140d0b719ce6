/*
 * gen_legacy: a deterministic legacy pedestrian-count CSV of any size, for
 * make bench (tests/bench/gen-legacy builds and runs it).
 *
 *	gen_legacy [--form archive|export] [--seed N] ROWS
 *
 * Writes exactly ROWS data rows after the header
 *
 *	ID,Date_Time,Year,Month,Mdate,Day,Time,Sensor_ID,Sensor_Name,Hourly_Counts
 *
 * with Date_Time as the Socrata export wrote it (--form export, the
 * default: 11/01/2019 05:00:00 PM) or as the archive re-published on
 * Opendatasoft does ("November 01, 2019 05:00:00 PM", quoted), see
 * DATASET.md 1.2 (a) and (b).
 *
 * The shape follows the real archive (DATASET.md 1, 5, 6): hourly rows in
 * time order from 2009-05-01; sensors appear and disappear (18 at the
 * start, 4 more in the first year, about 80 in all at 4.5 M rows; beyond
 * what 80 sensors give in 2009-2022, more sensors, not more years); within
 * an hour the sensors come in a fixed shuffled order; daily shapes
 * (commuter, retail, night-life, park sensors), weekends, seasons and the
 * 2020-21 lockdowns; missing weeks, days and single hours (absent, not
 * zero); six renamed sensors, one to a name with a comma; names with a
 * comma (quoted); a "new" sensor that reports its neighbour's exact counts
 * in some months from 2019, so real ties reach the top 10 (as sensors 15
 * and 66 did); the DST-start 02:00 hour absent in most years and present
 * with 0 for every sensor in 2019, 2021 and 2022 (DATASET.md 5.4). The
 * same ROWS and seed give the same bytes on every machine (integer
 * arithmetic only).
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE_SENSORS	80	/* the sensor pattern repeats every 80 ids */
#define FIRST_DAY_SET	18	/* of every 80, these start on day 0 */
#define OUTBUF		(1 << 20)

enum form { FORM_EXPORT, FORM_ARCHIVE };

struct sensor {
	int		 id;
	int		 start, end;	/* active days [start, end) */
	int		 rename_day;	/* new name from this day; -1: never */
	int		 kind;		/* index into the hour shapes */
	int		 copy_of;	/* index of the sensor it mirrors; -1 */
	uint32_t	 base;		/* peak hourly count, weekday */
	uint32_t	 weekend;	/* weekend factor, per 1024 */
	char		 name[2][80];	/* CSV-ready (quoted when needed) */
	size_t		 namelen[2];
};

static const char *const names[BASE_SENSORS] = {
	"Bourke Street Mall (North)", "Bourke Street Mall (South)",
	"Melbourne Central", "Town Hall (West)", "Princes Bridge",
	"Flinders Street Station Underpass", "Birrarung Marr", "Webb Bridge",
	"Southern Cross Station", "Victoria Point", "Waterfront City",
	"New Quay", "Sandridge Bridge", "State Library (North)",
	"Collins Place (South)", "State Library", "Chinatown-Swanston St (North)",
	"Chinatown-Lt Bourke St (South)", "Bourke St-Russell St (West)",
	"Flinders St, Elizabeth St (East)", "Spencer St-Collins St (South)",
	"Spencer St-Collins St (North)", "Melbourne Convention Exhibition Centre",
	"QV Market-Elizabeth St (West)", "QV Market-Peel St", "The Arts Centre",
	"St Kilda Rd-Alexandra Gardens", "Lonsdale St (South)", "Lygon St (West)",
	"Flinders St-Spark La", "Southbank", "Queen St (West)", "Lygon St (East)",
	"Alfred Place", "Lonsdale St-Spring St (West)",
	"Grattan St-Swanston St (West)", "Monash Rd-Swanston St (West)",
	"Tin Alley-Swanston St (West)", "Swanston St, Little Collins St",
	"Faraday St-Lygon St (West)", "Elizabeth St-Lonsdale St (South)",
	"Flinders St-Swanston St (West)", "Pelham St (South)",
	"Flagstaff Station", "Little Collins St-Swanston St (East)",
	"Harbour Esplanade", "Macaulay Rd-Bellair St", "Bourke St Bridge",
	"Melbourne Central-Elizabeth St (East)", "Elizabeth St-La Trobe St (East)",
	"Queen Victoria Market, Munro St", "Chinatown-Lt Bourke St (North)",
	"Errol St (West)", "Little Lonsdale St-Swanston St (West)",
	"Lincoln-Swanston (West)", "RMIT Building 14", "RMIT Building 80",
	"Collins St (North)", "Birrarung Marr-Batman Ave Bridge",
	"William St-Little Lonsdale St (West)", "Spring St-Flinders St (West)",
	"Flinders La-Swanston St (West)", "Bourke St (South)",
	"Elizabeth St-Flinders St (East)", "Hardware St, Little Bourke St",
	"Westwood Place", "State Library - New", "Building 80 RMIT",
	"Swanston St - RMIT Drive", "Swanston St - RMIT Building 14",
	"Bourke St Mall (North) - New", "Bourke St-Spencer St (North)",
	"Collins St-Exhibition St (North)", "Little Bourke St-Swanston St (North)",
	"Exhibition St-Flinders St (East)", "Queensbridge St",
	"King St-Bourke St (West)", "Flinders Ln, Degraves St (South)",
	"Southbank Promenade", "Docklands Marina",
};

/*
 * Renamed sensors (old name from names[], new name here), by index % 80,
 * on that day after the sensor's start (0: half-way through its life).
 * Two early ones, so that even small files have a rename and a comma.
 */
static const struct { int k, after; const char *to; } renames[] = {
	{ 1, 150, "Bourke St Mall (South)" },
	{ 3, 0, "Town Hall (West) - Swanston St" },
	{ 13, 300, "State Library (North), La Trobe St" },
	{ 29, 0, "Flinders St-Spark Lane" },
	{ 42, 0, "Pelham St (S)" },
	{ 55, 0, "RMIT Bldg 14" },
};
#define COPY_LEADER	15	/* "State Library" */
#define COPY_FOLLOWER	66	/* "State Library - New": its counts, some months */

static const char *const monthnames[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};
static const char *const daynames[7] = {	/* 0: Monday */
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
	"Sunday",
};

/*
 * Hour shapes per 1024 of the peak: commuter (peaks at 08 and 17), retail
 * (midday), night-life (evening), park (afternoon). Weekend hours use the
 * retail shape for the first two, their own for the others.
 */
static const uint16_t shape[4][24] = {
	{ 20, 10, 6, 5, 8, 40, 180, 650, 1024, 600, 420, 480, 700, 640, 460,
	  520, 760, 980, 640, 380, 260, 190, 120, 60 },
	{ 30, 18, 10, 8, 8, 20, 60, 180, 380, 560, 760, 900, 1024, 1000, 940,
	  860, 800, 700, 560, 420, 320, 240, 150, 70 },
	{ 300, 220, 160, 100, 50, 40, 60, 150, 300, 360, 400, 460, 560, 560,
	  540, 560, 640, 800, 960, 1024, 980, 880, 700, 480 },
	{ 20, 12, 8, 6, 6, 20, 90, 260, 420, 560, 700, 820, 920, 980, 1024,
	  1000, 920, 800, 620, 420, 260, 150, 80, 40 },
};
/* Month factor per 1024: summer and December busier. */
static const uint16_t season[12] = {
	1000, 1040, 1060, 1000, 980, 940, 920, 950, 980, 1020, 1060, 1180,
};

static uint64_t
mix(uint64_t x)	/* splitmix64's finaliser */
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t
hash3(uint64_t seed, uint64_t a, uint64_t b)
{
	return mix(seed ^ mix(a * 0x100000001b3ULL ^ mix(b + 0x51ed27)));
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long
days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static int
days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

struct out {
	char	 buf[OUTBUF];
	size_t	 len;
};

static void
flush(struct out *o)
{
	if (o->len > 0 && fwrite(o->buf, 1, o->len, stdout) != o->len) {
		perror("gen_legacy: stdout");
		exit(1);
	}
	o->len = 0;
}

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->len + n > OUTBUF)
		flush(o);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* Writes v in decimal at p; returns the length. */
static size_t
fmt_u64(char *p, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

static size_t
fmt_2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return 2;
}

static size_t
append(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return n;
}

/* The CSV form of a name: quoted when it holds a comma or a quote. */
static void
set_name(struct sensor *s, int which, const char *name)
{
	char *p = s->name[which];
	size_t n = 0;
	if (strpbrk(name, ",\"") == NULL) {
		n = append(p, name);
	} else {
		p[n++] = '"';
		for (; *name != '\0'; name++) {
			if (*name == '"')
				p[n++] = '"';
			p[n++] = *name;
		}
		p[n++] = '"';
	}
	s->namelen[which] = n;
}

static uint64_t
pick(uint64_t seed, int k, int what, uint64_t range)
{
	return hash3(seed, (uint64_t)k, (uint64_t)what + 1000) % range;
}

/* The schedule and character of sensor k (index from 0). */
static void
make_sensor(struct sensor *s, int k, uint64_t seed, int ndays)
{
	int b = k % BASE_SENSORS, rep = k / BASE_SENSORS, i;
	uint64_t u;

	memset(s, 0, sizeof(*s));
	s->id = k + 1;
	/* 18 of every 80 from the first day; the others later and later. */
	if (b < FIRST_DAY_SET) {
		s->start = 0;
	} else if (b < FIRST_DAY_SET + 4) {
		s->start = 60 * (b - FIRST_DAY_SET + 1);	/* the first year */
	} else {
		u = pick(seed, k, 1, 1000000);
		/* 0.05 .. 0.9 of the span, skewed late (sqrt of uniform) */
		uint64_t r = 0;
		while ((r + 1) * (r + 1) <= u)
			r++;			/* r in 0..999 */
		s->start = (int)((uint64_t)ndays * (50 + r * 850 / 1000) / 1000);
	}
	s->end = ndays;
	if (pick(seed, k, 2, 100) < 12 && b != COPY_LEADER && b != COPY_FOLLOWER) {
		int life = s->end - s->start;
		s->end = s->start + 365 + (int)pick(seed, k, 3,
		    (uint64_t)(life > 731 ? life - 365 : 366));
		if (s->end > ndays)
			s->end = ndays;
	}
	if (b == COPY_FOLLOWER)
		s->start = ndays * 3 / 4;	/* 2019 on */
	s->kind = (int)pick(seed, k, 4, 4);
	/* peak 20 .. 5000 a hour, log-uniform: 20 * 2^(u * 8 / 1000) */
	u = pick(seed, k, 5, 1000);
	s->base = 20;
	for (i = 0; i < (int)(u * 8 / 1000); i++)
		s->base *= 2;
	s->base += s->base * (uint32_t)(u * 8 % 1000) / 1000;
	if (b == COPY_LEADER || b < 3)
		s->base = 4200 + (uint32_t)b * 100;	/* busy: in the top 10 */
	s->weekend = 500 + (uint32_t)pick(seed, k, 6, 900);
	s->copy_of = b == COPY_FOLLOWER ? k - COPY_FOLLOWER + COPY_LEADER : -1;

	char buf[64];
	const char *nm = names[b];
	if (rep > 0) {
		size_t n = strlen(nm);
		memcpy(buf, nm, n);
		buf[n++] = ' ';
		buf[n++] = '#';
		n += fmt_u64(buf + n, (uint64_t)rep + 1);
		buf[n] = '\0';
		nm = buf;
	}
	set_name(s, 0, nm);
	set_name(s, 1, nm);
	s->rename_day = -1;
	for (i = 0; i < (int)(sizeof(renames) / sizeof(renames[0])); i++) {
		if (renames[i].k != b)
			continue;
		s->rename_day = s->start + (renames[i].after > 0 ?
		    renames[i].after : (s->end - s->start) / 2);
		set_name(s, 1, renames[i].to);
	}
}

/* Is sensor k silent on that day or hour (missing, not zero)? */
static int
missing(uint64_t seed, int k, int day, int hour)
{
	if (hash3(seed ^ 1, (uint64_t)k, (uint64_t)day / 7) % 400 == 0)
		return 1;	/* a week out */
	if (hash3(seed ^ 2, (uint64_t)k, (uint64_t)day) % 500 == 0)
		return 1;	/* a day out */
	return hash3(seed ^ 3, (uint64_t)k, (uint64_t)day * 24 + (uint64_t)hour)
	    % 4000 == 0;
}

static uint64_t
count(uint64_t seed, const struct sensor *s, int k, int day, int hour,
    int wday, int month, int lockdown)
{
	int weekend = wday >= 5;
	int kind = weekend && s->kind < 2 ? 1 : s->kind;
	uint64_t c = (uint64_t)s->base * shape[kind][hour] / 1024;
	uint64_t h = hash3(seed ^ 4, (uint64_t)k, (uint64_t)day * 24 + (uint64_t)hour);

	if (weekend)
		c = c * s->weekend / 1024;
	c = c * season[month - 1] / 1024;
	if (lockdown)
		c = c * 260 / 1024;
	c = c * (768 + h % 512) / 1024;	/* noise: 0.75 .. 1.25 */
	if (c == 0 && h % 3 == 0)
		c = 1;
	return c;
}

/* Sum of every sensor's active hours: how many rows sensors 0..n-1 give. */
static uint64_t
capacity(const struct sensor *s, int n)
{
	uint64_t c = 0;
	for (int i = 0; i < n; i++)
		c += (uint64_t)(s[i].end - s[i].start) * 24;
	return c * 980 / 1000;	/* less the missing hours (about 0.5 %) */
}

static void
usage(int status)
{
	fputs("usage: gen-legacy [--form archive|export] [--seed N] ROWS\n",
	    status == 0 ? stdout : stderr);
	exit(status);
}

static uint64_t
parse_num(const char *what, const char *s)
{
	char *end;
	if (s[0] < '0' || s[0] > '9')
		goto bad;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end == '\0')
		return v;
bad:
	fprintf(stderr, "gen-legacy: %s: not a number\n", what);
	exit(64);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "form", required_argument, NULL, 'f' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum form form = FORM_EXPORT;
	uint64_t seed = 1, rows, id = 0;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "export") == 0)
				form = FORM_EXPORT;
			else if (strcmp(optarg, "archive") == 0)
				form = FORM_ARCHIVE;
			else
				usage(64);
			break;
		case 's':
			seed = parse_num("--seed", optarg);
			break;
		case 'h':
			usage(0);
			break;
		default:
			fprintf(stderr, "gen-legacy: bad option %s\n",
			    argv[optind - 1]);
			usage(64);
		}
	}
	if (argc - optind != 1)
		usage(64);
	rows = parse_num("ROWS", argv[optind]);

	/* 2009-05-01 .. 2022-12-14, the archive's span. */
	const long day0 = days_from_civil(2009, 5, 1);
	const int ndays = (int)(days_from_civil(2022, 12, 15) - day0);
	int nsensors = BASE_SENSORS, cap = 4 * BASE_SENSORS;
	struct sensor *sensors = calloc((size_t)cap, sizeof(*sensors));
	int *order;
	if (sensors == NULL)
		goto nomem;
	for (int k = 0; k < nsensors; k++)
		make_sensor(&sensors[k], k, seed, ndays);
	while (capacity(sensors, nsensors) < rows) {
		if (nsensors + BASE_SENSORS > cap) {
			struct sensor *n = realloc(sensors,
			    (size_t)cap * 2 * sizeof(*sensors));
			if (n == NULL)
				goto nomem;
			sensors = n;
			cap *= 2;
		}
		for (int k = nsensors; k < nsensors + BASE_SENSORS; k++)
			make_sensor(&sensors[k], k, seed, ndays);
		nsensors += BASE_SENSORS;
	}
	/* The order of the sensors within an hour: shuffled, fixed. */
	if ((order = malloc((size_t)nsensors * sizeof(*order))) == NULL)
		goto nomem;
	for (int k = 0; k < nsensors; k++)
		order[k] = k;
	for (int k = nsensors - 1; k > 0; k--) {
		int j = (int)(hash3(seed, 7, (uint64_t)k) % (uint64_t)(k + 1));
		int t = order[k];
		order[k] = order[j];
		order[j] = t;
	}

	static struct out o;
	put(&o, "ID,Date_Time,Year,Month,Mdate,Day,Time,Sensor_ID,Sensor_Name,"
	    "Hourly_Counts\n", 75);
	int y = 2009, m = 5, d = 1;
	for (int day = 0; day < ndays && id < rows; day++) {
		int wday = (int)((day0 + day + 3) % 7);	/* 1970-01-01: Thursday */
		/* DST starts on the first Sunday of October, at 02:00. */
		int dst_day = m == 10 && wday == 6 && d <= 7;
		int dst_zero = dst_day && (y == 2019 || y == 2021 || y == 2022);
		int lockdown = (y == 2020 && m >= 4 && m <= 10) ||
		    (y == 2021 && (m == 8 || m == 9));
		for (int hour = 0; hour < 24 && id < rows; hour++) {
			if (dst_day && hour == 2 && !dst_zero)
				continue;
			/* Date_Time,Year,Month,Mdate,Day,Time, */
			char pre[96];
			size_t n = 0;
			int h12 = hour % 12 == 0 ? 12 : hour % 12;
			if (form == FORM_EXPORT) {
				n += fmt_2(pre + n, m);
				pre[n++] = '/';
				n += fmt_2(pre + n, d);
				pre[n++] = '/';
				n += fmt_u64(pre + n, (uint64_t)y);
			} else {
				pre[n++] = '"';
				n += append(pre + n, monthnames[m - 1]);
				pre[n++] = ' ';
				n += fmt_2(pre + n, d);
				n += append(pre + n, ", ");
				n += fmt_u64(pre + n, (uint64_t)y);
			}
			pre[n++] = ' ';
			n += fmt_2(pre + n, h12);
			n += append(pre + n, hour < 12 ? ":00:00 AM" : ":00:00 PM");
			if (form == FORM_ARCHIVE)
				pre[n++] = '"';
			pre[n++] = ',';
			n += fmt_u64(pre + n, (uint64_t)y);
			pre[n++] = ',';
			n += append(pre + n, monthnames[m - 1]);
			pre[n++] = ',';
			n += fmt_u64(pre + n, (uint64_t)d);
			pre[n++] = ',';
			n += append(pre + n, daynames[wday]);
			pre[n++] = ',';
			n += fmt_u64(pre + n, (uint64_t)hour);
			pre[n++] = ',';

			for (int i = 0; i < nsensors && id < rows; i++) {
				int k = order[i];
				const struct sensor *s = &sensors[k];
				if (day < s->start || day >= s->end)
					continue;
				/* the follower mirrors its leader in some months */
				int src = k;
				if (s->copy_of >= 0 && (y * 12 + m) % 3 == 0 &&
				    day >= sensors[s->copy_of].start &&
				    day < sensors[s->copy_of].end)
					src = s->copy_of;
				if (missing(seed, src, day, hour))
					continue;
				uint64_t v = dst_zero && hour == 2 ? 0 :
				    count(seed, &sensors[src], src, day, hour,
				    wday, m, lockdown);
				int nm = s->rename_day >= 0 && day >= s->rename_day;
				char row[256];
				size_t r = fmt_u64(row, ++id);
				row[r++] = ',';
				memcpy(row + r, pre, n);
				r += n;
				r += fmt_u64(row + r, (uint64_t)s->id);
				row[r++] = ',';
				memcpy(row + r, s->name[nm], s->namelen[nm]);
				r += s->namelen[nm];
				row[r++] = ',';
				r += fmt_u64(row + r, v);
				row[r++] = '\n';
				put(&o, row, r);
			}
		}
		if (++d > days_in_month(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	flush(&o);
	free(order);
	free(sensors);
	if (id < rows) {	/* capacity() promised more */
		fputs("gen_legacy: internal error: too few sensors\n", stderr);
		return 1;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("gen_legacy: stdout");
		return 1;
	}
	return 0;
nomem:
	fputs("gen_legacy: out of memory\n", stderr);
	return 1;
}
