// Bundle the check page with esbuild: no CDN, nothing fetched at run time.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, "page", "app.js")],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2020",
  outfile: join(out, "bundle.js"),
  logLevel: "warning",
});
copyFileSync(join(here, "page", "index.html"), join(out, "index.html"));
console.log(`built ${out}`);
