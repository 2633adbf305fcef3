// source.mjs URL SHOTS_DIR FILE - a source's whole visit in headless
// Chromium (Debian's) with JavaScript disabled: first visit, codename,
// a message and a file sent, logout, return visit with the codename.
// Prints TAP; saves a screenshot of each step in SHOTS_DIR.
import { check, withBrowser } from './run.mjs';

const [url, shots, file] = process.argv.slice(2);

await withBrowser(async (context) => {
  const page = await context.newPage();
  const scripts = [];
  page.on('request', (r) => { if (r.resourceType() === 'script') scripts.push(r.url()); });

  await page.goto(url + '/');
  check('the start page loads', (await page.title()).includes('Share documents'));
  await page.screenshot({ path: `${shots}/1-start.png`, fullPage: true });

  await page.click('text=Get a codename and start');
  const codename = (await page.textContent('#codename')).trim();
  check('a codename of seven words is shown', codename.split(/\s+/).length === 7);
  await page.screenshot({ path: `${shots}/2-codename.png`, fullPage: true });

  await page.click('button:has-text("I have memorised it")');
  check('continuing leads to the submission form', await page.isVisible('form[action="/submit"]'));
  await page.fill('#message', 'Hello from a browser with JavaScript off.');
  await page.setInputFiles('#files', file);
  await page.screenshot({ path: `${shots}/3-form.png`, fullPage: true });
  await page.click('button:has-text("Send securely")');
  check('the submission is acknowledged', (await page.textContent('body')).includes('Thank you'));
  await page.screenshot({ path: `${shots}/4-sent.png`, fullPage: true });

  await page.click('button:has-text("Log out")');
  check('logging out says so', (await page.textContent('h1')).includes('logged out'));

  await page.goto(url + '/');
  await page.fill('#codename', codename);
  await page.click('button:has-text("Log in")');
  const body = await page.textContent('body');
  check('a return visit with the codename works', body.includes('sent 1 submission'));
  await page.screenshot({ path: `${shots}/5-return.png`, fullPage: true });

  await page.goto(url + '/');
  await page.fill('#codename', 'not my codename at all');
  await page.click('button:has-text("Log in")');
  check('a wrong codename is refused clearly', (await page.textContent('body')).includes('not recognised'));

  check('no page asked for a script', scripts.length === 0);
});
