// Headless Chromium runs the check page against a running `voxpipe run` server.
//
//   node check.mjs --runner http://127.0.0.1:7860 --transport webrtc --wav mic.wav [--timeout 60]
//
// Serves dist/ from its own loopback origin, launches Debian's Chromium through
// playwright-core (never a downloaded browser) with a fake microphone playing the
// WAV, and prints one JSON line: {ok, checks, log}. Exit status 0 when every check passed.
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const { values: opts } = parseArgs({
  options: {
    runner: { type: "string" },
    transport: { type: "string", default: "webrtc" },
    wav: { type: "string" },
    timeout: { type: "string", default: "60" },
    chromium: { type: "string", default: process.env.CHROMIUM || "/usr/bin/chromium" },
    screenshot: { type: "string" },
  },
});
if (!opts.runner || !opts.wav) {
  console.error("usage: node check.mjs --runner URL --transport webrtc|websocket --wav FILE");
  process.exit(2);
}
const timeoutMs = Number(opts.timeout) * 1000;
const hardStop = setTimeout(() => { console.error("check.mjs: hard timeout"); process.exit(3); }, timeoutMs + 15000);

const dist = join(here, "dist");
if (!existsSync(join(dist, "bundle.js"))) {
  console.error("check.mjs: dist/bundle.js missing; run `node build.mjs` first");
  process.exit(2);
}
const types = { ".html": "text/html", ".js": "text/javascript", ".map": "application/json" };
const server = createServer((req, res) => {
  const path = new URL(req.url, "http://x").pathname;
  const file = resolve(dist, "." + (path === "/" ? "/index.html" : path));
  if (!file.startsWith(dist) || !existsSync(file)) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { "Content-Type": types[file.slice(file.lastIndexOf("."))] || "application/octet-stream" });
  res.end(readFileSync(file));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const pageUrl = `http://127.0.0.1:${server.address().port}/?runner=${encodeURIComponent(opts.runner)}&transport=${opts.transport}`;

const profile = mkdtempSync(join(tmpdir(), "voxpipe-chromium-"));
let context;
let result = { ok: false, checks: {}, log: ["did not start"] };
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: opts.chromium,
    headless: true,
    timeout: 30000,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu",
      "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
      `--use-file-for-fake-audio-capture=${resolve(opts.wav)}`,
      "--autoplay-policy=no-user-gesture-required",
      "--disable-background-networking", "--disable-component-update", "--no-first-run",
    ],
  });
  const page = context.pages()[0] || (await context.newPage());
  const consoleLines = [];
  page.on("console", (m) => consoleLines.length < 200 && consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`[pageerror] ${e.message}`));
  await page.goto(pageUrl, { timeout: 15000 });
  await page.waitForFunction(() => window.__voxpipeCheck && window.__voxpipeCheck.done, null, {
    timeout: timeoutMs, polling: 200,
  }).catch(() => {});
  result = await page.evaluate(() => window.__voxpipeCheck || { ok: false, checks: {}, log: ["no result"] });
  if (!result.done) result.log.push("check.mjs: page did not finish in time");
  if (!result.ok) result.console = consoleLines.slice(-60);
  if (opts.screenshot) await page.screenshot({ path: opts.screenshot });
} catch (e) {
  result.log.push(`check.mjs: ${e.message}`);
} finally {
  if (context) await context.close().catch(() => {});
  server.close();
  rmSync(profile, { recursive: true, force: true });
  clearTimeout(hardStop);
}
console.log(JSON.stringify({ transport: opts.transport, ok: !!result.ok, checks: result.checks, botAudioRms: result.botAudioRms, log: result.log, console: result.console }));
process.exit(result.ok ? 0 : 1);
