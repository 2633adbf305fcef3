// editor.mjs URL SHOTS NAME PASSWORD CODE - an editor's visit in headless
// Chromium with JavaScript disabled: log in with a TOTP code, open the
// inbox and the source, reply.  Prints TAP; screenshots in SHOTS.
import { check, withBrowser } from './run.mjs';

const [url, shots, name, password, code] = process.argv.slice(2);
await withBrowser(async (context) => {
  const page = await context.newPage();
  await page.goto(url + '/');
  await page.screenshot({ path: `${shots}/editor-1-login.png`, fullPage: true });
  await page.fill('#name', name);
  await page.fill('#password', password);
  await page.fill('#code', code);
  await page.click('button:has-text("Log in")');
  check('the editor logs in with password and code', (await page.textContent('h1')).includes('Inbox'));
  await page.screenshot({ path: `${shots}/editor-2-inbox.png`, fullPage: true });
  await page.click('#sources a');
  check('the source page lists its items', (await page.$$('#conversation .from-source a')).length >= 2);
  await page.fill('#text', 'Thank you. Which department?');
  await page.screenshot({ path: `${shots}/editor-3-source.png`, fullPage: true });
  await page.click('button:has-text("Send reply")');
  check('the reply is acknowledged', await page.isVisible('#replied'));
  const last = await page.textContent('#conversation li:last-child');
  check('the conversation shows the reply after the items, with who wrote it',
    last.includes('reply by') && (await page.$$('#conversation li.from-source')).length >= 1);
  const reply = await page.request.get(url + (await page.getAttribute(
    '#conversation li.from-editor a', 'href')));
  check('...and the reply can be downloaded, encrypted',
    reply.status() === 200 && (await reply.body()).subarray(0, 21).toString() ===
      'age-encryption.org/v1');
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    check(`the source page fits ${width} px without scrolling sideways`,
      await page.evaluate(() => document.documentElement.scrollWidth <=
        document.documentElement.clientWidth));
    await page.screenshot({ path: `${shots}/layout-editor-${width}-source.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1000, height: 900 });
  await page.screenshot({ path: `${shots}/editor-4-replied.png`, fullPage: true });
  await page.click('button:has-text("Log out")');
  check('logging out returns to the login page', (await page.textContent('h1')).includes('login'));
});
