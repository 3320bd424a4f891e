// Fashion-MNIST images from the IDX files (Debian dataset-fashion-mnist) as PNG folders, for the README's
// "Your own data" figures: node tools/fmnist_folders.mjs <train|t10k> <count> <regroup|flat> <out-dir>
//   regroup: 3 class folders tops (T-shirt/top, Pullover, Coat, Shirt) / footwear (Sandal, Sneaker, Ankle boot) / other;
//   flat: every image loose in <out-dir>, no classes (label-free mode).
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
const require = createRequire(new URL("../package.json", import.meta.url));
const { PNG } = require('pngjs');
const [split, countArg, mode, out] = process.argv.slice(2);
const dir = '/usr/share/datasets/fashion-mnist/';
const images = gunzipSync(readFileSync(`${dir}${split}-images-idx3-ubyte.gz`)).subarray(16);
const labels = gunzipSync(readFileSync(`${dir}${split}-labels-idx1-ubyte.gz`)).subarray(8);
const n = Math.min(Number(countArg), labels.length);
const group = ['tops', 'other', 'tops', 'other', 'tops', 'footwear', 'tops', 'footwear', 'other', 'footwear'];
for (let i = 0; i < n; i++) {
  const png = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(images.subarray(i * 784, (i + 1) * 784));
  const folder = mode === 'flat' ? out : `${out}/${group[labels[i]]}`;
  mkdirSync(folder, { recursive: true });
  writeFileSync(`${folder}/${String(i).padStart(5, '0')}.png`, PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}
console.log(`wrote ${n} images to ${out}`);
