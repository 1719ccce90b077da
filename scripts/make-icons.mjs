// Draws the extension icon (128x128) and the two task icons (32x32) as PNG files, so the
// icons are reproducible from source without an image editor. Run `node scripts/make-icons.mjs`
// after changing a glyph and commit the PNGs. The build copies tasks/<Folder>/icon.png into dist.
//
// Each glyph is a list of shapes in a 0..1 coordinate space, painted in order with 4x4
// supersampling per pixel for anti-aliased edges. The PNG encoder writes one IDAT chunk of
// 8-bit RGBA rows with filter type 0, which every PNG reader accepts.
import { deflateSync } from 'node:zlib';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const AZURE_BLUE = [0, 120, 212, 255];
const WHITE = [255, 255, 255, 255];
const BOX_SIDE = [199, 224, 244, 255];
const GREEN = [16, 124, 16, 255];
const AMBER = [202, 80, 16, 255];

// ---- Shapes: each returns true when the point (x, y) lies inside it. ----

function roundedRect(x0, y0, x1, y1, radius) {
  return (x, y) => {
    const dx = Math.max(x0 + radius - x, 0, x - (x1 - radius));
    const dy = Math.max(y0 + radius - y, 0, y - (y1 - radius));
    return x >= x0 && x <= x1 && y >= y0 && y <= y1 && dx * dx + dy * dy <= radius * radius;
  };
}

function circle(cx, cy, radius) {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius;
}

function polygon(points) {
  return (x, y) => {
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [xi, yi] = points[i];
      const [xj, yj] = points[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}

/** Returns a shape for a polyline stroked `width` wide with round caps and joins. */
function stroke(points, width) {
  const half = width / 2;
  return (x, y) => {
    for (let i = 0; i + 1 < points.length; i++) {
      const [ax, ay] = points[i];
      const [bx, by] = points[i + 1];
      const lengthSquared = (bx - ax) ** 2 + (by - ay) ** 2;
      const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / lengthSquared));
      if ((x - ax - t * (bx - ax)) ** 2 + (y - ay - t * (by - ay)) ** 2 <= half * half) return true;
    }
    return false;
  };
}

// ---- Glyphs ----

/** Returns the top, left and right faces of an isometric box that stands for a model. */
function modelBox(cx, cy, size) {
  const w = size / 2;
  const h = size / 4;
  const top = [[cx, cy - h * 2], [cx + w, cy - h], [cx, cy], [cx - w, cy - h]];
  const left = [[cx - w, cy - h], [cx, cy], [cx, cy + size * 0.55], [cx - w, cy + size * 0.55 - h]];
  const right = [[cx, cy], [cx + w, cy - h], [cx + w, cy + size * 0.55 - h], [cx, cy + size * 0.55]];
  return [
    [polygon(top), WHITE],
    [polygon(left), BOX_SIDE],
    [polygon(right), WHITE],
  ];
}

function badge(cx, cy, radius, color, mark) {
  return [
    [circle(cx, cy, radius + 0.035), AZURE_BLUE],
    [circle(cx, cy, radius), color],
    [mark, WHITE],
  ];
}

function upArrow(cx, cy, radius) {
  const r = radius * 0.55;
  const width = radius * 0.28;
  return combine(
    stroke([[cx - r * 0.8, cy - r * 0.05], [cx, cy - r * 0.85], [cx + r * 0.8, cy - r * 0.05]], width),
    stroke([[cx, cy - r * 0.8], [cx, cy + r * 0.9]], width),
  );
}

function checkMark(cx, cy, radius) {
  const r = radius * 0.55;
  return stroke([[cx - r * 0.85, cy + r * 0.05], [cx - r * 0.2, cy + r * 0.7], [cx + r * 0.9, cy - r * 0.6]], radius * 0.28);
}

function combine(...shapes) {
  return (x, y) => shapes.some((shape) => shape(x, y));
}

const tile = [[roundedRect(0.03, 0.03, 0.97, 0.97, 0.18), AZURE_BLUE]];

const glyphs = {
  extension: [
    ...tile,
    ...modelBox(0.42, 0.47, 0.5),
    ...badge(0.72, 0.72, 0.2, GREEN, upArrow(0.72, 0.72, 0.2)),
  ],
  promote: [
    ...tile,
    ...modelBox(0.42, 0.47, 0.52),
    ...badge(0.71, 0.71, 0.24, GREEN, upArrow(0.71, 0.71, 0.24)),
  ],
  request: [
    ...tile,
    ...modelBox(0.42, 0.47, 0.52),
    ...badge(0.71, 0.71, 0.24, AMBER, checkMark(0.71, 0.71, 0.24)),
  ],
};

// ---- Rasterizer and PNG encoder ----

function render(shapes, size) {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          // Painter's order: the last shape that contains the sample wins.
          let color = null;
          for (const [shape, shapeColor] of shapes) if (shape(x, y)) color = shapeColor;
          if (color) {
            r += color[0];
            g += color[1];
            b += color[2];
            a += color[3];
          }
        }
      }
      const count = samples * samples;
      const coverage = a / 255;
      const offset = (py * size + px) * 4;
      // Colors are averaged over covered samples only, so edges fade in alpha, not to black.
      pixels[offset] = coverage ? Math.round(r / coverage) : 0;
      pixels[offset + 1] = coverage ? Math.round(g / coverage) : 0;
      pixels[offset + 2] = coverage ? Math.round(b / coverage) : 0;
      pixels[offset + 3] = Math.round(a / count);
    }
  }
  return pixels;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function encodePng(pixels, size) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // color type RGBA
  const rows = [];
  for (let y = 0; y < size; y++) {
    rows.push(Buffer.from([0]), pixels.subarray(y * size * 4, (y + 1) * size * 4));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const outputs = [
  ['images/extension-icon.png', glyphs.extension, 128],
  ['tasks/PromoteModelsIndividually/icon.png', glyphs.promote, 32],
  ['tasks/RequestApprovals/icon.png', glyphs.request, 32],
];

for (const [file, shapes, size] of outputs) {
  await writeFile(path.join(root, file), encodePng(render(shapes, size), size));
  console.log(`Wrote ${file} (${size}x${size})`);
}
