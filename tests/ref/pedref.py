#!/usr/bin/env python3
"""Independent reference for ped-agg and ped-topn, for differential tests.

    pedref.py agg BY < tsv        pedref.py topn N [--no-ties] < tsv
    pedref.py gen SEED ROWS       random normalised TSV (hour periods)

Written from the README's contract, sharing no code with the C tools.
"""
import datetime
import random
import sys

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
            "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
HEADER = "period\tsensor_id\tsensor_name\tcount"


def order_key(period):
    """(kind, value) ordering periods as the contract says."""
    if period in WEEKDAYS:
        return (4, WEEKDAYS.index(period))
    if period in MONTHS:
        return (5, MONTHS.index(period))
    kind = {13: 0, 10: 1, 7: 2, 4: 3}[len(period)]
    return (kind, period)


def truncate(period, by):
    if by == "hour":
        return period[:13]
    if by == "day":
        return period[:10]
    if by == "month":
        return period[:7]
    if by == "year":
        return period[:4]
    if by == "monthname":
        return MONTHS[int(period[5:7]) - 1]
    d = datetime.date(int(period[:4]), int(period[5:7]), int(period[8:10]))
    return WEEKDAYS[d.weekday()]


def rows(stream):
    for line in stream:
        line = line.rstrip("\n")
        if line == HEADER:
            continue
        p, sid, name, count = line.split("\t")
        yield p, int(sid), name, int(count)


def agg(by):
    sums, names = {}, {}
    for i, (p, sid, name, count) in enumerate(rows(sys.stdin)):
        key = (truncate(p, by), sid)
        sums[key] = sums.get(key, 0) + count
        # one name per sensor id: its latest record by period, then
        # input order (pooled periods have no time: input order alone)
        pooled = p in WEEKDAYS or p in MONTHS
        at = ("" if pooled else p.ljust(13, "\0"), i)
        if sid not in names or at >= names[sid][0]:
            names[sid] = (at, name)
    out = [HEADER]
    for key in sorted(sums, key=lambda k: (order_key(k[0]), k[1])):
        out.append("%s\t%d\t%s\t%d" % (key[0], key[1], names[key[1]][1],
                                       sums[key]))
    sys.stdout.write("\n".join(out) + "\n")


def topn(n, ties):
    periods = {}
    for p, sid, name, count in rows(sys.stdin):
        periods.setdefault(p, []).append((count, sid, name))
    out = ["period\trank\tsensor_id\tsensor_name\tcount"]
    for p in sorted(periods, key=order_key):
        ranked = sorted(periods[p], key=lambda r: (-r[0], r[1]))
        for i, (count, sid, name) in enumerate(ranked):
            rank = 1 + sum(1 for r in ranked if r[0] > count)
            if n and (rank > n or (not ties and i >= n)):
                continue
            out.append("%s\t%d\t%d\t%s\t%d" % (p, rank, sid, name, count))
    sys.stdout.write("\n".join(out) + "\n")


def gen(seed, nrows):
    rnd = random.Random(seed)
    start = datetime.datetime(2019, 12, 25)
    names = {s: ["Sensor %d" % s, "Sensor %d (new)" % s] for s in range(40)}
    print(HEADER)
    for _ in range(nrows):
        t = start + datetime.timedelta(hours=rnd.randrange(24 * 500))
        sid = rnd.randrange(40)
        # few distinct counts, so ties are common
        count = rnd.choice([0, 1, 5, 10, 100, rnd.randrange(10000)])
        print("%s\t%d\t%s\t%d" % (t.strftime("%Y-%m-%dT%H"), sid,
                                  rnd.choice(names[sid]), count))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "agg":
        agg(sys.argv[2])
    elif cmd == "topn":
        topn(int(sys.argv[2]), "--no-ties" not in sys.argv)
    elif cmd == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]))
