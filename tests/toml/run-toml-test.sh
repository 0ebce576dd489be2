#!/usr/bin/env bash
# Runs the toml-test suite (TOML 1.0.0 file list) against our decoder.
# usage: tests/toml/run-toml-test.sh DECODER SUITE_DIR [-v]
#   DECODER    build/tests/toml/toml_decode
#   SUITE_DIR  a checkout of github.com/toml-lang/toml-test (its tests/ folder
#              holds valid/, invalid/ and files-toml-1.0.0); never committed here.
# valid/*.toml must decode to JSON equal to the .json beside it (floats by
# value, date-times after normalising); invalid/*.toml must be rejected.
set -euo pipefail
decoder=$1
suite=$2
verbose=${3:-}
[ -d "$suite/tests" ] && suite=$suite/tests
list=$suite/files-toml-1.0.0
[ -f "$list" ] || { echo "no $list" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/compare.py" <<'PY'
import json, math, re, sys

def norm_dt(s):
    s = s.replace(' ', 'T').replace('t', 'T').replace('z', 'Z')
    s = re.sub(r'[+-]00:00$', 'Z', s)
    m = re.match(r'^(.*\d\d:\d\d:\d\d)(\.\d+)?(.*)$', s)
    if m:
        frac = (m.group(2) or '').rstrip('0')
        if frac == '.':
            frac = ''
        s = m.group(1) + frac + m.group(3)
    return s

def same(a, b):
    if isinstance(a, dict) and set(a.keys()) == {'type', 'value'} and isinstance(a.get('value'), str):
        if not (isinstance(b, dict) and b.get('type') == a['type'] and isinstance(b.get('value'), str)):
            return False
        t, x, y = a['type'], a['value'], b['value']
        if t == 'float':
            fx, fy = float(x), float(y)
            return (math.isnan(fx) and math.isnan(fy)) or fx == fy
        if t == 'integer':
            return int(x) == int(y)
        if t.startswith('date') or t.startswith('time'):
            return norm_dt(x) == norm_dt(y)
        return x == y
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b

with open(sys.argv[1], encoding='utf-8') as f:
    want = json.load(f)
with open(sys.argv[2], encoding='utf-8') as f:
    got = json.load(f)
sys.exit(0 if same(want, got) else 1)
PY

pass_valid=0; fail_valid=0; pass_invalid=0; fail_invalid=0
failures=()
while IFS= read -r rel; do
  case "$rel" in
    valid/*.toml)
      want=$suite/${rel%.toml}.json
      if "$decoder" "$suite/$rel" > "$tmp/out.json" 2> "$tmp/err" &&
         python3 "$tmp/compare.py" "$want" "$tmp/out.json"; then
        pass_valid=$((pass_valid + 1))
      else
        fail_valid=$((fail_valid + 1)); failures+=("$rel: $(head -c 200 "$tmp/err")")
      fi ;;
    invalid/*.toml)
      if "$decoder" "$suite/$rel" > /dev/null 2> "$tmp/err"; then
        fail_invalid=$((fail_invalid + 1)); failures+=("$rel: accepted")
      else
        rc=$?
        if [ $rc -eq 1 ]; then
          pass_invalid=$((pass_invalid + 1))
          [ -n "$verbose" ] && echo "ok $rel: $(cat "$tmp/err")"
        else
          fail_invalid=$((fail_invalid + 1)); failures+=("$rel: exit $rc (crash?)")
        fi
      fi ;;
  esac
done < "$list"

for f in "${failures[@]}"; do echo "FAIL $f"; done
echo "toml-test (TOML 1.0.0): valid $pass_valid passed, $fail_valid failed;" \
     "invalid $pass_invalid rejected, $fail_invalid accepted or crashed"
[ $fail_valid -eq 0 ] && [ $fail_invalid -eq 0 ]
