'use strict';
// The weekly meeting on phones: one partner suggests a day and time, the
// other agrees; both build the agenda (appreciations first, a concern in
// the gentle start-up's words, a plan); both say it was held, and what
// only one of them ticked carries over to the next week.

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

async function addToAgenda(page, part, words) {
  await page.goto('/meeting');
  await page.getByLabel(part).check();
  await page.getByLabel('In a few words').fill(words);
  await clickAndWait(page, page.getByRole('button', { name: 'Add it' }));
}

test('a weekly meeting is agreed, built by both, held, and an item carries over, at 390 px', async () => {
  const couple = await pairCouple(running.browser, running.app);
  const a = couple.hurt.page;
  const b = couple.involved.page;

  await a.goto('/');
  await clickAndWait(a, a.getByRole('link', { name: 'Weekly meeting' }));
  assert.equal(pathOf(a), '/meeting');
  await a.getByLabel('Day').selectOption('sunday');
  await a.getByLabel('Time').fill('19:30');
  await clickAndWait(a, a.getByRole('button', { name: 'Suggest it' }));
  assert.ok(await a.getByText('Waiting for your partner to agree').isVisible());

  await b.goto('/');
  assert.ok(await b.getByText('Your partner suggested a time for your weekly meeting').isVisible());
  await b.goto('/meeting');
  await clickAndWait(b, b.getByRole('button', { name: 'Yes, that suits me' }));
  assert.ok(await b.getByText('Sundays at 19:30').isVisible(), 'agreed for both');

  await addToAgenda(a, 'An appreciation', 'You made tea when I could not sleep');
  // Held too early: the meeting opens with both appreciations.
  assert.ok(await a.getByText('each of you adds at least one before it can be marked held').isVisible());
  await addToAgenda(a, 'A plan for the week', 'Dinner out on Friday');

  await b.goto('/meeting');
  await b.locator('details summary', { hasText: 'Raise a concern gently' }).click();
  await b.getByLabel('I feel …').fill('uneasy');
  await clickAndWait(b, b.getByRole('button', { name: 'Add the concern' }));
  assert.ok(await b.getByText('Please write something here.').first().isVisible(), 'the missing parts are named');
  assert.equal(await b.getByLabel('I feel …').inputValue(), 'uneasy', 'what was typed is kept');
  await b.getByLabel('about …').fill('the late evenings at the office');
  await b.getByLabel('and I need …').fill('a message when you are held up');
  await clickAndWait(b, b.getByRole('button', { name: 'Add the concern' }));
  await addToAgenda(b, 'An appreciation', 'You listened all the way through');
  await checkPage(b);
  await screenshot(b, 'meeting-agenda-390');

  // A says it was held, ticking the plan and the concern. (From another
  // page: a fragment of the page already open would not load it again.)
  await a.goto('/');
  await a.goto('/meeting#held');
  await a.getByLabel(/Plan for the week: Dinner out/).check();
  await a.getByLabel(/Concern: I feel uneasy/).check();
  await a.getByLabel('What you agreed').fill('Dinner on Friday, phones away');
  await clickAndWait(a, a.getByRole('button', { name: 'We held our meeting' }));
  assert.ok(await a.getByText('it waits for your partner to say so too').isVisible());

  // B remembers only the plan as talked about.
  await b.goto('/');
  assert.ok(await b.getByText('Your partner said your weekly meeting was held').isVisible());
  await clickAndWait(b, b.getByRole('link', { name: 'Confirm' }));
  assert.equal(pathOf(b), '/meeting');
  assert.ok(await b.getByLabel(/Concern: I feel uneasy/).isChecked(), "the partner's ticks are offered");
  await b.getByLabel(/Concern: I feel uneasy/).uncheck();
  await checkPage(b);
  await screenshot(b, 'meeting-confirm-390');
  await clickAndWait(b, b.getByRole('button', { name: 'We held our meeting' }));

  await a.goto('/meeting');
  assert.ok(await a.getByRole('heading', { name: 'Agenda for meeting 2' }).isVisible());
  const concern = a.locator('#agenda li', { hasText: 'the late evenings at the office' });
  assert.ok(await concern.getByText('carried over').isVisible(), 'the concern carries over');
  assert.equal(await a.locator('#agenda li', { hasText: 'Dinner out on Friday' }).count(), 0, 'the plan was covered');
  assert.ok(await a.getByText('Dinner on Friday, phones away').isVisible(), 'what was agreed stays in the record');
  await checkPage(a);
  await screenshot(a, 'meeting-held-390');

  assertNoProblems(couple.hurt.context);
  assertNoProblems(couple.involved.context);
});
