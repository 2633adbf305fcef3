// Writes every C2SP age test vector from the cctv-age package into a
// directory, one file each, with zlib-compressed ones inflated (and their
// "compressed" header line dropped) so the C runner needs no zlib.
import * as vectors from 'cctv-age';
import fs from 'node:fs';
import zlib from 'node:zlib';

const out = process.argv[2];
fs.mkdirSync(out, { recursive: true });
const all = vectors.default ?? vectors;
let n = 0;
for (const [name, data] of Object.entries(all)) {
  if (name === 'default') continue;
  const buf = Buffer.from(data);
  const split = buf.indexOf('\n\n');
  let head = buf.subarray(0, split + 1).toString('latin1');
  let body = buf.subarray(split + 2);
  if (/^compressed: zlib$/m.test(head)) {
    head = head.replace(/^compressed: zlib\n/m, '');
    body = zlib.inflateSync(body);
  }
  fs.writeFileSync(`${out}/${name}`, Buffer.concat([Buffer.from(head + '\n', 'latin1'), body]));
  n++;
}
console.log(`${n} vectors written to ${out}`);
