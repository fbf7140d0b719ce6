#!/usr/bin/env bash
# One sensor's monthly history, oldest first: month, total.
# usage: sensor-history.sh COUNTS.tsv SENSOR_ID
tab=$(printf '\t')
ped-agg -b month --no-header "$1" | grep "^[^$tab]*$tab$2$tab" | cut -f1,4 | sort
