// mobilevk's integer execution against LiteRT on the part of a file before a custom op LiteRT does
// not have (PoseNet's PosenetDecoderOp): both run a copy of the file cut before operator CUT, whose
// outputs are that operator's inputs (the heatmaps and offsets), written to WORK_DIR (the shared
// file is never touched); every output of every shared photo compared quantum for quantum. Usage:
//   node backbone.mjs MOBILEVK_BINARY SHARED_DIR WORK_DIR --model REL_PATH --cut CUT [--device cpu|gpu] [--dot-product D]
// Prints a table and "every output bit-identical" when all are; exit 1 otherwise.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {compile, operatorCountOf, operatorInputsOf, patchedTflite, readNpy} from './litert.mjs';

const [binary, shared, work, ...rest] = process.argv.slice(2);
const option = (name, fallback) => (rest.indexOf(name) >= 0 ? rest[rest.indexOf(name) + 1] : fallback);
const rel = option('--model', ''), cut = Number(option('--cut', 'NaN'));
if (!binary || !shared || !work || !rel || !Number.isInteger(cut)) {
  console.error('usage: node backbone.mjs MOBILEVK_BINARY SHARED_DIR WORK_DIR --model REL_PATH --cut CUT [--device D] [--dot-product D]');
  process.exit(2);
}
const device = option('--device', 'cpu');
const dotProduct = device === 'cpu' ? [] : ['--dot-product', option('--dot-product', 'auto')];
const imagesDir = path.join(shared, 'images');
const images = fs.readdirSync(imagesDir).filter((f) => /\.(bmp|jpe?g|png)$/i.test(f)).sort().map((f) => path.join(imagesDir, f));
fs.mkdirSync(work, {recursive: true});
const original = new Uint8Array(fs.readFileSync(path.join(shared, 'models', rel)));
if (cut >= operatorCountOf(original)) throw new Error(`${rel} has ${operatorCountOf(original)} operators, none at ${cut}`);
const outputs = operatorInputsOf(original, cut);
const bytes = patchedTflite(original, {operators: cut, outputs});
const model = path.join(work, path.basename(rel, '.tflite') + `_cut${cut}.tflite`);
fs.writeFileSync(model, bytes);

const inNpy = path.join(work, 'input.npy'), outNpy = path.join(work, 'outputs.npy');
const report = JSON.parse(execFileSync(binary, [
  'classify', '--model', model, '--device', device, '--execution', 'integer', ...dotProduct, '--json', '--top', '1',
  '--save-input', inNpy, '--save-output', outNpy, '--overwrite', ...images,
], {encoding: 'utf8', maxBuffer: 256 << 20}));
const inputs = readNpy(inNpy), mine = readNpy(outNpy);
const perImage = inputs.data.length / images.length, perOutputs = mine.data.length / images.length;
const sizes = report.outputs.map((o) => o.shape.reduce((a, b) => a * b, 1));
if (sizes.reduce((a, b) => a + b, 0) !== perOutputs) throw new Error(`mobilevk saved ${perOutputs} values per image, its outputs hold ${sizes}`);
const litert = await compile(model, bytes);
let failed = false, ms = 0;
const identical = sizes.map(() => 0), maxDiff = sizes.map(() => 0);
for (let i = 0; i < images.length; ++i) {
  const {all, ms: t} = await litert.run(inputs.data.slice(i * perImage, (i + 1) * perImage));
  ms += t;
  let at = i * perOutputs;
  report.outputs.forEach((o, k) => {
    const q = o.quantization;
    for (let e = 0; e < sizes[k]; ++e) {
      const d = Math.abs(Math.round(mine.data[at + e] / q.scale) + q.zero_point - all[k][e]);
      identical[k] += d === 0;
      maxDiff[k] = Math.max(maxDiff[k], d);
    }
    at += sizes[k];
  });
}
console.log(`${rel} cut before operator ${cut}: outputs = tensors ${outputs.join(', ')} (the cut operator's computed inputs)`);
console.log('output | shape | max diff (quanta) | identical %');
console.log('--- | --- | --- | ---');
report.outputs.forEach((o, k) => {
  if (maxDiff[k] !== 0) failed = true;
  console.log(`${k} (tensor ${outputs[k]}) | ${o.shape.join('x')} | ${maxDiff[k]} | ${(100 * identical[k] / (sizes[k] * images.length)).toFixed(3)}`);
});
console.log(`${images.length} photos; mobilevk on ${report.device}; LiteRT ${(ms / images.length).toFixed(1)} ms/image`);
if (failed) process.exit(1);
console.log('every output bit-identical to LiteRT');
