// inbox.mjs URL SHOTS NAME PASSWORD CODE - an editor on a 390 px phone,
// in headless Chromium with JavaScript off: the inbox of 120 sources is
// read a page at a time, filtered to unread ones, searched by designation
// and a source opened, and no page scrolls sideways.  Prints TAP;
// screenshots in SHOTS.
import { check, withBrowser } from './run.mjs';

const [url, shots, name, password, code] = process.argv.slice(2);

// True if nothing on the page is wider than the screen.
async function fits(page) {
  const [scroll, client] = await page.evaluate(() =>
    [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  return scroll <= client;
}

const ids = async (page) => page.$$eval('#sources a', (as) => as.map((a) => a.href));

await withBrowser(async (context) => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(url + '/');
  await page.fill('#name', name);
  await page.fill('#password', password);
  await page.fill('#code', code);
  await page.click('button:has-text("Log in")');
  check('the editor logs in on a phone', (await page.textContent('h1')).includes('Inbox'));
  const first = await ids(page);
  check('the inbox shows its newest 50 sources', first.length === 50);
  check('...and fits a 390 px screen', await fits(page));
  await page.screenshot({ path: `${shots}/inbox-1-phone.png`, fullPage: true });

  await page.click('#older');
  const second = await ids(page);
  check('"Older" shows the next 50, none of them again',
    second.length === 50 && second.every((h) => !first.includes(h)));
  check('...with a way back to newer ones', await page.isVisible('#newer'));
  check('...and fits the screen', await fits(page));
  await page.screenshot({ path: `${shots}/inbox-2-older.png`, fullPage: true });

  await page.click('#view-unread');
  const unread = await page.$$('#sources tr.unread');
  check('the unread view lists only sources with unread items',
    unread.length > 0 && unread.length === (await page.$$('#sources a')).length);
  check('...and says it is the view shown',
    (await page.getAttribute('#view-unread', 'aria-current')) === 'page');

  await page.click('#view-all');
  await page.fill('#d', 'Mummified Mammogram');
  await page.click('button:has-text("Find")');
  check('typing a designation finds that source',
    (await page.textContent('#sources')).includes('mummified-mammogram'));
  check('...and the widest designation still fits the screen', await fits(page));
  await page.screenshot({ path: `${shots}/inbox-3-found.png`, fullPage: true });

  await page.click('#sources a');
  check("the source's page opens", (await page.textContent('h1')).includes('mummified-mammogram'));
  check('...and fits the screen', await fits(page));
  await page.screenshot({ path: `${shots}/inbox-4-source.png`, fullPage: true });
});
