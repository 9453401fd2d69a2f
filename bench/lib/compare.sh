# Shared by bench/compare/*.sh (sourced): medians and one kit-vs-python case, timed with
# $EPOCHREALTIME (bash 5), which reads the clock without starting a process.
# Needs KIT, PY and RUNS set by the caller.

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# bench_case NAME "KIT ARGS" PYCODE [PYARG...]: checks that both print the same bytes, then
# runs them alternately RUNS times and prints the medians and the ratio python/kit.
bench_case() {
  local name=$1 kit_args=$2 py_code=$3
  shift 3
  if ! cmp -s <("$KIT" $kit_args) <("$PY" -c "$py_code" "$@"); then
    echo "$(basename "$0"): $name: kit and python outputs differ" >&2
    exit 1
  fi
  local kit_times=() py_times=() t0 t1 t2 i
  for ((i = 0; i < RUNS; i++)); do
    t0=${EPOCHREALTIME/./}; "$KIT" $kit_args >/dev/null; t1=${EPOCHREALTIME/./}
    "$PY" -c "$py_code" "$@" >/dev/null; t2=${EPOCHREALTIME/./}
    kit_times+=($((10#$t1 - 10#$t0))); py_times+=($((10#$t2 - 10#$t1)))
  done
  local k p
  k=$(printf '%s\n' "${kit_times[@]}" | median)
  p=$(printf '%s\n' "${py_times[@]}" | median)
  awk -v n="$name" -v k="$k" -v p="$p" \
    'BEGIN {printf "%-40s kit %9.1f ms   python3 %9.1f ms   kit is %6.1fx faster\n", n, k/1000, p/1000, p/k}'
}
