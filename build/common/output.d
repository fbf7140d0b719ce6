build/common/output.o: common/output.c common/err.h common/output.h
common/err.h:
common/output.h:
