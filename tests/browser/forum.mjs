// forum.mjs URL SHOTS MODERATOR PASSWORD - the forum in headless Chromium
// with JavaScript off: a reader joins and opens the discussion of a
// document from its page ("So what do you think?"); a second member
// replies with a quote, likes and reports; a moderator hides the reported
// post and locks the thread, from the page itself.  Screenshots at 1280
// and 390 px wide; nothing scrolls sideways at 390.  Prints TAP.
import { check, withBrowser } from './run.mjs';

const [url, shots, modName, modPassword] = process.argv.slice(2);

async function fits(page) {
  const [scroll, client] = await page.evaluate(() =>
    [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  return scroll <= client;
}

// A member of their own, in a browser context of their own (cookies).
async function member(browser, name, password, join) {
  const context = await browser.newContext({ javaScriptEnabled: false,
    viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(url + (join ? '/forum/register' : '/forum/login'));
  await page.fill('#name', name);
  await page.fill('#password', password);
  await page.click(join ? 'button:has-text("Join")' : 'button:has-text("Log in")');
  return page;
}

async function shoot(page, name) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${shots}/forum-${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const ok = await fits(page);
  await page.screenshot({ path: `${shots}/forum-${name}-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  return ok;
}

await withBrowser(async (context) => {
  const browser = context.browser();
  const anna = await member(browser, 'Anna Berg', 'a long password', true);
  check('a reader joins with a name and a password', (await anna.textContent('main')).includes('Welcome'));

  await anna.goto(url + '/doc/1');
  check("a document's page asks: So what do you think?",
    (await anna.textContent('section.discussion')).includes('So what do you think?'));
  await anna.fill('section.discussion textarea[name=text]', 'Paid **twice**? Who signed the second invoice?');
  await anna.click('button:has-text("Post the comment")');
  check('the comment opens the discussion of the document',
    (await anna.textContent('article.post')).includes('Who signed the second invoice?'));
  const thread = anna.url().replace(/[?#].*$/, '').replace(/\/page\/\d+$/, '');
  check('...which links back to the document', await anna.isVisible('p.subject a[href="/doc/1"]'));
  check('the discussion page fits a 390 px screen', await shoot(anna, '1-discussion'));
  await anna.goto(url + '/doc/1');
  check("the document's page now shows the comment",
    (await anna.textContent('section.discussion')).includes('1 comment on'));

  const ben = await member(browser, 'Ben', 'another long password', true);
  await ben.goto(thread);
  await ben.click('article.post footer a:has-text("Quote")');
  const quoted = await ben.inputValue('textarea[name=text]');
  check('Quote opens the reply form with the post quoted and attributed, no script needed',
    quoted.includes('Anna Berg') && quoted.includes('> Paid **twice**?'));
  await ben.fill('textarea[name=text]', quoted + 'The same official, a week apart.');
  await ben.click('button:has-text("Post the reply")');
  check('the reply shows the quote, linked back to the post',
    await ben.isVisible('article.post blockquote a[href*="#p"]'));
  check('...titled Re: and the thread\'s title', (await ben.textContent('main')).includes('Re: memo'));
  await ben.click('article.post:first-of-type button:has-text("Like")');
  check('a member likes a post with one button', (await ben.textContent('article.post:first-of-type .likes')).includes('1 like'));
  check('...which becomes Unlike', await ben.isVisible('article.post:first-of-type button:has-text("Unlike")'));
  await ben.click('article.post:first-of-type a:has-text("Report")');
  await ben.fill('textarea[name=reason]', 'It accuses someone without evidence.');
  await ben.click('button:has-text("Report it")');
  check('a member reports a post with a reason', (await ben.textContent('main')).includes('the moderators will look'));
  check('the thread, with a quote and a like, fits a 390 px screen', await shoot(ben, '2-thread'));

  const mod = await member(browser, modName, modPassword, false);
  await mod.goto(url + '/forum/queue');
  check('the moderator sees the report in the queue',
    (await mod.textContent('main')).includes('It accuses someone without evidence.'));
  check('the queue fits a 390 px screen', await shoot(mod, '3-queue'));
  await mod.goto(thread);
  const first = mod.locator('article.post').first();
  await first.locator('select[name=action]').selectOption('hide');
  await first.locator('input[name=reason]').fill('Unfounded accusation');
  await first.locator('button:has-text("Moderate")').click();
  check('a moderator hides the post from the page itself',
    (await mod.textContent('article.post')).includes('Hidden by a moderator'));
  const tools = mod.locator('form.mod[action*="/forum/mod/thread/"]');
  await tools.locator('select[name=action]').selectOption('lock');
  await tools.locator('input[name=reason]').fill('Discussion closed');
  await tools.locator('button:has-text("Moderate")').click();
  check('...and locks the thread', (await mod.textContent('p.meta')).includes('locked'));
  check('the moderator\'s view fits a 390 px screen', await shoot(mod, '4-moderated'));

  await ben.goto(thread);
  check('members see the hidden post gone (only the reply is left) and no reply form',
    (await ben.$$('article.post')).length === 1 &&
    (await ben.textContent('main')).includes('This thread is locked'));
  await ben.goto(url + '/forum/log');
  check('the public moderation log says who, what and why',
    (await ben.textContent('table.log')).includes('Unfounded accusation') &&
    (await ben.textContent('table.log')).includes('locked a thread'));
  check('the log fits a 390 px screen', await shoot(ben, '5-log'));
  await ben.goto(url + '/forum');
  check('the forum\'s home fits a 390 px screen', await shoot(ben, '6-home'));
});
