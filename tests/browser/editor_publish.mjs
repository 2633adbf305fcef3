// editor_publish.mjs URL SHOTS NAME PASSWORD CODE FILE PUBLIC - an editor
// builds a release in headless Chromium with JavaScript disabled: log in,
// create a release, upload a file (scrubbed on the way in, with what was
// removed shown), edit the release, preview (a draft banner on every
// page), publish; then every editor page and the public pages are laid
// out at 1280 and 390 px without a horizontal scroll bar.  Prints TAP;
// screenshots in SHOTS.
import { check, withBrowser } from './run.mjs';

const [url, shots, name, password, code, file, pub] = process.argv.slice(2);

// Whether the page is no wider than the window (no horizontal scrolling).
async function fits(page) {
  return page.evaluate(() =>
    document.documentElement.scrollWidth <= document.documentElement.clientWidth);
}
await withBrowser(async (context) => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto(url + '/');
  check('the login page fits 390 px without scrolling sideways', await fits(page));
  await page.screenshot({ path: `${shots}/layout-editor-390-login.png`, fullPage: true });
  await page.setViewportSize({ width: 1000, height: 900 });
  await page.fill('#name', name);
  await page.fill('#password', password);
  await page.fill('#code', code);
  await page.click('button:has-text("Log in")');
  await page.click('a:has-text("Releases")');
  check('the releases page offers a new release', await page.isVisible('#title'));
  await page.fill('#title', 'The Bridge Papers');
  await page.fill('#intro', 'Files on the northern bridge contract.');
  await page.click('button:has-text("Create the draft")');
  check('the new release is a draft', (await page.textContent('#state')).includes('draft'));
  await page.setInputFiles('#files', file);
  await page.click('button:has-text("Scrub and add")');
  check('the uploaded file was scrubbed and added', await page.isVisible('#added'));
  check('the release page says what scrubbing removed from it',
    (await page.textContent('details.scrub-report')).includes('PDF Info'));
  await page.click('#edit summary');
  await page.fill('#edit #title', 'The Bridge Papers, part 1');
  await page.click('button:has-text("Save the release")');
  check('the release\'s title can be edited',
    (await page.textContent('h1')).includes('part 1'));
  await page.screenshot({ path: `${shots}/editor-5-release.png`, fullPage: true });
  await page.click('a:has-text("preview it")');
  check('the preview shows the draft as the public will see it',
    (await page.textContent('h1')).includes('The Bridge Papers'));
  check('the preview says it is a draft',
    (await page.textContent('#preview')).includes('Draft'));
  await page.click('main a[href*="/doc/"]');
  check('...on every page of it, with the way back to editing',
    (await page.textContent('#preview')).includes('Draft') &&
    (await page.getAttribute('#preview a', 'href')).startsWith('/release?id='));
  await page.screenshot({ path: `${shots}/editor-6-preview.png`, fullPage: true });
  await page.click('#preview a');
  await page.click('button:has-text("Publish")');
  check('the release is published', (await page.textContent('#state')).includes('Published'));

  const editorPages = ['/inbox', '/archive', '/releases', '/release?id=1',
    '/preview', '/preview/release/1', '/preview/doc/1', '/preview/search?q=bridge'];
  const publicPages = ['/', '/release/1', '/doc/1', '/search?q=bridge',
    '/search?q=brigde', '/search?q=%22bridge'];
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [face, base, paths] of [['editor', url, editorPages],
      ['public', pub, publicPages]]) {
      const wide = [];
      for (const path of paths) {
        await page.goto(base + path);
        if (!(await fits(page)))
          wide.push(path);
        const shot = path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home';
        await page.screenshot({ path: `${shots}/layout-${face}-${width}-${shot}.png`,
          fullPage: true });
      }
      check(`every ${face} page fits ${width} px without scrolling sideways` +
        (wide.length ? ` (too wide: ${wide.join(' ')})` : ''), wide.length === 0);
    }
  }
  const pdf = await (await page.request.get(pub + '/file/1')).body();
  check('the public face serves the scrubbed PDF',
    pdf.subarray(0, 5).toString() === '%PDF-' && !pdf.includes('PLANTED'));
  await page.goto(url + '/release?id=1');
  await page.click('button:has-text("Remove from the release")');
  check('a document can be removed from a release', await page.isVisible('#removed'));
  const gone = await page.goto(pub + '/doc/1');
  check('...and the public face no longer shows it', gone.status() === 404);
});
