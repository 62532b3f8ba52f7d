#!/usr/bin/env bash
# policy-tool as documented: first word of answers, exit 0/1/2, --json everywhere.
set -u
T="$1"
fails=0
expect() { # expect <exit> <first-word-or-""> -- args…
  local want_rc=$1 want_first=$2; shift 3
  local out rc
  out=$("$T" "$@" 2>/tmp/policy_tool_err.$$); rc=$?
  local first=${out%%[[:space:]]*}
  if [ "$rc" != "$want_rc" ] || { [ -n "$want_first" ] && [ "$first" != "$want_first" ]; }; then
    echo "FAIL: policy-tool $* → exit $rc, first word '$first' (wanted exit $want_rc, '$want_first')"
    echo "  stdout: $out"; echo "  stderr: $(cat /tmp/policy_tool_err.$$)"
    fails=$((fails+1))
  fi
}
expect 0 2025-11-07 -- workdays add 2025-09-22 30
expect 0 30 -- workdays between 2025-09-22 2025-11-07
expect 0 -30 -- workdays between 2025-11-07 2025-09-22
expect 0 2027-01-04 -- workdays add 2026-12-31 1
expect 1 "" -- workdays add 2025-02-29 3
expect 0 230523199001010012 -- id check 230523900101001
expect 0 11010519491231002X -- id check 11010519491231002x
expect 1 "" -- id check 230523199001010013
expect 0 1200.00 -- benefit --standard 700 --income 300 --members 3
expect 0 0.00 -- benefit --standard 700 --income 800 --members 3
expect 1 "" -- benefit --standard 700.123 --income 300 --members 3
expect 0 "" -- deadline --programme dibao --accepted 2025-09-22
expect 1 "" -- deadline --programme nope --accepted 2025-09-22
expect 0 1. -- search 低保
expect 1 "" -- receipt check 11040125112200073
expect 2 "" -- workdays add 2025-09-22
expect 2 "" -- frobnicate
expect 2 "" -- benefit --standard 700
# The rules, right (issue 13): money, IDs, receipts, deadlines, search.
expect 1 "" -- benefit --standard 9000000000000000 --income 0 --members 100
expect 1 "" -- benefit --standard 700 --income -100 --members 3
expect 1 "" -- benefit --standard 7,00 --income 0 --members 1
expect 1 "" -- benefit --standard 1,,2 --income 0 --members 1
expect 0 1200.00 -- benefit --standard 1,000 --income 600 --members 3
out=$("$T" benefit --standard 700 --income 800 --members 3)
case "$out" in *不符合*) ;; *) echo "FAIL: income above the standard must say 不符合 → $out"; fails=$((fails+1));; esac
out=$("$T" benefit --standard 700 --income 700 --members 3 --json)
[ "$out" = '{"benefit_fen":0,"benefit_yuan":"0.00","eligible":false}' ] || { echo "FAIL: benefit json → $out"; fails=$((fails+1)); }
expect 1 "" -- id check 23052318000101001X
expect 0 440524188001010014 -- id check 440524188001010014
expect 0 11010519491231002X -- id check "１１０１０５１９４９１２３１００２Ｘ"
expect 0 230523199001010012 -- id check 230523-19900101-0012
out=$("$T" id check "１１０１０５１９４９１２３１００２")
case "$out" in *现在是17位*) ;; *) echo "FAIL: full-width length → $out"; fails=$((fails+1));; esac
expect 1 "" -- --today 2026-11-27 receipt check 35239999123100013
expect 0 有效 -- --today 2026-11-27 receipt check "1104 0125 1122 0007 8"
out=$("$T" deadline --programme linshi_jinan --accepted 2026-06-01)
case "$out" in *延期*) echo "FAIL: 急难型 has no extension → $out"; fails=$((fails+1));; esac
case "$out" in *以乡镇通知为准*) ;; *) echo "FAIL: unconfirmed limits unmarked → $out"; fails=$((fails+1));; esac
out=$("$T" deadline --programme ref_yiliao --accepted 2026-06-01)
case "$out" in *受理*) echo "FAIL: a referral has no 受理 → $out"; fails=$((fails+1));; esac
out=$("$T" deadline --programme tekun --accepted 2026-06-01 --json)
printf '%s' "$out" | python3 -c '
import json,sys; d=json.load(sys.stdin)
assert d["overall"]["unconfirmed"] is True and "extended_due" in d["overall"], d
' || { echo "FAIL: tekun deadline json → $out"; fails=$((fails+1)); }
out=$("$T" deadline --programme linshi_jinan --accepted 2026-06-01 --json)
printf '%s' "$out" | python3 -c '
import json,sys; d=json.load(sys.stdin)
assert "extended_due" not in d["overall"], d
' || { echo "FAIL: jinan deadline json → $out"; fails=$((fails+1)); }
expect 0 1. -- search 单人保
expect 0 1. -- search 授权核对
expect 0 1. -- search "救 OR 低保"
# --json on every subcommand
for args in "workdays add 2025-09-22 30" "workdays between 2025-09-22 2025-11-07" "workdays is 2025-10-01" \
            "id check 11010519491231002X" "benefit --standard 700 --income 300 --members 3" \
            "deadline --programme tekun --accepted 2025-09-22" "search 公示" "receipt check 11010519491231002X"; do
  out=$("$T" $args --json 2>/dev/null)
  if ! printf '%s' "$out" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; then
    echo "FAIL: --json not JSON for: $args → $out"; fails=$((fails+1))
  fi
done
out=$("$T" workdays add 2025-09-22 30 --json)
[ "$out" = '{"date":"2025-11-07","provisional":false}' ] || { echo "FAIL: json add → $out"; fails=$((fails+1)); }
out=$("$T" deadline --programme dibao --accepted 2025-09-22 --json)
printf '%s' "$out" | python3 -c '
import json,sys; d=json.load(sys.stdin)
assert d["overall"]["days"]==20 and d["overall"]["extended_days"]==45, d
assert any(s["stage"]=="investigation_started" and s["due"]=="2025-09-25" for s in d["stages"]), d
' || { echo "FAIL: deadline json → $out"; fails=$((fails+1)); }
rm -f /tmp/policy_tool_err.$$
echo "policy-tool: $fails failure(s)"
[ $fails -eq 0 ]
