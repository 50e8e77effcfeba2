#!/bin/sh
# SPDX-License-Identifier: MIT
# The fuzz harnesses (tests/fuzz/fuzz_NAME.c, built by the Makefile into BUILD/fuzz/) run
# briefly in every `make test`: each goes over its committed seed corpus
# (tests/fuzz/corpus/NAME/) and then mutates it for a fixed number of runs with a fixed
# seed, so a failure can be replayed. One TAP test per harness; a crash, a sanitizer
# report or a broken property fails it and names the input libFuzzer saved. Long runs are
# `make fuzz` (FUZZ_SECONDS each).
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
fuzzdir=$(cd "$(dirname "$VKHID")/.." && pwd)/fuzz
runs=${FUZZ_RUNS:-10000}

found=0
for h in "$top"/tests/fuzz/fuzz_*.c; do
	[ -f "$h" ] || continue
	name=$(basename "$h" .c); name=${name#fuzz_}
	bin=$fuzzdir/fuzz_$name
	if [ ! -x "$bin" ]; then
		bad "fuzz_$name is built" "no $bin: make test-build builds it (needs clang)"
		continue
	fi
	found=$((found + 1))
	mkdir -p "$T/corpus-$name" "$T/art-$name"
	# New inputs go to the scratch folder first on the line; the committed seeds are read only.
	if "$bin" -runs="$runs" -seed=1 -max_total_time=10 -print_final_stats=1 \
		-artifact_prefix="$T/art-$name/" "$T/corpus-$name" "$top/tests/fuzz/corpus/$name" \
		>"$T/fuzz-$name.log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T/fuzz-$name.log")
		ok "fuzz_$name: $execs inputs, no finding"
	else
		mkdir -p "$fuzzdir/found"
		cp "$T/art-$name/"* "$fuzzdir/found/" 2>/dev/null
		bad "fuzz_$name found a crash (input kept in $fuzzdir/found/)" \
			"$(grep -E 'ERROR|runtime error|SUMMARY|abort' "$T/fuzz-$name.log" | head -5)"
	fi
done
[ "$found" -gt 0 ] || bad "no fuzz harness found in tests/fuzz/"
done_testing
