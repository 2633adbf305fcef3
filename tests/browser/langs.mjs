// langs.mjs - what the language tests share (source_i18n.mjs,
// public_i18n.mjs, forum_i18n.mjs): the languages and the browser headers that ask for
// them, and a visit walked in each of them at each width, JavaScript off,
// checking every page as it goes: a screenshot, no sideways scrolling,
// lang and dir on <html>, and no line of a translated page that is a line
// of the same page in English (lines(page) says which lines count; the
// interface's lines: interfaceLines).
import { readFileSync } from 'node:fs';
import { check } from './run.mjs';

export const langs = [
  { code: 'en', header: 'en-US,en;q=0.9', dir: 'ltr' },
  { code: 'zh-CN', header: 'zh', dir: 'ltr' },
  { code: 'ru', header: 'ru-RU,ru;q=0.9,en;q=0.5', dir: 'ltr' },
  { code: 'ar', header: 'ar-EG,ar;q=0.9', dir: 'rtl' },
];

export async function fits(page) {
  const [scroll, client] = await page.evaluate(() =>
    [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  return scroll <= client;
}

// Walks visit(page, at) in every language at every width (English
// first, the reference); at(name) checks the page the visit is on.
// steps is how many pages a whole visit has.  Returns, per page name,
// the English lines compared against.
export async function walkLanguages(browser, { shots, prefix, widths, steps,
  visit, lines }) {
  const english = {};
  for (const width of widths) {
    for (const lang of langs) {
      const context = await browser.newContext({ javaScriptEnabled: false,
        viewport: { width, height: 900 },
        extraHTTPHeaders: { 'Accept-Language': lang.header } });
      const page = await context.newPage();
      let step = 0;
      const bad = [], untranslated = [], wrongLang = [];
      await visit(page, async (name) => {
        step++;
        await page.screenshot({ path: `${shots}/${prefix}-${lang.code}-${width}-${step}-${name}.png`,
          fullPage: true });
        if (!(await fits(page))) bad.push(name);
        const [l, d] = await page.evaluate(() =>
          [document.documentElement.lang, document.documentElement.dir]);
        if (l !== lang.code || (d || 'ltr') !== lang.dir) wrongLang.push(`${name}: ${l} ${d}`);
        const got = await lines(page);
        if (lang.code === 'en') {
          english[name] = new Set(got);
        } else {
          for (const line of got)
            if (english[name] && english[name].has(line)) untranslated.push(`${name}: ${line}`);
        }
      });
      check(`${lang.code} at ${width} px: all ${step} pages of the visit fit without sideways scrolling${bad.length ? ' (not: ' + bad.join(', ') + ')' : ''}`,
        step === steps && bad.length === 0);
      check(`${lang.code} at ${width} px: every page says lang="${lang.code}" dir="${lang.dir}"${wrongLang.length ? ' (not: ' + wrongLang.join('; ') + ')' : ''}`,
        wrongLang.length === 0);
      if (lang.code !== 'en')
        check(`${lang.code} at ${width} px: no English sentence is left on any page${untranslated.length ? ' (left: ' + untranslated.slice(0, 8).join(' | ') + ')' : ''}`,
          untranslated.length === 0);
      await context.close();
    }
  }
  return english;
}

// The interface's English words: those of every msgid of the catalogue
// template (pot).
export function vocabularyOf(pot) {
  const words = new Set();
  for (const m of readFileSync(pot, 'utf8').matchAll(/^msgid(?:_plural)? "(.*)"$/gm))
    for (const w of m[1].toLowerCase().match(/\p{L}{3,}/gu) || [])
      words.add(w);
  return words;
}

// lines(page) for walkLanguages: the visible lines of the page's main
// part, less what matches the selectors of data (what the archive or
// the members wrote) and the lines in names, that carry a word of
// vocabulary.
export function interfaceLines(data, vocabulary, names = new Set()) {
  return async (page) => {
    const text = await page.evaluate((sels) => {
      const main = document.querySelector('main').cloneNode(true);
      for (const sel of sels)
        for (const e of main.querySelectorAll(sel)) e.remove();
      document.body.appendChild(main);   // innerText needs it laid out
      const t = main.innerText;
      main.remove();
      return t;
    }, data);
    return text.split('\n').map((l) => l.trim()).filter((l) => !names.has(l) &&
      (l.toLowerCase().match(/\p{L}{3,}/gu) || []).some((w) => vocabulary.has(w)));
  };
}
