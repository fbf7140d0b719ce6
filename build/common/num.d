build/common/num.o: common/num.c common/err.h common/num.h
common/err.h:
common/num.h:
