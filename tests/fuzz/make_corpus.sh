#!/usr/bin/env bash
# Builds the seed corpus from the real files in ../shared plus hand-made truncations and byte flips
# (generated here, never committed: the real files stay in ../shared).
#   make_corpus.sh SHARED_DIR OUT_DIR
set -euo pipefail
shared=$1 out=$2
rm -rf "$out" && mkdir -p "$out"/{tflite,keras,npy,image}
variants() {  # variants SRC DESTDIR NAME: the file, truncations, and a few flipped bytes
  local src=$1 dir=$2 name=$3 size
  size=$(stat -c %s "$src")
  cp "$src" "$dir/$name"
  for cut in 8 64 512 4096 $((size / 2)) $((size - 1)); do
    [ "$cut" -gt 0 ] && [ "$cut" -lt "$size" ] && head -c "$cut" "$src" > "$dir/$name.cut$cut"
  done
  for at in 4 20 100 $((size / 3)); do
    if [ "$at" -lt "$size" ]; then
      cp "$src" "$dir/$name.flip$at"
      printf '\xff\x7f' | dd of="$dir/$name.flip$at" bs=1 seek="$at" conv=notrunc status=none
    fi
  done
}
variants "$shared/models/vww_96_int8.tflite" "$out/tflite" vww_int8
variants "$shared/models/vww_96_float.tflite" "$out/tflite" vww_float
variants "$shared/models/mlir/mobilenet_v1_0.25_128_quant.tflite" "$out/tflite" mlir_025
variants "$shared/models/mobilenet_v1_0.75_224_keras/model.json" "$out/keras" model_json
sed 's/"Conv2D"/"Conv3D"/' "$shared/models/mobilenet_v1_0.75_224_keras/model.json" > "$out/keras/conv3d.json"
sed 's/"relu6"/"tanh"/' "$shared/models/mobilenet_v1_0.75_224_keras/model.json" > "$out/keras/tanh.json"
for img in hot_dog.jpg face.jpg resized_cat.bmp; do variants "$shared/images/$img" "$out/image" "$img"; done
# A small float32 NHWC .npy (1x2x2x3), header padded to a multiple of 64 bytes as NumPy writes it.
npy="$out/npy/small.npy"
python3 - "$npy" <<'PY'
import struct, sys
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2, 3), }"
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(sys.argv[1], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    f.write(struct.pack("<12f", *[i * 0.5 for i in range(12)]))
PY
variants "$npy" "$out/npy" small
echo "corpus: $(find "$out" -type f | wc -l) files in $out"
