/* Allocation that cannot fail: out of memory is fatal (exit 1). */
#ifndef PED_XALLOC_H
#define PED_XALLOC_H

#include <stddef.h>

void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *ptr, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
/* Copies len bytes and adds a terminating NUL. */
char	*xmemdup(const void *p, size_t len);

#endif
