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
# The options of `mobilevk classify` that take a value: that value is not a photo.
takes_value=" --model --labels --top --device --device-profile --save-output --save-input --input-npy --input-range
  --precision --execution --dot-product --tuning-cache --pipeline-cache "
for ((i = 0; i < ${#args[@]}; i++)); do
  a=${args[i]}
  case "$a" in
    --model) has_model=1 ;;
    --input-npy) has_input=1 ;;
  esac
  if [[ "$a" == --* ]]; then
    [[ "$takes_value" == *" $a "* ]] && i=$((i + 1))
  else
    has_input=1
  fi
done
[ $has_model -eq 1 ] || args=(--model "$root/../shared/models/mobilenet_v1_0.75_224_keras" "${args[@]}")
[ $has_input -eq 1 ] || args+=("$root/../shared/images/bird.bmp")
exec "$root/build/bin/mobilevk" classify "${args[@]}"
