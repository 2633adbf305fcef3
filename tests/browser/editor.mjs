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
  check('the source page lists its items', (await page.$$('#items a')).length >= 2);
  await page.fill('#text', 'Thank you. Which department?');
  await page.screenshot({ path: `${shots}/editor-3-source.png`, fullPage: true });
  await page.click('button:has-text("Send reply")');
  check('the reply is acknowledged', await page.isVisible('#replied'));
  await page.screenshot({ path: `${shots}/editor-4-replied.png`, fullPage: true });
  await page.click('button:has-text("Log out")');
  check('logging out returns to the login page', (await page.textContent('h1')).includes('login'));
});
