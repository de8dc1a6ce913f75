#!/bin/bash
# Two-fold cross-validation of the answer decision on corpus/eval: `motcua calibrate` on one
# half of the questions (alternate lines), `motcua eval` on the other, both ways, summed; then
# the in-sample, utehy_faq (as typed and stripped) and mixed-knowledge-base figures of a model
# calibrated on all of them. Used for BENCHMARKS.md (issue 15, question forms).
#
#   scripts/crossvalidate-calibration.sh BIN NAME '{"questionFormWeight": 0.1}' [calibrate flags…]
#
# BIN: a motcua binary; NAME: a label; the JSON: keys overriding corpus/ranking.json. UTEHY
# (default ../shared/data/utehy_faq) holds the utehy_faq kb.jsonl and queries.jsonl.
set -euo pipefail
BIN=$1; NAME=$2; OVERRIDES=$3; shift 3
UTEHY=${UTEHY:-../shared/data/utehy_faq}
OUT=$(mktemp -d)
python3 - "$OVERRIDES" "$OUT" <<'PY'
import json, sys
overrides, out = sys.argv[1], sys.argv[2]
config = json.load(open('corpus/ranking.json')); config.update(json.loads(overrides))
json.dump(config, open(f'{out}/base.json', 'w'))
rows = open('corpus/eval/queries.jsonl').read().splitlines()
for k in range(2):
    open(f'{out}/fold{k}.jsonl', 'w').write('\n'.join(r for i, r in enumerate(rows) if i % 2 == k) + '\n')
PY
for k in 0 1; do
    "$BIN" calibrate --config "$OUT/base.json" --queries "$OUT/fold$k.jsonl" --out "$OUT/c$k.json" "$@" > /dev/null
    "$BIN" eval --config "$OUT/c$k.json" --queries "$OUT/fold$((1 - k)).jsonl" --json > "$OUT/e$((1 - k)).json"
done
"$BIN" calibrate --config "$OUT/base.json" --out "$OUT/all.json" "$@" > /dev/null
"$BIN" eval --config "$OUT/all.json" --json > "$OUT/in.json"
"$BIN" eval --config "$OUT/all.json" --kb "$UTEHY/kb.jsonl" --queries "$UTEHY/queries.jsonl" --json > "$OUT/utehy.json"
"$BIN" eval --config "$OUT/all.json" --kb "$UTEHY/kb.jsonl" --queries "$UTEHY/queries.jsonl" --strip-diacritics --json \
    > "$OUT/utehy-stripped.json"
"$BIN" eval --config "$OUT/all.json" --kb corpus/kb --kb "$UTEHY/kb.jsonl" --json > "$OUT/mixed.json"
python3 - "$NAME" "$OUT" <<'PY'
import json, sys
name, out = sys.argv[1], sys.argv[2]
load = lambda f: json.load(open(f'{out}/{f}.json'))
right = answered = in_scope = oos = oos_escalated = 0
for k in (0, 1):
    e = load(f'e{k}')
    c = e['answerCoverage'] * e['inScope']
    right += c
    answered += c / e['answerPrecision'] if e['answerPrecision'] > 0 else 0
    in_scope += e['inScope']; oos += e['outOfScope']; oos_escalated += e['outOfScopeEscalated'] * e['outOfScope']
i, u, us, m = load('in'), load('utehy'), load('utehy-stripped'), load('mixed')
print(f"{name}: CV coverage {right / in_scope:.3f} precision {right / max(answered, 1e-9):.3f} out of scope {oos_escalated / oos:.3f}"
      f" | in-sample hit@1 {i['hitAt1']:.3f} MRR {i['mrrAt10']:.3f} coverage {i['answerCoverage']:.3f}"
      f" | utehy {u['hitAt1']:.3f}/{u['mrrAt10']:.3f} stripped {us['hitAt1']:.3f}/{us['mrrAt10']:.3f}"
      f" | mixed {m['hitAt1']:.3f}/{m['mrrAt10']:.3f} out of scope {m['outOfScopeEscalated']:.3f}")
PY
rm -rf "$OUT"
