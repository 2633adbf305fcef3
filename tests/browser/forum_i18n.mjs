// forum_i18n.mjs URL SHOTS POT THREAD - the forum's pages in each
// language (chosen by the browser's Accept-Language), at 1280 and 390 px,
// JavaScript off: the forum's home, a board, a thread with replies, a
// member's page, the moderation log, the join form and the same form
// refusing a name, then a password too short (a refusal that carries a
// number, made by the join action in the reader's language), the
// login form and the same form refusing a password, a document with its
// discussion, a search the parser could not read and one it read its own
// way.  As public_i18n.mjs: a screenshot of each, none scrolls sideways,
// lang and dir on <html>, and no line that is on the English page and
// carries a word of the interface's English.  What members wrote (names,
// titles, posts, boards) and what the archive holds are left out.  Then
// the switcher turns a thread Arabic and the choice holds in the forum.
import { interfaceLines, vocabularyOf, walkLanguages } from './langs.mjs';
import { check, withBrowser } from './run.mjs';

const [url, shots, pot, thread] = process.argv.slice(2);
const widths = [1280, 390];

const lines = interfaceLines(['h1', 'time', '.post .text', 'a.name', '.re',
  'ul.threads li > a', 'ul.posts li > a', 'ul.boards li > a',
  'ul.boards li p', 'p.crumbs a', 'p.about', 'p.snippet', 'mark', 'pre',
  'code', '.intro', '.snippet', '.summary', 'dl.facts dd', 'dl.headers dd a',
  'nav.adjacent a', 'bdi', 'li.current', 'ul.docs', 'ol.docs',
  '.facet li a', 'textarea'], vocabularyOf(pot));

async function visit(page, at) {
  await page.goto(url + '/forum');
  await at('home');
  await page.click('ul.boards li > a');
  await at('board');
  await page.goto(`${url}/forum/thread/${thread}`);
  await at('thread');
  await page.click('article.post a.name');
  await at('member');
  await page.goto(url + '/forum/log');
  await at('log');
  await page.goto(url + '/forum/register');
  await at('join');
  await page.fill('#name', 'ab');
  await page.fill('#password', 'a long password');
  await page.click('button[type=submit]');
  await at('join-refused');
  await page.fill('#name', 'newcomer');
  await page.fill('#password', 'short');
  await page.click('button[type=submit]');
  await at('join-short-password');
  await page.goto(url + '/forum/login');
  await at('login');
  await page.fill('#name', 'nobody at all');
  await page.fill('#password', 'not the password');
  await page.click('button[type=submit]');
  await at('login-refused');
  await page.goto(url + '/doc/1');
  await at('discussion');
  await page.goto(url + '/search?q=' + encodeURIComponent('br*'));
  await at('search-unread');
  await page.goto(url + '/search?q=' + encodeURIComponent('bridge AND "twice'));
  await at('search-read-as');
}

await withBrowser(async (first) => {
  const browser = first.browser();
  const english = await walkLanguages(browser, { shots, prefix: 'forum',
    widths, steps: 13, visit, lines });
  const empty = Object.keys(english).filter((k) => english[k].size === 0);
  check(`the English forum pages had interface text to compare against${empty.length ? ' (not: ' + empty.join(', ') + ')' : ''}`,
    Object.keys(english).length === 13 && empty.length === 0);

  check('the English join form refused the short password with its length',
    [...(english['join-short-password'] || [])].some((l) =>
      l.includes('10 characters at least')));

  const context = await browser.newContext({ javaScriptEnabled: false,
    viewport: { width: 390, height: 900 },
    extraHTTPHeaders: { 'Accept-Language': 'en-US,en;q=0.9' } });
  const page = await context.newPage();
  await page.goto(`${url}/forum/thread/${thread}`);
  await page.click('nav.langs a[lang="ar"]');
  const [l, d] = await page.evaluate(() => [document.documentElement.lang,
    document.documentElement.dir]);
  check(`the switcher turns a thread Arabic, right to left (${l} ${d} ${page.url()})`,
    l === 'ar' && d === 'rtl' && page.url().includes(`/forum/thread/${thread}`));
  await page.goto(url + '/forum');
  check('...and the choice holds on the forum\'s home',
    await page.evaluate(() => document.documentElement.lang) === 'ar' &&
    (await page.textContent('h1')) === 'المنتدى');
  await page.screenshot({ path: `${shots}/forum-switched-ar-390.png`, fullPage: true });
  await context.close();
});
