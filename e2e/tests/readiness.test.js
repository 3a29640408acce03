'use strict';
// Mutual readiness on phones: each partner marks steps for themselves; a
// step shows under "Ready together" only once both marked it ready, and
// leaves again, with no word of who changed their mark.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const {
  assertNoProblems,
  checkPage,
  clickAndWait,
  launchBrowser,
  pathOf,
  screenshot,
  startApp,
} = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

let app;
let browser;

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (app) await app.stop();
});

async function mark(page, marks) {
  await page.goto('/readiness');
  for (const [step, choice] of Object.entries(marks)) {
    await page.getByLabel(step).selectOption({ label: choice });
  }
  await clickAndWait(page, page.getByRole('button', { name: 'Save my marks' }));
  assert.equal(pathOf(page), '/readiness');
}

const together = (page) => page.locator('#ready-together .mutual-steps li strong').allTextContents();

test('readiness becomes mutual, then is withdrawn, at 390 px', async () => {
  const couple = await pairCouple(browser, app);
  const a = couple.hurt.page;
  const b = couple.involved.page;

  await a.goto('/');
  await clickAndWait(a, a.getByRole('link', { name: 'Readiness' }));
  assert.equal(pathOf(a), '/readiness');
  await checkPage(a);
  await mark(a, { 'Sleeping in the same bed': 'Ready', 'Going out as a couple': 'Ready' });
  assert.deepEqual(await together(a), [], 'one partner ready shows nothing');
  assert.equal(
    await a.getByLabel('Sleeping in the same bed').inputValue(),
    'ready',
    'their own mark stays chosen for its author',
  );

  await mark(b, { 'Sleeping in the same bed': 'Ready', 'Going out as a couple': 'Not yet' });
  assert.deepEqual(await together(b), ['Sleeping in the same bed']);
  await a.goto('/readiness');
  assert.deepEqual(await together(a), ['Sleeping in the same bed']);
  await checkPage(a);
  await screenshot(a, 'readiness-mutual-390');

  await mark(b, { 'Sleeping in the same bed': 'Not sure' });
  await a.goto('/readiness');
  assert.deepEqual(await together(a), [], 'withdrawn: the step leaves the list');
  assert.ok(
    await a.getByText('No step is marked ready by both of you yet.').isVisible(),
    'the page says so plainly',
  );
  await checkPage(b);
  await screenshot(b, 'readiness-own-marks-390');

  assertNoProblems(couple.hurt.context);
  assertNoProblems(couple.involved.context);
});
