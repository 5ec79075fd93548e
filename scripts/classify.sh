#!/usr/bin/env bash
# The main job: installs what is missing, builds, and classifies photos on the default GPU
# (Mesa's lavapipe CPU driver where there is none) with a real pretrained model.
#   bash scripts/classify.sh                       # ../shared/images/bird.bmp, Keras MobileNetV1 0.75
#   bash scripts/classify.sh PHOTO... [--model PATH] [--top K] [--device cpu] ...
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/build.sh" >/dev/null
args=("$@")
has_model=0
has_input=0
for a in "${args[@]}"; do
  case "$a" in
    --model) has_model=1 ;;
    --input-npy) has_input=1 ;;
    -*) ;;
    *) has_input=1 ;;
  esac
done
[ $has_model -eq 1 ] || args=(--model "$root/../shared/models/mobilenet_v1_0.75_224_keras" "${args[@]}")
[ $has_input -eq 1 ] || args+=("$root/../shared/images/bird.bmp")
exec "$root/build/bin/mobilevk" classify "${args[@]}"
