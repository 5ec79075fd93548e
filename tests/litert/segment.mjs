// A segmentation model's class map (DeepLabV3: ARG_MAX over 21 classes at 513x513) from mobilevk
// against LiteRT's on every shared photo, pixel for pixel, and against Coral's reference mask.
// LiteRT.js returns no INT64 tensor: LiteRT gets a copy of the file (written to WORK_DIR; the
// shared file is never touched) whose ARG_MAX outputs INT32, mobilevk the shared file itself.
// Usage:
//   node segment.mjs MOBILEVK_BINARY SHARED_DIR WORK_DIR [--model REL_PATH] [--device cpu|gpu] [--dot-product D]
// Prints a table and "every class map bit-identical" when all are and the reference mask agrees with
// mobilevk's map on at least 97% of its pixels; exit 1 otherwise.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {compile, operatorOutputsOf, operatorsOfBuiltin, patchedTflite, readNpy} from './litert.mjs';

const [binary, shared, work, ...rest] = process.argv.slice(2);
const option = (name, fallback) => (rest.indexOf(name) >= 0 ? rest[rest.indexOf(name) + 1] : fallback);
if (!binary || !shared || !work) {
  console.error('usage: node segment.mjs MOBILEVK_BINARY SHARED_DIR WORK_DIR [--model REL_PATH] [--device D] [--dot-product D]');
  process.exit(2);
}
const rel = option('--model', 'deeplabv3_mnv2_pascal_quant.tflite');
const device = option('--device', 'cpu');
const dotProduct = device === 'cpu' ? [] : ['--dot-product', option('--dot-product', 'auto')];
const imagesDir = path.join(shared, 'images');
const images = fs.readdirSync(imagesDir).filter((f) => /\.(bmp|jpe?g|png)$/i.test(f) && !/_mask\./.test(f)).sort()
  .map((f) => path.join(imagesDir, f));
fs.mkdirSync(work, {recursive: true});

const kArgMax = 56, kInt32 = 2;
const modelPath = path.join(shared, 'models', rel);
const original = new Uint8Array(fs.readFileSync(modelPath));
const argMaxes = operatorsOfBuiltin(original, kArgMax);
if (argMaxes.length !== 1) throw new Error(`${rel} has ${argMaxes.length} ARG_MAX operators, expected 1`);
const types = Object.fromEntries(operatorOutputsOf(original, argMaxes[0]).map((t) => [t, kInt32]));
const bytes = patchedTflite(original, {types, argMaxTypes: {[argMaxes[0]]: kInt32}});
fs.writeFileSync(path.join(work, path.basename(rel, '.tflite') + '_int32_argmax.tflite'), bytes);

const inNpy = path.join(work, 'input.npy'), outNpy = path.join(work, 'classes.npy');
const lines = execFileSync(binary, [
  'segment', '--model', modelPath, '--device', device, '--execution', 'integer', ...dotProduct, '--json',
  '--save-input', inNpy, '--save-output', outNpy, '--overwrite', ...images,
], {encoding: 'utf8', maxBuffer: 256 << 20}).trim().split('\n').map((l) => JSON.parse(l));
const inputs = readNpy(inNpy), mine = readNpy(outNpy);
if (mine.shape.length !== 3 || mine.shape[0] !== images.length) throw new Error(`mobilevk saved a class map of shape ${mine.shape}`);
const pixels = mine.shape[1] * mine.shape[2], perImage = inputs.data.length / images.length;

// An 8-bit BMP whose every byte is a class (Coral's masks), top row first.
function readMask(file) {
  const b = fs.readFileSync(file);
  const offset = b.readUInt32LE(10), width = b.readInt32LE(18), height = b.readInt32LE(22), bits = b.readUInt16LE(28);
  if (b.toString('latin1', 0, 2) !== 'BM' || bits !== 8 || b.readUInt32LE(30) !== 0) throw new Error(`${file}: not an uncompressed 8-bit BMP`);
  const rows = Math.abs(height), stride = (width + 3) & ~3, out = new Uint8Array(width * rows);
  for (let y = 0; y < rows; ++y) {
    const src = offset + (height > 0 ? rows - 1 - y : y) * stride;
    out.set(b.subarray(src, src + width), y * width);
  }
  return {width, height: rows, data: out};
}

const litert = await compile(modelPath, bytes);
let failed = false, ms = 0;
console.log('photo | pixels identical to LiteRT | classes (mobilevk) | agrees with the reference mask');
console.log('--- | --- | --- | ---');
for (let i = 0; i < images.length; ++i) {
  const {out, ms: t} = await litert.run(inputs.data.slice(i * perImage, (i + 1) * perImage));
  ms += t;
  if (out.length !== pixels) throw new Error(`LiteRT gave ${out.length} classes for ${pixels} pixels`);
  const map = mine.data.subarray(i * pixels, (i + 1) * pixels);
  let same = 0;
  for (let p = 0; p < pixels; ++p) same += map[p] === out[p];
  if (same !== pixels) failed = true;
  let mask = '';
  const maskFile = images[i].replace(/\.(bmp|jpe?g|png)$/i, '_mask.bmp');
  if (fs.existsSync(maskFile)) {
    const ref = readMask(maskFile);
    if (ref.width * ref.height !== pixels) throw new Error(`${maskFile} is ${ref.width}x${ref.height}, the map ${mine.shape[2]}x${mine.shape[1]}`);
    let agree = 0, agreeLiteRt = 0;
    for (let p = 0; p < pixels; ++p) {
      agree += map[p] === ref.data[p];
      agreeLiteRt += out[p] === ref.data[p];
    }
    mask = `${(100 * agree / pixels).toFixed(2)}% (LiteRT ${(100 * agreeLiteRt / pixels).toFixed(2)}%)`;
    if (agree < 0.97 * pixels) failed = true;
  }
  const classes = lines[i].classes.map((c) => `${c.label ?? c.class} ${(100 * c.share).toFixed(1)}%`).join(', ');
  console.log(`${path.basename(images[i])} | ${(100 * same / pixels).toFixed(3)}% | ${classes} | ${mask}`);
}
const mineMs = lines.reduce((a, l) => a + l.ms, 0) / images.length;
console.log(`${images.length} photos; mobilevk --device ${device} ${mineMs.toFixed(1)} ms/image; LiteRT ${(ms / images.length).toFixed(1)} ms/image`);
if (failed) process.exit(1);
console.log('every class map bit-identical to LiteRT');
