// source_i18n.mjs URL SHOTS FILE - every page of the source face in each
// language (English, Simplified Chinese, Russian, Arabic, chosen by the
// browser's Accept-Language), at 1280 and 390 px, JavaScript off: a
// screenshot of each, no horizontal overflow on any, no English sentence
// left on a translated page (each page's text is compared with the same
// page in English), lang and dir on <html> (rtl for Arabic).  Then the
// switcher: a plain link changes the language, and the choice holds
// through the codename form's POST and redirect.
import { walkLanguages } from './langs.mjs';
import { check, withBrowser } from './run.mjs';

const [url, shots, file] = process.argv.slice(2);
const widths = [1280, 390];
// Data, not words of the interface: the same in every language.
const data = new Set(['Investigations', 'Legal', 'UTF-8']);

// The visible lines of the page's main part that carry words.
async function lines(page) {
  const text = await page.evaluate(() => document.querySelector('main').innerText);
  return text.split('\n').map((l) => l.trim())
    .filter((l) => /\p{L}{2}/u.test(l) && !data.has(l));
}

// A source's visit, page by page; calls at(name) on each.
async function visit(page, at) {
  await page.goto(url + '/');
  await at('start');
  await page.click('a[href="/new"]');
  await at('codename');
  const codename = (await page.textContent('#codename')).trim();
  await page.click('form[action="/new"] button[type="submit"]');
  await at('form');
  await page.fill('#message', 'hello');
  await page.click('form[action="/submit"] button[type="submit"]');
  await at('sent');
  await page.fill('#message', 'a long message the source must not lose');
  await page.setInputFiles('#files', file);
  await page.context().clearCookies();
  await page.click('form[action="/submit"] button[type="submit"]');
  await at('session-ended');
  await page.fill('#codename', 'not my codename at all');
  await page.click('form[action="/login"] button[type="submit"]');
  await at('wrong-codename');
  await page.goto(url + '/');
  await page.fill('#codename', codename);
  await page.click('form[action="/login"] button[type="submit"]');
  await at('return');
  await page.click('form[action="/logout"] button[type="submit"]');
  await at('logged-out');
}

await withBrowser(async (first) => {
  const browser = first.browser();
  await walkLanguages(browser, { shots, prefix: 'source', widths, steps: 8,
    visit, lines });

  // The switcher: plain links, a cookie, through a POST and a redirect.
  const context = await browser.newContext({ javaScriptEnabled: false,
    viewport: { width: 390, height: 900 },
    extraHTTPHeaders: { 'Accept-Language': 'en-US,en;q=0.9' } });
  const page = await context.newPage();
  await page.goto(url + '/');
  await page.click('nav.langs a[lang="ru"]');
  check('the switcher\'s link turns the page Russian', await page.evaluate(() =>
    document.documentElement.lang) === 'ru');
  await page.click('a[href="/new"]');
  await page.click('form[action="/new"] button[type="submit"]');
  check('...and the choice holds through the codename form and its redirect',
    await page.evaluate(() => document.documentElement.lang) === 'ru' &&
    (await page.textContent('main')).includes('Сообщение'));
  await page.screenshot({ path: `${shots}/source-switched-ru-390.png`, fullPage: true });
  const cookies = await context.cookies();
  const c = cookies.find((k) => k.name === 'sz_lang');
  check('...kept in a SameSite=Strict, HttpOnly session cookie',
    c !== undefined && c.sameSite === 'Strict' && c.httpOnly && c.expires === -1);
  await context.close();
});
