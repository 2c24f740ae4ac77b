#!/bin/sh
# The shape of generator/ (README.md, "The pipeline"): folders form no
# circle, render/'s page families depend on no other family, every
# source file was built.  tests/layout.py reads the objects of the build
# under test with nm.
. "$(dirname "$0")/lib.sh"
objdir=$(dirname "$KBGEN")
if [ ! -f "$objdir/main.o" ]; then
	fail layout "no objects next to $KBGEN (run make kbgen first)"
	finish
fi
out=$(python3 "$(dirname "$0")/layout.py" "$objdir" 2>&1)
echo "$out" | grep '^ok \|^FAIL\|^    '
PASS=$(echo "$out" | grep -c '^ok ')
FAILS=$(echo "$out" | grep -c '^FAIL')
finish
