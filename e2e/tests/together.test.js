'use strict';
// Time together on phones: one partner suggests a plan on their own clock,
// the other suggests another time, and the first says yes; a ritual of
// connection is begun and marked done once. A plan a minute or two away is
// logged by both once it has passed, one word shared and one kept.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const {
  appAndBrowser,
  assertNoProblems,
  checkPage,
  clickAndWait,
  pathOf,
  screenshot,
} = require('../lib/app.js');
const { pairCouple } = require('../lib/couple.js');

const running = appAndBrowser();

/// A day and time `days` from now, as a datetime-local field takes it.
function inDays(days, hour) {
  const at = new Date(Date.now() + days * 86400000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}T${pad(hour)}:00`;
}

test('a plan is suggested, moved and agreed, and a ritual is kept, at 390 px', async () => {
  const couple = await pairCouple(running.browser, running.app);
  const a = couple.hurt.page;
  const b = couple.involved.page;

  await a.goto('/');
  await clickAndWait(a, a.getByRole('link', { name: 'Time together' }));
  assert.equal(pathOf(a), '/together');
  await a.getByLabel('What you would like to do together').fill('A walk by the river');
  await clickAndWait(a, a.getByRole('button', { name: 'Suggest it' }));
  assert.ok(await a.getByText('Please choose a day and a time.').first().isVisible(), 'the missing time is named');
  assert.equal(
    await a.getByLabel('What you would like to do together').inputValue(),
    'A walk by the river',
    'what was typed is kept',
  );
  await a.getByLabel('When').fill(inDays(3, 18));
  await clickAndWait(a, a.getByRole('button', { name: 'Suggest it' }));
  assert.equal(pathOf(a), '/together');
  assert.ok(await a.getByText("Waiting for your partner's answer").isVisible());
  await checkPage(a);

  await b.goto('/together');
  assert.ok(await b.getByText('Waiting for your answer').isVisible());
  await b.locator('details summary', { hasText: 'Suggest another time' }).click();
  await b.getByLabel('Another time').fill(inDays(4, 19));
  await checkPage(b);
  await screenshot(b, 'together-answer-390');
  await clickAndWait(b, b.getByRole('button', { name: 'Suggest this time' }));

  await a.goto('/together');
  await clickAndWait(a, a.getByRole('button', { name: "Yes, let's" }));
  await b.goto('/together');
  assert.ok(await b.getByRole('heading', { name: 'Coming up' }).isVisible());
  assert.ok(await b.locator('li[id^="plan-"]').first().getByText('Agreed').isVisible(), 'agreed for both');
  await checkPage(b);
  await screenshot(b, 'together-agreed-390');

  await b.getByLabel('A small ritual, in a few words').fill('Twenty minutes of talk after dinner');
  await clickAndWait(b, b.getByRole('button', { name: 'Begin this ritual' }));
  await a.goto('/together');
  await clickAndWait(a, a.getByRole('button', { name: 'We did it today' }));
  assert.ok(await a.getByText('Done once in the last four weeks').isVisible(), 'counted once');
  assert.equal(await a.getByRole('button', { name: 'We did it today' }).count(), 0, 'once a day');
  await checkPage(a);
  await screenshot(a, 'together-ritual-390');

  await a.goto('/progress#together');
  assert.equal(await a.locator('#together figure.chart svg').count(), 1, 'Progress draws it');
  await checkPage(a);
  await screenshot(a, 'together-progress-390');

  assertNoProblems(couple.hurt.context);
  assertNoProblems(couple.involved.context);
});

/// A datetime-local value for `at`, on the UTC wall clock the test people keep.
function typedUtc(at) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}T${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
}

test('time together soon is moved, agreed, and once it has passed both say how it went, at 390 px', async () => {
  const couple = await pairCouple(running.browser, running.app, {
    hurt: { email: 'cy@example.test', password: 'the lighthouse keeps its lamp lit' },
    involved: { email: 'di@example.test', password: 'bread rises slowly in the cold' },
  });
  const a = couple.hurt.page;
  const b = couple.involved.page;
  // The app's clock is the real one: the plan is the next whole minute at
  // least 30 seconds away (room to fill in the forms), moved a minute on.
  const minute = 60000;
  const first = new Date(Math.ceil((Date.now() + 30000) / minute) * minute);
  const moved = new Date(first.getTime() + minute);

  await a.goto('/together');
  await a.getByLabel('What you would like to do together').fill('Tea on the balcony');
  await a.getByLabel('When').fill(typedUtc(first));
  await clickAndWait(a, a.getByRole('button', { name: 'Suggest it' }));
  await b.goto('/together');
  await b.locator('details summary', { hasText: 'Suggest another time' }).click();
  await b.getByLabel('Another time').fill(typedUtc(moved));
  await clickAndWait(b, b.getByRole('button', { name: 'Suggest this time' }));
  await a.goto('/together');
  await clickAndWait(a, a.getByRole('button', { name: "Yes, let's" }));

  await new Promise((resolve) => setTimeout(resolve, Math.max(0, moved.getTime() - Date.now()) + 1500));
  await a.goto('/');
  await clickAndWait(a, a.getByRole('link', { name: 'Say how it went' }));
  await a.getByLabel('How connected did you feel?').selectOption('5');
  await a.getByLabel('A line about it').fill('Like our first summer');
  await clickAndWait(a, a.getByRole('button', { name: 'Save how it went' }));

  await b.goto('/');
  await clickAndWait(b, b.getByRole('link', { name: 'Say how it went' }));
  await b.getByLabel('How connected did you feel?').selectOption('2');
  await b.getByLabel('A line about it').fill('I kept checking my phone');
  await b.getByLabel('Only me').check();
  await checkPage(b);
  await clickAndWait(b, b.getByRole('button', { name: 'Save how it went' }));
  assert.ok(await b.getByText('only you see this').isVisible(), 'the kept word is shown to its author');
  assert.ok(await b.getByText('Like our first summer').isVisible(), "the partner's shared word");
  await screenshot(b, 'together-logged-390');

  await a.goto('/together');
  assert.ok(await a.getByText('Spent together').first().isVisible());
  assert.equal(await a.getByText('I kept checking my phone').count(), 0, 'a kept word stays with its author');
  await checkPage(a);

  assertNoProblems(couple.hurt.context);
  assertNoProblems(couple.involved.context);
});
