/*
 * Fault injection for the tests, loaded with LD_PRELOAD as jq's and curl's
 * test suites do: PED_FAULT=CALL:N makes the Nth call of CALL fail, and
 * PED_FAULT=CALL:N+ that call and every later one (as a full disk or
 * exhausted memory would).
 *
 *   malloc   malloc, calloc, realloc return NULL, errno ENOMEM
 *   write    write(2), fwrite, fputs, fputc, fflush fail with ENOSPC
 *   fclose   fclose fails with EIO (after closing the stream)
 *
 * PED_FAULT_SPARE=NAME spares allocations made from a library whose file
 * name holds NAME (they are counted, never failed): OpenSSL 3.0 does not
 * survive some of its own allocations failing (a NULL lock, then a crash
 * inside it), which no caller can handle.
 *
 * PED_FAULT=CALL:0 fails nothing and, with PED_FAULT_COUNT=FILE, writes
 * how many calls of CALL the process made to FILE at exit, so a test can
 * walk N over 1..count. glibc only: stdio's own writes go through
 * internal symbols, so the stdio entry points are wrapped too.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void	*__libc_malloc(size_t);
extern void	*__libc_calloc(size_t, size_t);
extern void	*__libc_realloc(void *, size_t);

enum { F_NONE, F_MALLOC, F_WRITE, F_FCLOSE };

static int		 fault_kind = -1;	/* -1: not read yet */
static unsigned long	 fault_at;
static unsigned long	 calls;
static int		 sticky;
static int		 in_setup;
static const char	*spare;		/* PED_FAULT_SPARE */

static void
setup(void)
{
	const char *s;
	char *end;

	if (fault_kind != -1 || in_setup)
		return;
	in_setup = 1;
	fault_kind = F_NONE;
	spare = getenv("PED_FAULT_SPARE");
	s = getenv("PED_FAULT");
	if (s != NULL) {
		if (strncmp(s, "malloc:", 7) == 0)
			fault_kind = F_MALLOC, s += 7;
		else if (strncmp(s, "write:", 6) == 0)
			fault_kind = F_WRITE, s += 6;
		else if (strncmp(s, "fclose:", 7) == 0)
			fault_kind = F_FCLOSE, s += 7;
		else
			s = NULL;
		if (s != NULL) {
			fault_at = strtoul(s, &end, 10);
			sticky = *end == '+';
		}
	}
	in_setup = 0;
}

/* Counts a call of kind; true when it must fail. */
static int
should_fail(int kind)
{
	setup();
	if (kind != fault_kind)
		return 0;
	calls++;
	return fault_at > 0 && (calls == fault_at ||
	    (sticky && calls > fault_at));
}

__attribute__((destructor)) static void
report_count(void)
{
	const char *path = getenv("PED_FAULT_COUNT");
	FILE *f;

	if (path == NULL || fault_kind <= F_NONE)
		return;
	fault_kind = F_NONE;	/* stop counting our own calls */
	if ((f = fopen(path, "w")) != NULL) {
		fprintf(f, "%lu\n", calls);
		fclose(f);
	}
}

/* True when the allocation at return address ra is to be spared. */
static int
spared(void *ra)
{
	Dl_info info;

	return spare != NULL && dladdr(ra, &info) != 0 &&
	    info.dli_fname != NULL && strstr(info.dli_fname, spare) != NULL;
}

void *
malloc(size_t n)
{
	if (should_fail(F_MALLOC) && !spared(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	if (should_fail(F_MALLOC) && !spared(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	if (should_fail(F_MALLOC) && !spared(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}

/* Marks a stream failed the way a failed write would (glibc's flag). */
static void
set_error(FILE *f)
{
	f->_flags |= 0x20;	/* _IO_ERR_SEEN */
	errno = ENOSPC;
}

/* Writes to stderr stay possible, or no tool could report the fault. */
static int
fails_write(int fd)
{
	return fd != STDERR_FILENO && should_fail(F_WRITE);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);

	if (fails_write(fd)) {
		errno = ENOSPC;
		return -1;
	}
	if (real == NULL)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	return real(fd, buf, n);
}

size_t
fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	static size_t (*real)(const void *, size_t, size_t, FILE *);

	if (fails_write(fileno(f))) {
		set_error(f);
		return 0;
	}
	if (real == NULL)
		real = (size_t (*)(const void *, size_t, size_t, FILE *))dlsym(RTLD_NEXT, "fwrite");
	return real(p, size, n, f);
}

int
fputs(const char *s, FILE *f)
{
	static int (*real)(const char *, FILE *);

	if (fails_write(fileno(f))) {
		set_error(f);
		return EOF;
	}
	if (real == NULL)
		real = (int (*)(const char *, FILE *))dlsym(RTLD_NEXT, "fputs");
	return real(s, f);
}

int
fputc(int c, FILE *f)
{
	static int (*real)(int, FILE *);

	if (fails_write(fileno(f))) {
		set_error(f);
		return EOF;
	}
	if (real == NULL)
		real = (int (*)(int, FILE *))dlsym(RTLD_NEXT, "fputc");
	return real(c, f);
}

int
fflush(FILE *f)
{
	static int (*real)(FILE *);

	if (f != NULL && fails_write(fileno(f))) {
		set_error(f);
		return EOF;
	}
	if (real == NULL)
		real = (int (*)(FILE *))dlsym(RTLD_NEXT, "fflush");
	return real(f);
}

int
fclose(FILE *f)
{
	static int (*real)(FILE *);
	int fail = fileno(f) != STDERR_FILENO && should_fail(F_FCLOSE);

	if (real == NULL)
		real = (int (*)(FILE *))dlsym(RTLD_NEXT, "fclose");
	if (real(f) != 0 || fail) {
		if (fail)
			errno = EIO;
		return EOF;
	}
	return 0;
}
