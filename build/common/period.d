build/common/period.o: common/period.c common/period.h
common/period.h:
