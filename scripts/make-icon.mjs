// Draws images/icon.png (128x128 RGBA): a green rounded square with a white shield and check mark.
// Uses only node:zlib so anyone can regenerate it; the PNG itself is committed.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';

const size = 128;
const samples = 4; // supersampling per axis, for smooth edges

function insideRoundedSquare(x, y) {
  const r = 24, lo = 4, hi = size - 4;
  const cx = Math.min(Math.max(x, lo + r), hi - r), cy = Math.min(Math.max(y, lo + r), hi - r);
  return x >= lo && x <= hi && y >= lo && y <= hi && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

// A shield: flat top, straight sides, then two arcs meeting in a point at the bottom.
function insideShield(x, y) {
  const left = 34, right = 94, top = 22, mid = 64;
  if (y < top || x < left || x > right) return false;
  if (y <= mid) return true;
  const depth = (y - mid) / (110 - mid); // 0 at mid, 1 at the tip
  const half = ((right - left) / 2) * Math.sqrt(Math.max(0, 1 - depth * depth));
  return Math.abs(x - 64) <= half;
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const t = Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
}

function onCheck(x, y) {
  const a = [47, 64], b = [59, 77], c = [82, 50];
  return Math.min(distanceToSegment(x, y, a, b), distanceToSegment(x, y, b, c)) <= 6;
}

const green = [0x5f, 0xb3, 0x2e], white = [0xff, 0xff, 0xff];
const raw = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) {
  raw[y * (size * 4 + 1)] = 0; // filter type: none
  for (let x = 0; x < size; x++) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < samples; sy++) {
      for (let sx = 0; sx < samples; sx++) {
        const px = x + (sx + 0.5) / samples, py = y + (sy + 0.5) / samples;
        if (!insideRoundedSquare(px, py)) continue;
        const color = onCheck(px, py) ? green : insideShield(px, py) ? white : green;
        sum[0] += color[0]; sum[1] += color[1]; sum[2] += color[2]; sum[3] += 255;
      }
    }
    const n = samples * samples, covered = sum[3] / 255;
    const o = y * (size * 4 + 1) + 1 + x * 4;
    if (covered) for (let i = 0; i < 3; i++) raw[o + i] = Math.round(sum[i] / covered);
    raw[o + 3] = Math.round(sum[3] / n);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0); header.writeUInt32BE(size, 4);
header[8] = 8; header[9] = 6; // 8-bit RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync('images', { recursive: true });
writeFileSync('images/icon.png', png);
console.log(`images/icon.png: ${png.length} bytes`);
