#!/bin/bash
# tests/e2e/architecture.sh - src/ keeps the shape README.md describes
# (issue 16): stages in one direction, no cycles by include or by call,
# each library behind one adapter, no mutable static state, no file over
# 1,500 lines and no function over 120.  The checks are in
# architecture.py; the call graph comes from the objects folio was built
# from (build/obj, or build/asan/obj for the sanitizer run's binary).
. tests/lib.sh

need_tools architecture python3 nm
objdir=build/obj
case "$FOLIO" in
*/asan/*) objdir=build/asan/obj ;;
esac
python3 tests/e2e/architecture.py "$objdir"
