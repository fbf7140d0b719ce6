/*
 * libFuzzer target: ped-fetch's decoding layer (tools/fetch/
 * source_archive.c and the gzip reader of source_file.c) on arbitrary
 * bytes: ZIP (streamed from local headers), gzip, bzip2, xz, zstd,
 * nested. The first input byte picks the read sizes of the source below
 * and of the reader above, and whether --member is set; the rest is the
 * input. Decoding must end in data or in an error message (die(), here
 * a longjmp through die_hook), never in a crash or a hang.
 * Built and run by make fuzz (needs clang); make test replays the seeds.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "../../tools/fetch/source.h"

struct mem {
	struct source	 src;
	const uint8_t	*p;
	size_t		 len, off, chunk;
};

static jmp_buf	 on_die;

static size_t
mem_read(struct source *s, void *buf, size_t n)
{
	struct mem *m = (struct mem *)s;
	size_t k = m->chunk < n ? m->chunk : n;

	if (k > m->len - m->off)
		k = m->len - m->off;
	memcpy(buf, m->p + m->off, k);
	m->off += k;
	s->consumed = (long long)m->off;
	return k;
}

static void
mem_close(struct source *s)
{
	(void)s;
}

static void
jump(int status)
{
	longjmp(on_die, status == 0 ? 1 : status);
}

/* Reads everything, bounded: a decompression bomb is not the subject. */
static void
drain(struct source *top, size_t want)
{
	static char out[65536];
	size_t r, total = 0;

	while (total < (64u << 20) && (r = top->read(top, out, want)) > 0) {
		if (r > want)
			abort();
		total += r;
	}
}

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[] = { 1, 7, 4096, 1 << 20 };
	struct fetch_options o;
	struct mem m;
	struct source *volatile top = NULL;
	size_t want;

	if (size < 1)
		return 0;
	memset(&o, 0, sizeof(o));
	o.quiet = 1;
	o.member = (data[0] & 0x10) ? "a.csv" : NULL;
	memset(&m, 0, sizeof(m));
	m.src.name = "<fuzz>";
	m.src.read = mem_read;
	m.src.close = mem_close;
	m.src.size = (long long)(size - 1);
	m.p = data + 1;
	m.len = size - 1;
	m.chunk = chunks[data[0] & 3];
	want = (data[0] & 0x0c) == 0 ? 1 : (size_t)65536 >> (data[0] >> 2 & 3);
	die_hook = jump;
	if (setjmp(on_die) == 0) {
		top = source_decode(&m.src, &o);
		drain(top, want);
	}
	if (top != NULL)
		source_close(top);
	else
		source_decode_abandon();
	die_hook = NULL;
	return 0;
}
