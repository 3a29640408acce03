'use strict';
// "End our shared space" on a phone: one partner ends it from the space page
// with their password and a tick; from then on both see the calm banner on
// every page, the forms are gone, and the record is still there to read.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { appAndBrowser, assertNoProblems, checkPage, clickAndWait, pathOf, screenshot } = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

const running = appAndBrowser();

test('a partner ends the shared space and both see it read-only, at 390 px', async () => {
  const couple = await pairCouple(running.browser, running.app);
  const a = couple.hurt.page;
  const b = couple.involved.page;

  await a.goto('/space');
  await clickAndWait(a, a.getByRole('link', { name: 'End our shared space' }));
  assert.equal(pathOf(a), '/space/end');
  assert.ok(await a.getByText('nothing can be added by anyone').isVisible(), 'says what happens');
  await checkPage(a);
  await screenshot(a, 'ending-390');

  await a.getByLabel('Your password').fill(couple.hurt.password);
  await clickAndWait(a, a.getByRole('button', { name: 'End our shared space' }));
  assert.ok(await a.getByText('Please tick the box').isVisible(), 'the tick is asked for');
  await checkPage(a);

  await a.getByLabel('Your password').fill(couple.hurt.password);
  await a.getByLabel(/I want to end our shared space/).check();
  await clickAndWait(a, a.getByRole('button', { name: 'End our shared space' }));
  assert.equal(pathOf(a), '/');

  for (const [page, name] of [[a, 'hurt'], [b, 'involved']]) {
    await page.goto('/');
    assert.ok(await page.getByText('This shared space was closed on').isVisible(), `${name} sees the banner`);
    await checkPage(page);
    await screenshot(page, `ending-today-${name}-390`);
    await page.goto('/checkin');
    assert.ok(await page.getByText('This shared space was closed on').isVisible(), 'on each room');
    assert.equal(await page.locator('form[action="/checkin"]').count(), 0, 'no check-in form');
    await page.goto('/space');
    assert.equal(await page.getByRole('link', { name: 'End our shared space' }).count(), 0);
    await checkPage(page);
  }
  await b.goto('/space/end');
  assert.ok(await b.getByText('Your shared space was closed on').isVisible());
  await checkPage(b);

  assertNoProblems(couple.hurt.context);
  assertNoProblems(couple.involved.context);
});
