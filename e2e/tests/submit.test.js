'use strict';
// One submit path: a double tap on a slow connection sends the same form twice,
// and the record keeps it once. Both partners in their own phone-sized browsers.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { assertNoProblems, launchBrowser, pathOf, startApp } = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

let app;
let browser;
let hurt;
let involved;

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
  ({ hurt, involved } = await pairCouple(browser, app));
});

after(async () => {
  if (browser) await browser.close();
  if (app) await app.stop();
});

/** Every request of `page` takes `latencyMs` more, as on a slow phone network. */
async function slowDown(page, latencyMs) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: latencyMs,
    downloadThroughput: 50 * 1024,
    uploadThroughput: 20 * 1024,
  });
  return async () => {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await cdp.detach();
  };
}

/** How many entries of the truth log (not the list of what waits) show `text`. */
async function entriesWith(page, text) {
  await page.goto('/truth?filter=all');
  return page.locator('ol.truth-log > li').filter({ hasText: text }).count();
}

test('a question sent with a double tap on a slow connection is asked once', async () => {
  const question = 'Where were you on the evening of the ninth?';
  const a = hurt.page;
  await a.goto('/truth');
  await a.getByText('Ask a question', { exact: true }).click();
  await a.getByLabel('Your question').fill(question);

  const serverSaw = [];
  a.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/truth/questions') {
      serverSaw.push(request.postData() || '');
    }
  });
  const key = await a.locator('form[action^="/truth/questions"] input[name="submission"]').inputValue();
  assert.match(key, /^[A-Za-z0-9_-]{16,64}$/, 'the form carries a one-time submission key');
  const restore = await slowDown(a, 800);
  const send = a.getByRole('button', { name: 'Ask', exact: true });
  const landed = a.waitForURL((url) => url.pathname === '/truth', { waitUntil: 'load', timeout: 30_000 });
  await send.dblclick();
  await landed;
  // Every send has had its answer before the record is read.
  await a.waitForLoadState('networkidle');
  await restore();

  // Chromium may fold a double click into one send or send twice; every
  // send carries the same one-time key, and the record keeps one entry.
  for (const body of serverSaw) {
    assert.match(body, /(^|&)submission=[A-Za-z0-9_-]{16,64}(&|$)/, 'the form carries a submission key');
    assert.equal(body, serverSaw[0], 'every send carries the same body, key included');
  }
  assert.equal(pathOf(a), '/truth');
  assert.equal(await entriesWith(a, question), 1, 'the asker sees the question once');
  assert.equal(await entriesWith(involved.page, question), 1, 'the partner sees the question once');
  await assertNoProblems(hurt.context);
});

test('a check-in kept with a double tap is kept once', async () => {
  const note = 'A heavy morning, lighter by lunch.';
  const b = involved.page;
  await b.goto('/checkin');
  const family = b.locator('details.family').first();
  await family.locator('summary').click();
  const word = family.locator('.word').first();
  await word.getByRole('checkbox').check();
  await word.locator('select').selectOption('3');
  await b.getByLabel('A few words, if you want').fill(note);
  const restore = await slowDown(b, 800);
  const landed = b.waitForURL((url) => url.pathname === '/checkin', { waitUntil: 'load', timeout: 30_000 });
  await b.getByRole('button', { name: 'Save my check-in' }).dblclick();
  await landed;
  await b.waitForLoadState('networkidle');
  await restore();
  await b.goto('/checkin');
  assert.equal(await b.locator('#recent').getByText(note).count(), 1, 'the kept check-in shows once');
  await assertNoProblems(involved.context);
});
