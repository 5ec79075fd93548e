#!/usr/bin/env bash
# Under Xvfb: the window opens on an image folder, a screenshot of the screen shows the overlay
# (a dark panel with white text in the top-left corner), and the q key closes it cleanly.
#   window.sh WEBCAM_BINARY SHARED_DIR WORK_DIR
set -euo pipefail
bin=$1 shared=$2 work=$3
mkdir -p "$work"
# ImageMagick's own convert (a PATH entry of the same name may be something else).
convert=/usr/bin/convert; [ -x "$convert" ] || convert=convert
# Xvfb picks a free display number itself (-displayfd) and writes it once it is ready: a fixed or
# random number can collide with another X server, e.g. a concurrent test run's.
rm -f "$work/display"
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { echo "FAILED: Xvfb did not start"; exit 1; }
export DISPLAY=:$(head -1 "$work/display")
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
SDL_VIDEODRIVER=x11 "$bin" --images "$shared/images" --model "$shared/models/mobilenet_v1_0.75_224_keras" \
  --model "$shared/models/mobilenet_v1_0.25_128_quant.tflite" > "$work/window.log" 2>&1 &
app=$!
wid=$(timeout 60 xdotool search --sync --name '^mobilevk-webcam$' | head -1)
sleep 4  # a few frames classified and drawn
import -window root "$work/screenshot.png"
# The overlay panel: bright text on a dark box, so high contrast in that region.
stats=$("$convert" "$work/screenshot.png" -crop 440x150+120+100 -colorspace Gray -format "%[fx:maxima] %[fx:minima] %[fx:standard_deviation]" info:)
echo "overlay region (max min stddev): $stats"
read -r max min sd <<<"$stats"
python3 -c "import sys; mx,mn,sd=map(float,sys.argv[1:]); sys.exit(0 if mx>0.9 and mn<0.2 and sd>0.1 else 1)" "$max" "$min" "$sd" \
  || { echo "FAILED: the overlay region is empty"; exit 1; }
xdotool windowfocus --sync "$wid" 2>/dev/null || true
# Keys: space pauses (the picture then stands still, the overlay redrawn with PAUSED), m switches to
# the second model (named in the log and the overlay), c toggles the center crop (outlined).
key() { xdotool key --window "$wid" "$1" 2>/dev/null || xdotool key "$1"; }
key space
sleep 1.5
import -window root "$work/paused1.png"
sleep 1
import -window root "$work/paused2.png"
diff=$("$convert" "$work/paused1.png" "$work/paused2.png" -metric AE -compare -format "%[distortion]" info: 2>/dev/null || true)
[ "$diff" = "0" ] || { echo "FAILED: the picture changed while paused ($diff pixels)"; exit 1; }
key m
key c
sleep 1
for want in "paused" "model mobilenet_v1_0.25_128_quant" "the center crop"; do
  grep -q "$want" "$work/window.log" || { echo "FAILED: the log does not say '$want':"; cat "$work/window.log"; exit 1; }
done
echo "paused: the picture stood still; m and c took effect"
# With the center crop on, the classified square is outlined in yellow (255,220,0) over the frame.
import -window root "$work/crop.png"
yellow=$("$convert" "$work/crop.png" -fill black +opaque "rgb(255,220,0)" -fill white -opaque "rgb(255,220,0)" \
  -colorspace Gray -format "%[fx:mean*w*h]" info:)
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 400 else 1)" "$yellow" \
  || { echo "FAILED: no crop outline drawn ($yellow yellow pixels)"; exit 1; }
echo "center crop outlined ($yellow yellow pixels)"
key space
xdotool key --window "$wid" q || true
xdotool key q || true
for _ in $(seq 100); do kill -0 $app 2>/dev/null || break; sleep 0.1; done
if kill -0 $app 2>/dev/null; then echo "FAILED: q did not close the window"; kill $app; exit 1; fi
wait $app
echo "window closed cleanly on q; $(tail -1 "$work/window.log")"
