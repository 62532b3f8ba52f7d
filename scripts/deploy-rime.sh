#!/bin/sh
# deploy-rime.sh DATA_DIR — deploys the kiosk's pinyin schema (librime, luna_pinyin_simp, user dictionary off) into
# DATA_DIR/rime, the kiosk's rime user directory (KioskConfig::rime_dir()), at install or first boot. The kiosk
# itself never runs librime's ~0.6 s schema check on a normal start: it deploys only when DATA_DIR/rime/build is
# missing or older than its sources (PinyinEngine::deploy_needed), so after this step it never does.
# The two patch files are the ones PinyinEngine::patches() writes (kiosk/devices/pinyin.cpp); keep them identical, or
# the kiosk rewrites them and deploys once more on its next open.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DATA_DIR" >&2; exit 2; }
command -v rime_deployer >/dev/null || { echo "deploy-rime: rime_deployer is missing (apt-get install librime-bin)" >&2; exit 1; }
dir="$1/rime"
mkdir -p "$dir"
write_if_changed() {  # an unchanged file keeps its time, so the build stays current
  if [ ! -f "$1" ] || [ "$(cat "$1")" != "$(printf '%b' "$2")" ]; then printf '%b' "$2" > "$1"; fi
}
write_if_changed "$dir/default.custom.yaml" 'patch:\n  schema_list:\n    - schema: luna_pinyin_simp\n  menu/page_size: 8\n'
write_if_changed "$dir/luna_pinyin_simp.custom.yaml" 'patch:\n  translator/enable_user_dict: false\n'
rime_deployer --build "$dir" /usr/share/rime-data "$dir/build" >/dev/null 2>&1 || {
  echo "deploy-rime: rime_deployer failed for $dir" >&2; exit 1; }
for f in default.yaml luna_pinyin_simp.schema.yaml luna_pinyin_simp.prism.bin; do
  [ -f "$dir/build/$f" ] || { echo "deploy-rime: $dir/build/$f was not built" >&2; exit 1; }
done
echo "deploy-rime: $dir deployed"
