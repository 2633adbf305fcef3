// run.mjs - what the browser scripts share: Debian's Chromium, headless,
// with the flags this network needs, and TAP output.
import { chromium } from 'playwright-core';

let n = 0, failed = 0;

export function check(what, ok) {
  n++;
  if (!ok) failed++;
  console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${what}`);
}

// Runs visit(context) in a fresh JavaScript-less browser, then ends TAP.
export async function withBrowser(visit) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
      '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false,
      viewport: { width: 1000, height: 900 } });
    await visit(context);
  } catch (e) {
    check(`the visit completes (${e.message.split('\n')[0]})`, false);
  } finally {
    await browser.close();
  }
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
}
