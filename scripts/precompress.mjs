// Write a brotli (.br, quality 11) and a gzip (.gz, level 9) copy beside each text asset, once at
// build time, so the server sends the smallest copy without compressing on every request.
// Usage: node scripts/precompress.mjs <folder>
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const TEXT = /\.(css|js|svg|json)$/;
// axe-core is only loaded by the browser tests, on loopback.
const SKIP = new Set(["axe.min.js"]);

function walk(folder) {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      walk(path);
    } else if (TEXT.test(name) && !SKIP.has(name)) {
      const body = readFileSync(path);
      writeFileSync(
        `${path}.br`,
        brotliCompressSync(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 11,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }),
      );
      writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
    }
  }
}

walk(process.argv[2]);
