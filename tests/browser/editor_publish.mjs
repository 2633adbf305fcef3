// editor_publish.mjs URL SHOTS NAME PASSWORD CODE FILE - an editor builds
// a release in headless Chromium with JavaScript disabled: log in, create
// a release, upload a file (scrubbed on the way in), preview, publish.
// Prints TAP; screenshots in SHOTS.
import { check, withBrowser } from './run.mjs';

const [url, shots, name, password, code, file] = process.argv.slice(2);
await withBrowser(async (context) => {
  const page = await context.newPage();
  await page.goto(url + '/');
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
  await page.screenshot({ path: `${shots}/editor-5-release.png`, fullPage: true });
  await page.click('a:has-text("preview it")');
  check('the preview shows the draft as the public will see it',
    (await page.textContent('h1')).includes('The Bridge Papers'));
  await page.screenshot({ path: `${shots}/editor-6-preview.png`, fullPage: true });
  await page.goBack();
  await page.click('button:has-text("Publish")');
  check('the release is published', (await page.textContent('#state')).includes('Published'));
});
