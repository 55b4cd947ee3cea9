// Headless Chromium opens the runner's own /client/ page, clicks Connect and checks that
// the bot answers (bot-ready, an echo of the fake microphone, non-silent bot audio).
//
//   node own_page.mjs --runner http://127.0.0.1:7860 --wav mic.wav [--screenshot page.png]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: opts } = parseArgs({
  options: {
    runner: { type: "string" },
    wav: { type: "string" },
    timeout: { type: "string", default: "40" },
    chromium: { type: "string", default: process.env.CHROMIUM || "/usr/bin/chromium" },
    screenshot: { type: "string" },
  },
});
const timeoutMs = Number(opts.timeout) * 1000;
const hardStop = setTimeout(() => { console.error("own_page.mjs: hard timeout"); process.exit(3); }, timeoutMs + 15000);
const profile = mkdtempSync(join(tmpdir(), "voxpipe-chromium-"));
const checks = {};
let context;
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
  await page.goto(`${opts.runner}/`, { timeout: 15000 }); // redirects to /client/
  checks.redirect = page.url().endsWith("/client/");
  await page.click("#connect");
  const until = (fn, ms) => page.waitForFunction(fn, null, { timeout: ms, polling: 100 }).then(() => true, () => false);
  checks.ready = await until(() => window.voxpipePage.state() === "ready", 15000);
  checks.welcome = await until(() => window.voxpipePage.log().includes('"welcome"'), 5000);
  await page.fill("#text", "hello from the page");
  await page.click("#send");
  checks.reply = await until(() => window.voxpipePage.log().includes("server-response"), 5000);
  checks.echo = await until(() => window.voxpipePage.log().includes('"echo"'), 15000);
  checks.botAudio = await until(() => window.voxpipePage.peaks.bot > 0.01, 10000);
  if (opts.screenshot) await page.screenshot({ path: opts.screenshot });
  await page.click("#disconnect");
  checks.disconnected = await until(() => window.voxpipePage.state() === "disconnected", 5000);
  checks.peaks = await page.evaluate(() => window.voxpipePage.peaks);
  checks.log = await page.evaluate(() => window.voxpipePage.log());
} catch (e) {
  checks.error = e.message;
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
  clearTimeout(hardStop);
}
const ok = ["redirect", "ready", "welcome", "reply", "echo", "botAudio", "disconnected"].every((k) => checks[k] === true);
console.log(JSON.stringify({ ok, checks }));
process.exit(ok ? 0 : 1);
