// The block time code that the test pattern burns into its frames
// (docs/timecode.md; capture/timecode.go writes it): 24 × 4 blocks in the
// top-left corner, each 1/80 of the width and 1/45 of the height, bright for
// 1 and dark for 0, read row by row:
//   4 bits start mark 1010 | 32 bits frame number | 48 bits capture time in
//   Unix ms | 8 bits CRC-8 (poly 0x07) of the 10 payload bytes | 4 bits end mark 0101
// Only pages opened with ?measure=1 load this file.
(function () {
  "use strict";

  const COLS = 24, ROWS = 4, GRID_W = 80, GRID_H = 45;
  const BITS = COLS * ROWS;
  const FRAME_AT = 4, TIME_AT = FRAME_AT + 32, CRC_AT = TIME_AT + 48, END_AT = CRC_AT + 8;
  const START_MARK = [1, 0, 1, 0], END_MARK = [0, 1, 0, 1];

  function crc8(bytes) {
    let c = 0;
    for (const b of bytes) {
      c ^= b;
      for (let i = 0; i < 8; i++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
    }
    return c;
  }

  // read decodes the code from the frame the video element shows now, or
  // returns null when the picture holds no valid code. w and h are the video's
  // own size; scratch keeps the canvas between calls.
  function read(video, w, h, scratch) {
    const bw = Math.floor(COLS * w / GRID_W), bh = Math.floor(ROWS * h / GRID_H);
    if (bw < COLS || bh < ROWS) return null;
    if (!scratch.canvas) {
      scratch.canvas = document.createElement("canvas");
      scratch.ctx = null;
    }
    const canvas = scratch.canvas;
    if (canvas.width !== bw || canvas.height !== bh || !scratch.ctx) {
      canvas.width = bw;
      canvas.height = bh;
      scratch.ctx = canvas.getContext("2d", { willReadFrequently: true });
    }
    const ctx = scratch.ctx;
    // Copy the code's corner only, pixel for pixel (no scaling).
    ctx.drawImage(video, 0, 0, bw, bh, 0, 0, bw, bh);
    const px = ctx.getImageData(0, 0, bw, bh).data;

    const bits = new Uint8Array(BITS);
    for (let i = 0; i < BITS; i++) {
      const c = i % COLS, r = Math.floor(i / COLS);
      const x0 = Math.floor(c * w / GRID_W), x1 = Math.floor((c + 1) * w / GRID_W);
      const y0 = Math.floor(r * h / GRID_H), y1 = Math.floor((r + 1) * h / GRID_H);
      // The middle half of the block: compression rings at the edges.
      const qx = Math.floor((x1 - x0) / 4), qy = Math.floor((y1 - y0) / 4);
      let sum = 0, n = 0;
      for (let y = y0 + qy; y < y1 - qy; y++) {
        for (let x = x0 + qx; x < x1 - qx; x++) {
          const o = (y * bw + x) * 4;
          sum += Math.floor((299 * px[o] + 587 * px[o + 1] + 114 * px[o + 2]) / 1000);
          n++;
        }
      }
      if (!n) return null;
      bits[i] = Math.floor(sum / n) >= 128 ? 1 : 0;  // integer luma and mean, as the spec says
    }
    for (let i = 0; i < 4; i++) {
      if (bits[i] !== START_MARK[i] || bits[END_AT + i] !== END_MARK[i]) return null;
    }
    let frame = 0;
    for (let i = 0; i < 32; i++) frame = (frame * 2 + bits[FRAME_AT + i]) >>> 0;
    let ms = 0;  // 48 bits fit a double exactly
    for (let i = 0; i < 48; i++) ms = ms * 2 + bits[TIME_AT + i];
    let crc = 0;
    for (let i = 0; i < 8; i++) crc = (crc << 1) | bits[CRC_AT + i];
    const payload = [];
    for (let i = 0; i < 4; i++) payload.push((frame >>> (24 - 8 * i)) & 0xff);
    for (let i = 0; i < 6; i++) payload.push(Math.floor(ms / Math.pow(2, 40 - 8 * i)) & 0xff);
    if (crc8(payload) !== crc) return null;
    return { frame, captureMs: ms };
  }

  window.ShowcasterTimecode = { read, crc8 };
})();
