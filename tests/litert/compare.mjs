// mobilevk's integer execution against LiteRT on every shared quantized model and every shared
// photo. Usage: node compare.mjs MOBILEVK_BINARY SHARED_DIR WORK_DIR [--device cpu|gpu]
//                                [--dot-product auto|packed|plain]
// For each model, mobilevk classifies all photos (--execution integer), saving the exact input
// integers it fed and its outputs; LiteRT runs those same input bytes. Reported per model: top-1
// agreement, the largest difference in output quanta, and the share of bit-identical outputs.
// Fails (exit 1) when an output differs by more than one quantum, or the top-1 differs where
// LiteRT's top-1 leads its runner-up by two quanta or more.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {compile, readNpy} from './litert.mjs';

const [binary, shared, work, ...rest] = process.argv.slice(2);
if (!binary || !shared || !work) {
  console.error('usage: node compare.mjs MOBILEVK_BINARY SHARED_DIR WORK_DIR [--device cpu|gpu] [--dot-product D]');
  process.exit(2);
}
const option = (name, fallback) => (rest.indexOf(name) >= 0 ? rest[rest.indexOf(name) + 1] : fallback);
const device = option('--device', 'cpu');
const dotProduct = device === 'cpu' ? [] : ['--dot-product', option('--dot-product', 'auto')];
const imagesDir = path.join(shared, 'images');
const images = fs.readdirSync(imagesDir).filter((f) => /\.(bmp|jpe?g|png)$/i.test(f)).sort()
                 .map((f) => path.join(imagesDir, f));
const modelsDir = path.join(shared, 'models');
const only = option('--only', '');
const models = [
  // The MobileNetV1 and V2 classifiers (../shared also holds SSD, DeepLab and PoseNet files for the
  // work to come, which join this list as they become runnable).
  ...fs.readdirSync(modelsDir).filter((f) => /^mobilenet_v1_.*_quant(_embedding_extractor)?\.tflite$/.test(f) ||
                                             /^(tf2_)?mobilenet_v2_.*(_quant|_ptq)\.tflite$/.test(f)).sort()
       .map((f) => path.join(modelsDir, f)),
  ...fs.readdirSync(path.join(modelsDir, 'mlir')).filter((f) => f.endsWith('.tflite')).sort()
       .map((f) => path.join(modelsDir, 'mlir', f)),
].filter((m) => !only || new RegExp(only).test(path.basename(m)));
fs.mkdirSync(work, {recursive: true});

let failed = false;
const rows = [];
const innerProducts = new Set();
for (const model of models) {
  const name = path.relative(modelsDir, model);
  const inNpy = path.join(work, 'input.npy'), outNpy = path.join(work, 'output.npy');
  const report = JSON.parse(execFileSync(binary, [
    'classify', '--model', model, '--device', device, '--execution', 'integer', ...dotProduct, '--json', '--top', '1',
    '--save-input', inNpy, '--save-output', outNpy, '--overwrite', ...images,
  ], {encoding: 'utf8', maxBuffer: 64 << 20}));
  const q = report.output_quantization;
  innerProducts.add(report.dot_product ?? 'CPU integer twin');
  const inputs = readNpy(inNpy), outputs = readNpy(outNpy);
  const litert = await compile(model);
  const perImage = inputs.data.length / images.length, classes = outputs.data.length / images.length;
  let identical = 0, total = 0, maxDiff = 0, top1Agree = 0, top1Checked = 0, ms = 0;
  for (let i = 0; i < images.length; ++i) {
    const {out, ms: t} = await litert.run(inputs.data.slice(i * perImage, (i + 1) * perImage));
    ms += t;
    const mine = Array.from(outputs.data.slice(i * classes, (i + 1) * classes), (v) => Math.round(v / q.scale) + q.zero_point);
    let best = 0, second = -1;
    for (let c = 0; c < classes; ++c) {
      const d = Math.abs(mine[c] - out[c]);
      identical += d === 0;
      maxDiff = Math.max(maxDiff, d);
      if (out[c] > out[best]) { second = best; best = c; } else if (c !== best && (second < 0 || out[c] > out[second])) second = c;
    }
    total += classes;
    const mineBest = mine.indexOf(Math.max(...mine));
    if (out[best] - out[second] >= 2) {
      top1Checked += 1;
      if (mineBest === best) top1Agree += 1;
      else {
        failed = true;
        console.error(`${name} ${path.basename(images[i])}: top-1 ${mineBest}, LiteRT ${best} (leads by ${out[best] - out[second]} quanta)`);
      }
    }
  }
  if (maxDiff > 1) failed = true;
  rows.push({model: name, top1: `${top1Agree}/${top1Checked}`, maxDiff, identical: (100 * identical / total).toFixed(2),
             litertMs: (ms / images.length).toFixed(1)});
}
console.log('model | top-1 agrees (LiteRT leads by >= 2 quanta) | max diff (quanta) | identical outputs % | LiteRT ms/image');
for (const r of rows) console.log(`${r.model} | ${r.top1} | ${r.maxDiff} | ${r.identical} | ${r.litertMs}`);
const all = rows.every((r) => r.identical === '100.00');
console.log(`mobilevk on ${device}, inner product: ${[...innerProducts].join(', ')}`);
console.log(`${rows.length} models x ${images.length} photos: ${failed ? 'FAILED' : 'passed'}` +
            `${all ? ', every output bit-identical' : ''}`);
process.exit(failed ? 1 : 0);
