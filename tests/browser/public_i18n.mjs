// public_i18n.mjs URL SHOTS POT - the public face's pages in each
// language (English, Simplified Chinese, Russian, Arabic, chosen by the
// browser's Accept-Language), at 1280 and 390 px, JavaScript off: the
// home page, a release, a document, an e-mail, its thread, a search with
// results and one with none, the browse indexes, an address's e-mails
// and a missing page.  A screenshot of each; none scrolls sideways; lang
// and dir on <html> (rtl for Arabic); and no English left: a line of a
// translated page that is also on the English page and carries a word of
// the interface's English (the msgids of POT) is a string nobody
// translated.  What the archive holds (titles, names, texts, addresses,
// snippets) is the same in every language and left out of the
// comparison; so is the discussion, which is the forum's.  Then the
// switcher keeps a search while it changes the language.
import { interfaceLines, vocabularyOf, walkLanguages } from './langs.mjs';
import { check, withBrowser } from './run.mjs';

const [url, shots, pot] = process.argv.slice(2);
const widths = [1280, 390];

// Names of standards, the same in every language; and what the archive
// holds (titles, texts, names, addresses), left out.
const names = new Set(['Message-ID', 'SHA-256', 'DKIM', 'PGP']);
const lines = interfaceLines(['pre', 'code', 'mark', '.snippet', '.summary',
  '.intro', 'h1', '.sent',
  '.discussion', '.facet li a', 'nav.adjacent a',
  'dl.headers dd a', 'dl.facts dd', 'ul.releases li > a',
  'li:has(> a[href*="/doc/"]) .meta', 'li:has(> a[href*="/email/"]) .meta',
  'li > a[href*="/doc/"]', 'li > a[href*="/email/"]',
  'article.mail h2 a', 'article.mail p.meta',
  'p.meta a[href*="/release/"]', 'a[href*="/from/"]', 'a[href*="/to/"]',
  'li.current'], vocabularyOf(pot), names);

// A reader's visit, page by page; calls at(name) on each.
async function visit(page, at) {
  await page.goto(url + '/');
  await at('home');
  await page.click('ul.releases li > a');
  await at('release');
  await page.click('ul.docs li > a[href*="/doc/"]');
  await at('document');
  await page.goBack();
  await page.click('ul.docs li > a[href*="/email/"]');
  await at('email');
  await page.click('h2 a[href*="/thread/"]');
  await at('thread');
  await page.goto(url + '/search?q=bridge');
  await at('search');
  await page.goto(url + '/search?q=bridgx');
  await at('search-none');
  await page.goto(url + '/search');
  await at('search-help');
  await page.goto(url + '/browse');
  await at('browse');
  await page.goto(url + '/browse/months');
  await at('months');
  await page.click('ul.docs li > a[href*="/browse/month/"]');
  await at('month');
  await page.goto(url + '/browse/senders');
  await at('senders');
  await page.click('ul.docs li > a[href*="/from/"]');
  await at('from');
  await page.goto(url + '/release/999');
  await at('missing');
}

await withBrowser(async (first) => {
  const browser = first.browser();
  const english = await walkLanguages(browser, { shots, prefix: 'public',
    widths, steps: 14, visit, lines });
  const empty = Object.keys(english).filter((k) => english[k].size === 0);
  check(`the English pages had interface text to compare against${empty.length ? ' (not: ' + empty.join(', ') + ')' : ''}`,
    Object.keys(english).length === 14 && empty.length === 0);

  // The switcher: a plain link, and a search kept through it.
  const context = await browser.newContext({ javaScriptEnabled: false,
    viewport: { width: 390, height: 900 },
    extraHTTPHeaders: { 'Accept-Language': 'en-US,en;q=0.9' } });
  const page = await context.newPage();
  await page.goto(url + '/search?q=bridge&sort=newest');
  await page.click('nav.langs a[lang="ar"]');
  const [l, d, q] = await page.evaluate(() => [document.documentElement.lang,
    document.documentElement.dir,
    document.querySelector('form.search input[name=q]').value]);
  check(`the switcher turns a search page Arabic, right to left, with the search kept (${l} ${d} ${q} ${page.url()})`,
    l === 'ar' && d === 'rtl' && q === 'bridge' &&
    /نتيج|نتائج/.test(await page.textContent('.count')));
  await page.click('ul.docs li > a, ol.docs li > a');
  check('...and the choice holds on the next page',
    await page.evaluate(() => document.documentElement.lang) === 'ar');
  await page.screenshot({ path: `${shots}/public-switched-ar-390.png`, fullPage: true });
  await context.close();
});
