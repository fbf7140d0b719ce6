build/common/xalloc.o: common/xalloc.c common/err.h common/xalloc.h
common/err.h:
common/xalloc.h:
