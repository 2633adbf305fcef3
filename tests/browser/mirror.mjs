// mirror.mjs URL SHOTS FILEURL - a reader's visit to a static copy of the
// archive in headless Chromium with JavaScript off, served under a
// sub-path: home → release → document → e-mail → thread, the e-mail's
// discussion → its board → the forum → back to the e-mail → sender, the
// browse indexes and the search page; no page along the way is missing.
// Then the same copy opened from the disk (FILEURL).  Prints TAP;
// screenshots in SHOTS.
import { check, withBrowser } from './run.mjs';

const [url, shots, fileUrl] = process.argv.slice(2);
await withBrowser(async (context) => {
  const page = await context.newPage();
  const missing = [];
  page.on('response', (r) => { if (r.status() >= 400) missing.push(r.url()); });
  await page.goto(url);
  check('the copy opens on its list of releases', (await page.textContent('ul.releases')).includes('The Bridge Papers'));
  check('its stylesheet loads under the sub-path',
    (await page.evaluate(() => getComputedStyle(document.body).backgroundColor)) !== 'rgba(0, 0, 0, 0)');
  await page.screenshot({ path: `${shots}/mirror-1-home.png`, fullPage: true });
  await page.click('text=The Bridge Papers');
  check('a release page lists its documents and e-mails',
    (await page.textContent('main')).includes('Documents') && (await page.textContent('main')).includes('E-mails'));
  await page.click('a:has-text("report")');
  check('a document page shows its text', (await page.textContent('main')).includes('twice what was paid'));
  const download = await page.getAttribute('a.button', 'href');
  check('its download link is the file in the copy', download === '../file/1');
  await page.goBack();
  await page.click('a:has-text("Grüße zur Brücke")');
  check('an e-mail page shows its decoded sender', (await page.textContent('dl.headers')).includes('Jürgen Müller'));
  await page.screenshot({ path: `${shots}/mirror-2-email.png`, fullPage: true });
  await page.click('a:has-text("read the whole thread")');
  check('the thread shows three e-mails', (await page.$$('article.mail')).length === 3);
  await page.goBack();
  check('the e-mail page shows its comment',
    (await page.textContent('section.discussion')).includes('The contractor was paid twice.'));
  check('a copy shows no comment form', (await page.$$('section.discussion form')).length === 0);
  await page.click('section.discussion header.meta a');
  check("the comment leads to the discussion's thread",
    (await page.textContent('h1')).includes('Grüße zur Brücke') &&
    (await page.textContent('main')).includes('The contractor was paid twice.'));
  await page.click('p.crumbs a >> nth=1');
  check('the thread leads to its board, which lists it',
    (await page.textContent('ul.threads')).includes('Grüße zur Brücke'));
  await page.screenshot({ path: `${shots}/mirror-4-board.png`, fullPage: true });
  await page.click('p.crumbs a:has-text("Forum")');
  check("the forum's start page lists its boards", (await page.$$('ul.boards li')).length >= 1);
  await page.goBack();
  await page.goBack();
  await page.goBack();
  await page.click('dl.headers a:has-text("O\'Brien")');
  check('a recipient with a quote and a plus in the address has a page',
    (await page.textContent('h1')).includes("o'brien+news@example.org"));
  await page.click('nav.browse a:has-text("Browse the archive")');
  await page.click('a:has-text("E-mails by month")');
  await page.click('a:has-text("March 2024")');
  check('the month index lists the e-mails of March 2024', (await page.$$('ul.docs li')).length === 3);
  await page.click('nav.browse a:has-text("Search")');
  check('the search page says a copy cannot search', (await page.textContent('main')).includes('cannot search'));
  await page.click('a:has-text("Senders")');
  check('the senders index lists every sender', (await page.$$('ul.docs li')).length === 3);
  await page.screenshot({ path: `${shots}/mirror-3-senders.png`, fullPage: true });
  check(`no page or file along the way was missing${missing.length ? ' (' + missing.join(', ') + ')' : ''}`,
    missing.length === 0);
  await page.goto(fileUrl);
  await page.click('text=The Bridge Papers');
  await page.click('a:has-text("Grüße zur Brücke")');
  check('the copy reads from the disk too', (await page.textContent('dl.headers')).includes('Jürgen Müller'));
});
