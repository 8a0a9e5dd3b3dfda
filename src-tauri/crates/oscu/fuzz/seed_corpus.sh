#!/bin/sh
# Seeds corpus/parse_response with the recorded KRA answers (one file per answer and function
# selector byte 0, i.e. direct host, HTTP 200), so the fuzzer starts from real shapes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
recorded="$here/../tests/data/recorded"
out="$here/corpus/parse_response"
mkdir -p "$out"
for f in "$recorded"/*.json; do
  for sel in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23; do
    name="$(basename "$f" .json)-$sel"
    python3 - "$f" "$sel" "$out/$name" <<'PY'
import json, sys
src, sel, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
doc = json.load(open(src))
resp = doc.get("response")
if resp is None:
    sys.exit(0)
inner = resp.get("rawResponse", resp)
with open(dst, "wb") as fh:
    fh.write(bytes([sel]) + json.dumps(inner).encode())
PY
  done
done
echo "seeded $(ls "$out" | wc -l) inputs into $out"
