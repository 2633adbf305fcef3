// public.mjs URL SHOTS - a reader's visit in headless Chromium with
// JavaScript disabled: the home page, a release, a document, an e-mail and
// its thread, a search with highlighted results.  Prints TAP; screenshots
// in SHOTS.
import { check, withBrowser } from './run.mjs';

const [url, shots] = process.argv.slice(2);
await withBrowser(async (context) => {
  const page = await context.newPage();
  await page.goto(url + '/');
  check('the home page lists the release', (await page.textContent('ul.releases')).includes('The Bridge Papers'));
  await page.screenshot({ path: `${shots}/public-1-home.png`, fullPage: true });
  await page.click('text=The Bridge Papers');
  check('the release page lists documents and e-mails',
    (await page.textContent('main')).includes('Documents') && (await page.textContent('main')).includes('E-mails'));
  await page.click('a:has-text("report")');
  check('a document page shows its summary and reading time',
    (await page.isVisible('.summary')) && (await page.textContent('main')).includes('minute read'));
  await page.screenshot({ path: `${shots}/public-2-document.png`, fullPage: true });
  await page.goBack();
  await page.click('a:has-text("Grüße zur Brücke")');
  check('an e-mail page shows its decoded sender', (await page.textContent('dl.headers')).includes('Jürgen Müller'));
  await page.click('a:has-text("read the whole thread")');
  check('the thread shows three e-mails', (await page.$$('article.mail')).length === 3);
  await page.screenshot({ path: `${shots}/public-3-thread.png`, fullPage: true });
  await page.fill('form.search input[name=q]', '"double payment" OR bridge');
  await page.click('form.search button');
  check('searching from the header shows a count', (await page.textContent('.count')).match(/\d+ results?/) !== null);
  check('matched words are highlighted', (await page.$$('.snippet mark')).length > 0);
  await page.screenshot({ path: `${shots}/public-4-results.png`, fullPage: true });
  await page.goto(url + '/search?q=' + encodeURIComponent('type:exe'));
  check('a query that cannot be understood gets advice on the page', (await page.textContent('.notice')).includes('kind of document'));
});
