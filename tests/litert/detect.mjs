// mobilevk's detector against LiteRT on the SSD file and every shared photo: all four outputs of
// TFLite_Detection_PostProcess (boxes, classes, scores, count). Usage:
//   node detect.mjs MOBILEVK_BINARY SHARED_DIR WORK_DIR [--device cpu|gpu] [--dot-product D] [--regular-nms]
// mobilevk detects on all photos (saving the exact input integers it fed and its four raw
// outputs); LiteRT runs those same input bytes on a copy of the file whose four output tensors
// are given their static shapes ([1,10,4], [1,10], [1,10], [1]; the shared file, which stores [],
// is never touched). With integer execution the outputs must be identical: the same count, and for
// each detection the same class, the same score and the same box, bit for bit (the post-process
// runs LiteRT's float and double arithmetic on the same dequantized integers, so no tolerance is
// justified). With --regular-nms both run a copy of the file whose post-process options add
// use_regular_nms (and detections_per_class 100, LiteRT's default), written to WORK_DIR. Prints a
// table and "every detection bit-identical" on success; exit 1 otherwise.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {encode, toObject} from 'flatbuffers/mjs/flexbuffers.js';
import {compile, customOptionsOf, patchedTflite, readNpy} from './litert.mjs';

const [binary, shared, work, ...rest] = process.argv.slice(2);
if (!binary || !shared || !work) {
  console.error('usage: node detect.mjs MOBILEVK_BINARY SHARED_DIR WORK_DIR [--device cpu|gpu] [--dot-product D]');
  process.exit(2);
}
const option = (name, fallback) => (rest.indexOf(name) >= 0 ? rest[rest.indexOf(name) + 1] : fallback);
const device = option('--device', 'cpu');
const dotProduct = device === 'cpu' ? [] : ['--dot-product', option('--dot-product', 'auto')];
const imagesDir = path.join(shared, 'images');
const images = fs.readdirSync(imagesDir).filter((f) => /\.(bmp|jpe?g|png)$/i.test(f)).sort().map((f) => path.join(imagesDir, f));
const original = path.join(shared, 'models', 'ssd_mobilenet_v1_coco_quant_postprocess.tflite');
fs.mkdirSync(work, {recursive: true});
// The post-process is operator 63; its outputs are tensors 167..170 (boxes, classes, scores, count).
const postProcess = 63, detections = 10;
const regular = rest.includes('--regular-nms');
const originalBytes = new Uint8Array(fs.readFileSync(original));
let model = original;
let customOptions = {};
if (regular) {
  const options = toObject(customOptionsOf(originalBytes, postProcess).slice().buffer);
  customOptions = {[postProcess]: encode({...options, use_regular_nms: true, detections_per_class: 100})};
  model = path.join(work, 'ssd_regular_nms.tflite');
  fs.writeFileSync(model, patchedTflite(originalBytes, {customOptions}));
}

const inNpy = path.join(work, 'input.npy'), outNpy = path.join(work, 'outputs.npy');
const lines = execFileSync(binary, [
  'detect', '--model', model, '--labels', path.join(shared, 'labels', 'coco_90.txt'), '--device', device, '--execution', 'integer', ...dotProduct, '--threshold', '0', '--json',
  '--save-input', inNpy, '--save-output', outNpy, '--overwrite', ...images,
], {encoding: 'utf8', maxBuffer: 64 << 20}).trim().split('\n').map((l) => JSON.parse(l));
const inputs = readNpy(inNpy), outputs = readNpy(outNpy);
const perImage = inputs.data.length / images.length, perOutput = outputs.data.length / images.length;
if (perOutput !== detections * 6 + 1) throw new Error(`mobilevk saved ${perOutput} output values per image, expected ${detections * 6 + 1}`);

const bytes = patchedTflite(originalBytes, {
  shapes: {167: [1, detections, 4], 168: [1, detections], 169: [1, detections], 170: [1]}, customOptions});
const litert = await compile(model, bytes);
const bits = (x) => new Uint32Array(new Float32Array([x]).buffer)[0];
let failed = false, checkedBoxes = 0, ms = 0;
const rows = [];
for (let i = 0; i < images.length; ++i) {
  const {all, ms: t} = await litert.run(inputs.data.slice(i * perImage, (i + 1) * perImage));
  ms += t;
  const mine = outputs.data.slice(i * perOutput, (i + 1) * perOutput);
  const mineBoxes = mine.slice(0, 4 * detections), mineClasses = mine.slice(4 * detections, 5 * detections);
  const mineScores = mine.slice(5 * detections, 6 * detections), mineCount = mine[6 * detections];
  const [boxes, classes, scores, count] = all;
  const problems = [];
  if (mineCount !== count[0]) problems.push(`count ${mineCount}, LiteRT ${count[0]}`);
  for (let d = 0; d < Math.min(mineCount, count[0]); ++d) {
    if (mineClasses[d] !== classes[d]) problems.push(`detection ${d}: class ${mineClasses[d]}, LiteRT ${classes[d]}`);
    if (bits(mineScores[d]) !== bits(scores[d])) problems.push(`detection ${d}: score ${mineScores[d]}, LiteRT ${scores[d]}`);
    for (let k = 0; k < 4; ++k) {
      checkedBoxes += 1;
      if (bits(mineBoxes[4 * d + k]) !== bits(boxes[4 * d + k]))
        problems.push(`detection ${d}: box[${k}] ${mineBoxes[4 * d + k]}, LiteRT ${boxes[4 * d + k]}`);
    }
  }
  if (problems.length) {
    failed = true;
    console.error(`${path.basename(images[i])}: ${problems.slice(0, 5).join('; ')}`);
  }
  const top = lines[i].detections.filter((d) => d.score >= 0.5).map((d) => `${d.label} ${d.score.toFixed(3)}`);
  rows.push([path.basename(images[i]), count[0], problems.length ? 'differs' : 'identical', top.join(', ') || '(none >= 0.5)']);
}
console.log('image | detections (LiteRT) | mobilevk vs LiteRT | mobilevk detections scoring >= 0.5');
console.log('--- | --- | --- | ---');
for (const r of rows) console.log(r.join(' | '));
console.log(`${images.length} photos, ${checkedBoxes} box coordinates compared; LiteRT ${(ms / images.length).toFixed(1)} ms/image`);
if (failed) process.exit(1);
console.log(`every detection bit-identical to LiteRT (count, classes, scores, boxes; ${regular ? 'regular' : 'fast'} NMS)`);
